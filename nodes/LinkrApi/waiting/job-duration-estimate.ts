/** How many recent observations shape the estimate: recent enough to follow Midjourney's load. */
const WINDOW = 20;

/** Where between the longest run seen (0) and the shortest seen finishing (1) a look at a job aims. */
const AIM_FRACTION = 0.6;

/**
 * Learns how long a Midjourney job runs on this LinkrAPI, from polls: a poll that finds a job still running gives
 * a lower bound on its run time, one that finds it finished an upper bound. Estimates sit between the largest
 * recent lower bound and the smallest recent upper bound; where run times vary more than that, between the
 * typical (median) bounds. Kept per Base URL for the life of the n8n process.
 */
export class JobDurationEstimate {
	private lowerBounds: number[] = [];

	private upperBounds: number[] = [];

	stillRunningAfter(ms: number): void {
		this.lowerBounds = [...this.lowerBounds, ms].slice(-WINDOW);
	}

	finishedWithin(ms: number): void {
		this.upperBounds = [...this.upperBounds, ms].slice(-WINDOW);
	}

	/** Expected run time in ms, the middle of what the bounds allow; undefined until a job was seen finishing. */
	expectedMs(): number | undefined {
		return this.runTimeBetweenBounds(0.5);
	}

	/**
	 * The run time a look at a job waits for; undefined before any poll. Past the middle of what the bounds allow:
	 * a look that comes too early costs a whole Poll Interval, one a little late only that little, and either
	 * narrows the bounds. Until a job was seen finishing, it searches `searchStepMs` past the longest run seen.
	 */
	aimMs(searchStepMs: number): number | undefined {
		if (this.upperBounds.length === 0) {
			return this.lowerBounds.length > 0 ? Math.max(...this.lowerBounds) + searchStepMs : undefined;
		}
		return this.runTimeBetweenBounds(AIM_FRACTION);
	}

	private runTimeBetweenBounds(fraction: number): number | undefined {
		if (this.upperBounds.length === 0) return undefined;
		const upper = Math.min(...this.upperBounds);
		if (this.lowerBounds.length === 0) return upper;
		const lower = Math.max(...this.lowerBounds);
		if (lower < upper) return lower + fraction * (upper - lower);
		const typicalLower = median(this.lowerBounds);
		const typicalUpper = median(this.upperBounds);
		if (typicalLower < typicalUpper) return typicalLower + fraction * (typicalUpper - typicalLower);
		return (typicalLower + typicalUpper) / 2;
	}
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

const estimates = new Map<string, JobDurationEstimate>();

export function jobDurationEstimateFor(scope: string): JobDurationEstimate {
	const existing = estimates.get(scope);
	if (existing) return existing;
	const created = new JobDurationEstimate();
	estimates.set(scope, created);
	return created;
}

/** Forgets every learned job time (tests start each case from a fresh n8n process's point of view). */
export function forgetJobDurations(): void {
	estimates.clear();
}
