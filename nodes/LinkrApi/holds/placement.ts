import type { JobKind } from '../../shared/buttons/midjourney-buttons';

/** A job of this process on a hold that has not ended yet. */
export interface JobOnHold {
	kind: JobKind;
	/** When LinkrAPI accepted it */
	acceptedAt: number;
}

/** What the choice of a hold for the next job knows of one hold. */
export interface HoldLoad {
	id: string;
	jobsAtOnce: number;
	jobsWaiting: number;
	/** Oldest first: a hold starts its queue in order */
	jobs: JobOnHold[];
	/** Since when a job of ours waits in the hold's queue while ours leave a slot free: someone else fills them */
	othersBusySince?: number;
	/** How long a job of this kind runs on this hold (learned, else typical) */
	runMs(kind: JobKind): number;
	/** The longest a job of this kind runs on this hold, as its own jobs taught it; undefined until one ended */
	longestRunMs(kind: JobKind): number | undefined;
}

/**
 * A job may go to a full hold this long before the hold is expected to start it: the account then starts it the moment
 * a slot frees, instead of after a poll has seen the slot free and the job was submitted (a poll's lag and a request
 * per round of jobs).
 */
export const HAND_OVER_EARLY_MS = 1000;

export interface Placement {
	hold: HoldLoad;
	/** When the job would start on the hold, and end */
	startsAt: number;
	endsAt: number;
	/** The hold may be given the job now: a free slot, room in its own queue, or a slot expected to free at once */
	canTakeNow: boolean;
}

/**
 * How long a job of this kind runs on the hold: what it learned, or longer while one of its jobs of that kind has
 * already run longer (a relax hold is found slow before its first job ends).
 */
function runMsOn(hold: HoldLoad, kind: JobKind, now: number): number {
	const runningFor = hold.jobs.filter((job) => job.kind === kind).map((job) => now - job.acceptedAt);
	return Math.max(hold.runMs(kind), ...runningFor);
}

/**
 * When a new job would start and end on the hold: its jobs run first come, first served on `jobsAtOnce` slots, each
 * for its expected run time (a job past it is taken to end now). While someone else fills the hold, the slots ours
 * leave free count as busy for one grid's run time from when that was seen. A full hold may take the job when a slot
 * is foretold to free at once.
 */
export function placementOn(hold: HoldLoad, kind: JobKind, now: number): Placement {
	const slots = slotEnds(hold, now, (job) => runMsOn(hold, job.kind, now));
	let taken = hold.jobs.length;
	if (hold.othersBusySince !== undefined) {
		const othersEnd = Math.max(now, hold.othersBusySince + hold.runMs('grid'));
		for (; slots.length < hold.jobsAtOnce; taken++) slots.push(othersEnd);
		slots.sort((a, b) => a - b);
	}
	const startsAt = slots.length < hold.jobsAtOnce ? now : Math.max(now, slots[0]);
	return {
		hold,
		startsAt,
		endsAt: startsAt + runMsOn(hold, kind, now),
		canTakeNow: taken < hold.jobsAtOnce + hold.jobsWaiting || foretoldToStartAtOnce(hold, now),
	};
}

/** When each slot of the hold frees: its jobs run first come, first served on `jobsAtOnce` slots for `runOf(job)`. */
function slotEnds(hold: HoldLoad, now: number, runOf: (job: JobOnHold) => number): number[] {
	const slots: number[] = [];
	for (const job of hold.jobs) {
		const start = slots.length < hold.jobsAtOnce ? job.acceptedAt : Math.max(job.acceptedAt, slots.shift() as number);
		slots.push(Math.max(now, start + runOf(job)));
		slots.sort((a, b) => a - b);
	}
	return slots;
}

/**
 * Whether the hold's own learned times foretell that it starts a new job within HAND_OVER_EARLY_MS, each job taken to
 * run the longest its kind was seen to need (so a job is rarely handed over too early). Never while someone else
 * fills the hold, while a kind it runs was never seen ending on it, or once a job ran past that: ends are guesses then.
 */
function foretoldToStartAtOnce(hold: HoldLoad, now: number): boolean {
	if (hold.othersBusySince !== undefined) return false;
	const longest = new Map(hold.jobs.map((job) => [job.kind, hold.longestRunMs(job.kind)]));
	const runOf = (job: JobOnHold) => longest.get(job.kind) ?? 0;
	if (hold.jobs.some((job) => longest.get(job.kind) === undefined || now - job.acceptedAt > runOf(job))) return false;
	const slots = slotEnds(hold, now, runOf);
	const startsAt = slots.length < hold.jobsAtOnce ? now : slots[0];
	return startsAt > now && startsAt - now <= HAND_OVER_EARLY_MS;
}

/**
 * The hold a new job should go to: the one where it would end soonest, given each hold's jobs and its speed (a
 * relax hold gets a job only when it would still end it sooner than a fast hold that frees up later). On a tie, the
 * hold that can take it now, then the one with fewer jobs, then the first in the list. Undefined without holds.
 */
export function bestPlacement(holds: HoldLoad[], kind: JobKind, now: number): Placement | undefined {
	let best: Placement | undefined;
	for (const hold of holds) {
		const placement = placementOn(hold, kind, now);
		if (
			!best ||
			placement.endsAt < best.endsAt ||
			(placement.endsAt === best.endsAt &&
				(Number(placement.canTakeNow) > Number(best.canTakeNow) ||
					(placement.canTakeNow === best.canTakeNow && hold.jobs.length < best.hold.jobs.length)))
		) {
			best = placement;
		}
	}
	return best;
}
