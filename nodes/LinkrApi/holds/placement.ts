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
}

export interface Placement {
	hold: HoldLoad;
	/** When the job would start on the hold, and end */
	startsAt: number;
	endsAt: number;
	/** The hold may be given the job now (a free slot, or room in its own queue) */
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
 * leave free count as busy for one grid's run time from when that was seen.
 */
export function placementOn(hold: HoldLoad, kind: JobKind, now: number): Placement {
	const slots: number[] = [];
	for (const job of hold.jobs) {
		const start = slots.length < hold.jobsAtOnce ? job.acceptedAt : Math.max(job.acceptedAt, slots.shift() as number);
		slots.push(Math.max(now, start + runMsOn(hold, job.kind, now)));
		slots.sort((a, b) => a - b);
	}
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
		canTakeNow: taken < hold.jobsAtOnce + hold.jobsWaiting,
	};
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
