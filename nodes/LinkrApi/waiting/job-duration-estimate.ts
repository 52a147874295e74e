import type { JobKind } from '../../shared/buttons/midjourney-buttons';

/** How many recent observations of one hold and job kind shape the estimate: few, to follow Midjourney's load. */
const WINDOW = 8;

/** Where between the longest run seen (0) and the shortest seen ending (1) a poll at a job aims. */
const AIM_FRACTION = 0.6;

/** Progress reports kept per hold and job kind to learn what a progress value says about the time left. */
const PROGRESS_WINDOW = 24;

/** Weight of the assumption "progress grows evenly from 0 % at the start to 100 % at the end" against reports. */
const PROGRESS_PRIOR_WEIGHT = 1;

/** A hold that has not run a kind of job yet aims this far into what other holds of the same API take for it. */
const OTHER_HOLD_AIM_FACTOR = 0.75;

/**
 * What a job takes when nothing is known on this LinkrAPI: LinkrAPI documents 30–120 s for a grid; picking one image
 * of a grid takes a few seconds, redrawing it larger about a minute. Used to guess where a queued job stands, never
 * to aim a poll.
 */
export const TYPICAL_RUN_MS: Record<JobKind, number> = { grid: 45_000, single: 6_000, upscale: 60_000 };

/** Elapsed fraction of a run when LinkrAPI reports a progress: fraction = base + slope × progress / 100. */
export interface ProgressLine {
	base: number;
	slope: number;
}

/** The fraction of its run time a job has behind it when it reports `progress` (0 and 100 say nothing). */
export function fractionAt(line: ProgressLine, progress: number): number | undefined {
	if (!(progress > 0 && progress < 100)) return undefined;
	const fraction = line.base + (line.slope * progress) / 100;
	return fraction > 0 ? Math.min(fraction, 1) : undefined;
}

/** The fraction of the run passed once a job reports 100 % (an upload may follow). */
export function fractionAtFullProgress(line: ProgressLine): number {
	return Math.min(1, Math.max(0.5, line.base + line.slope));
}

const EVEN_PROGRESS: ProgressLine = { base: 0, slope: 1 };

/**
 * Learns how long one kind of Midjourney job runs on one hold, from polls: a poll that finds a job still running
 * gives a lower bound on its run time, one that finds it ended an upper bound. Estimates sit between the
 * largest recent lower bound and the smallest recent upper bound. A new bound drops the older ones it contradicts
 * (a job running longer than one seen ending), so a slow spell raises the estimate at its first slow job and
 * one fast job brings it down; only the last few jobs count.
 */
export class JobDurationEstimate {
	private lowerBounds: number[] = [];

	private upperBounds: number[] = [];

	private progressReports: Array<{ progress: number; fraction: number }> = [];

	/** A job ran at least `ms`: earlier jobs seen ending sooner were from a faster spell. */
	stillRunningAfter(ms: number): void {
		this.lowerBounds = [...this.lowerBounds, ms].slice(-WINDOW);
		this.upperBounds = this.upperBounds.filter((upper) => upper > ms);
	}

	/** A job ended within `ms`: earlier jobs seen running longer were from a slower spell. */
	endedWithin(ms: number): void {
		this.upperBounds = [...this.upperBounds, ms].slice(-WINDOW);
		this.lowerBounds = this.lowerBounds.filter((lower) => lower < ms);
	}

	/** A job reported `progress` when `fraction` of its run time had passed. */
	progressAt(progress: number, fraction: number): void {
		this.progressReports = [...this.progressReports, { progress, fraction }].slice(-PROGRESS_WINDOW);
	}

	/** Expected run time in ms, the middle of what the bounds allow; undefined until a job was seen ending. */
	expectedMs(): number | undefined {
		return this.runTimeBetweenBounds(0.5);
	}

	/**
	 * The run time a poll aimed at a job's end waits for; undefined until a job was seen ending. Past the middle
	 * of what the bounds allow: a poll a little early costs a request, one a little late only that little.
	 */
	aimMs(): number | undefined {
		return this.runTimeBetweenBounds(AIM_FRACTION);
	}

	/** The longest a job may run as far as recent jobs tell (the shortest seen ending); undefined until one was seen ending. */
	longestMs(): number | undefined {
		return this.runTimeBetweenBounds(1);
	}

	/**
	 * How progress grows on this kind of job: a least-squares line through earlier jobs' reports, pulled towards
	 * even growth from 0 % at the start to 100 % at the end.
	 */
	progressLine(): ProgressLine {
		// Two pseudo-reports stand for even growth: (0 %, 0) and (100 %, 1).
		const points = [
			{ x: 0, y: 0, w: PROGRESS_PRIOR_WEIGHT },
			{ x: 1, y: 1, w: PROGRESS_PRIOR_WEIGHT },
			...this.progressReports.map((report) => ({ x: report.progress / 100, y: report.fraction, w: 1 })),
		];
		const total = points.reduce((sum, p) => sum + p.w, 0);
		const meanX = points.reduce((sum, p) => sum + p.w * p.x, 0) / total;
		const meanY = points.reduce((sum, p) => sum + p.w * p.y, 0) / total;
		const spread = points.reduce((sum, p) => sum + p.w * (p.x - meanX) ** 2, 0);
		const together = points.reduce((sum, p) => sum + p.w * (p.x - meanX) * (p.y - meanY), 0);
		const slope = together / spread;
		const line = { base: meanY - slope * meanX, slope };
		return line.slope > 0 ? line : EVEN_PROGRESS;
	}

	private runTimeBetweenBounds(fraction: number): number | undefined {
		if (this.upperBounds.length === 0) return undefined;
		const upper = Math.min(...this.upperBounds);
		// With no run seen yet, a job may take anything from nothing up to the shortest seen ending.
		const lower = Math.max(0, ...this.lowerBounds);
		return lower + fraction * (upper - lower);
	}
}

/** Per LinkrAPI Base URL, per hold (a hash of Base URL and API key, never the key), per job kind. */
const estimates = new Map<string, Map<string, Map<JobKind, JobDurationEstimate>>>();

/**
 * The job times of one hold, for the life of the n8n process. A kind of job this hold has not ended yet is
 * judged by the same kind on other holds of the same LinkrAPI (aimed earlier, as this hold may be faster), never
 * by the other kind's time.
 */
export class HoldJobTimes {
	constructor(
		private readonly holds: Map<string, Map<JobKind, JobDurationEstimate>>,
		private readonly hold: string,
	) {}

	/** This hold's own estimate for a kind, which its polls teach. */
	learning(kind: JobKind): JobDurationEstimate {
		const kinds = this.holds.get(this.hold) ?? new Map<JobKind, JobDurationEstimate>();
		this.holds.set(this.hold, kinds);
		const existing = kinds.get(kind);
		if (existing) return existing;
		const created = new JobDurationEstimate();
		kinds.set(kind, created);
		return created;
	}

	expectedMs(kind: JobKind): number | undefined {
		return this.own(kind)?.expectedMs() ?? this.otherHolds(kind);
	}

	aimMs(kind: JobKind): number | undefined {
		const own = this.own(kind)?.aimMs();
		if (own !== undefined) return own;
		const others = this.otherHolds(kind);
		return others === undefined ? undefined : others * OTHER_HOLD_AIM_FACTOR;
	}

	/** What the job will likely take, learned or typical: where a queued job stands, never where a poll aims. */
	likelyRunMs(kind: JobKind): number {
		return this.expectedMs(kind) ?? TYPICAL_RUN_MS[kind];
	}

	/** The longest a job of this kind runs on this hold, learned from its own jobs only; undefined until one ended. */
	ownLongestMs(kind: JobKind): number | undefined {
		return this.own(kind)?.longestMs();
	}

	progressLine(kind: JobKind): ProgressLine {
		return (this.own(kind) ?? new JobDurationEstimate()).progressLine();
	}

	private own(kind: JobKind): JobDurationEstimate | undefined {
		return this.holds.get(this.hold)?.get(kind);
	}

	/** The fastest other hold's expected time for this kind. */
	private otherHolds(kind: JobKind): number | undefined {
		const times = [...this.holds.entries()]
			.filter(([hold]) => hold !== this.hold)
			.map(([, kinds]) => kinds.get(kind)?.expectedMs())
			.filter((ms): ms is number => ms !== undefined);
		return times.length > 0 ? Math.min(...times) : undefined;
	}
}

export function jobTimesFor(baseUrl: string, hold: string): HoldJobTimes {
	const holds = estimates.get(baseUrl) ?? new Map<string, Map<JobKind, JobDurationEstimate>>();
	estimates.set(baseUrl, holds);
	return new HoldJobTimes(holds, hold);
}

/** Forgets every learned job time (tests start each case from a fresh n8n process's point of view). */
export function forgetJobDurations(): void {
	estimates.clear();
}
