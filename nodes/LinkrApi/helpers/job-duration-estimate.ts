/** How many recent observations shape the estimate: recent enough to follow Midjourney's load. */
const WINDOW = 20;

/**
 * Learns how long a Midjourney job runs on this LinkrAPI, from polls: a poll that finds a job still running gives
 * a lower bound on its run time, one that finds it finished an upper bound. The estimate sits between the largest
 * recent lower bound and the smallest recent upper bound, so polls land just after jobs end, and it keeps
 * converging as long as jobs take about the same time. Kept per Base URL for the life of the n8n process.
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

	/** Expected run time in ms, or undefined until a job has been seen finishing. */
	expectedMs(): number | undefined {
		if (this.upperBounds.length === 0) return undefined;
		const upper = Math.min(...this.upperBounds);
		const lower = this.lowerBounds.length > 0 ? Math.max(...this.lowerBounds) : 0;
		if (lower >= upper) {
			// Run times vary more than the bounds can pin down: fall back to a typical finished run.
			const sorted = [...this.upperBounds].sort((a, b) => a - b);
			return sorted[Math.floor(sorted.length / 2)];
		}
		return lower > 0 ? (lower + upper) / 2 : upper;
	}
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
