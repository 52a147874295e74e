import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancellableSleep } from '../../shared/cancellable-sleep';
import { cancelledError } from '../../shared/node-errors';
import { forLog } from '../../shared/for-log';
import { holdLedger, type Rest } from '../../shared/hold-ledger';
import { type Hold, holdNamed, unknownHoldError } from '../../shared/transport';
import type { JobKind } from '../../shared/buttons/midjourney-buttons';
import { jobTimesFor, type HoldJobTimes } from '../waiting';
import { ExecutionJobs } from './execution-jobs';
import { bestPlacement, HAND_OVER_EARLY_MS, type HoldLoad, type Placement } from './placement';

/** However far off a hold's next free slot is expected, the choice is looked at again this often. */
const LONGEST_WAIT_MS = 5000;
/** A slot expected to free now is looked for again this soon (the job's end is found by a poll). */
const SHORTEST_WAIT_MS = 250;
/** A job nobody here waits for counts on its hold until its expected end plus this share of its run time. */
const NOT_WAITED_MARGIN = 0.5;

/** A place on a hold kept for a job while it is submitted. */
export interface Reservation {
	hold: Hold;
	/** LinkrAPI accepted the job: it counts on its hold (waited for: until its waiting ends) */
	accepted(taskId: string): void;
	/** The submit failed: the place is given back */
	cancel(): void;
}

const clock = (time: number) => new Date(time).toISOString().slice(11, 19);

/**
 * One execution's use of a hold pool, placing each new job from the process's hold ledger (every execution's jobs,
 * rests, other users' load): a job waited for here goes out once the hold where it would end soonest can start it;
 * a job nobody waits for here (Don't Wait, Pause Until Callback) goes at once to the hold where it would end soonest.
 */
export class PoolRun {
	private constructor(
		private readonly context: IExecuteFunctions,
		readonly holds: Hold[],
		private readonly times: Map<string, HoldJobTimes>,
		readonly jobs: ExecutionJobs,
	) {}

	static start(context: IExecuteFunctions, holds: Hold[]): PoolRun {
		const times = new Map<string, HoldJobTimes>();
		for (const hold of holds) {
			holdLedger.knowSlots(hold.id, hold.jobsAtOnce);
			times.set(hold.id, jobTimesFor(hold.baseUrl, hold.id));
		}
		return new PoolRun(context, holds, times, new ExecutionJobs());
	}

	/** The hold of that name (any case), or an error naming the Hold field. */
	holdNamed(name: string, itemIndex: number): Hold {
		const hold = holdNamed(this.holds, name);
		if (hold) return hold;
		throw unknownHoldError(this.context.getNode(), name, this.holds, itemIndex);
	}

	/** A hold that refused (suspended, disconnected, its account refused) rests for every execution of the process. */
	refused(hold: Hold, why: string): void {
		const rest = holdLedger.refused(hold.id, why, Date.now());
		this.context.logger.warn(
			`Hold ${forLog(hold.name, 60)} rests until ${clock(rest.until)} UTC for every execution: ${rest.why}`,
		);
	}

	/**
	 * The hold for a new job, once one can take it. `pinned` allows that hold only. Throws when every allowed hold
	 * rests after a refusal.
	 */
	async reserve(kind: JobKind, itemIndex: number, waitedFor: boolean, pinned?: Hold): Promise<Reservation> {
		const signal = this.context.getExecutionCancelSignal();
		for (;;) {
			const now = Date.now();
			const allowed = pinned ? [pinned] : this.holds;
			const candidates = allowed.filter((hold) => !holdLedger.restOf(hold.id, now));
			if (candidates.length === 0) throw this.noHoldLeft(itemIndex, allowed, pinned);
			const best = bestPlacement(
				candidates.map((hold) => this.loadOf(hold, now)),
				kind,
				now,
			) as Placement;
			const chosen = candidates.find((hold) => hold.id === best.hold.id) as Hold;
			if (!waitedFor || best.canTakeNow) return this.placeOn(chosen, kind, waitedFor, best);
			const waitMs = Math.min(LONGEST_WAIT_MS, Math.max(SHORTEST_WAIT_MS, best.startsAt - HAND_OVER_EARLY_MS - now));
			const sleeping = cancellableSleep(waitMs, signal);
			sleeping.catch(() => undefined);
			await Promise.race([sleeping, holdLedger.changes.next]);
			if (signal?.aborted) throw cancelledError(this.context.getNode());
		}
	}

	timesOf(hold: Hold): HoldJobTimes {
		return this.times.get(hold.id) as HoldJobTimes;
	}

	private loadOf(hold: Hold, now: number): HoldLoad {
		const times = this.timesOf(hold);
		return {
			id: hold.id,
			jobsAtOnce: hold.jobsAtOnce,
			jobsWaiting: hold.jobsWaiting,
			jobs: holdLedger.jobsOn(hold.id, now),
			othersBusySince: holdLedger.othersBusyOn(hold.id)?.since,
			runMs: (kind) => times.likelyRunMs(kind),
			longestRunMs: (kind) => times.ownLongestMs(kind),
		};
	}

	private placeOn(hold: Hold, kind: JobKind, waitedFor: boolean, placement: Placement): Reservation {
		const now = Date.now();
		const runMs = this.timesOf(hold).likelyRunMs(kind);
		// Nobody here will see its end: it counts until it should have ended, with a margin.
		const countedUntil = waitedFor ? ExecutionJobs.waitedForUntil(now) : placement.endsAt + NOT_WAITED_MARGIN * runMs;
		const placed = holdLedger.place(hold.id, kind, now, countedUntil);
		return {
			hold,
			accepted: (taskId) => {
				placed.accepted(taskId, Date.now(), countedUntil);
				if (waitedFor) this.jobs.waitedFor(taskId, () => this.timesOf(hold).likelyRunMs(kind));
			},
			cancel: () => placed.cancel(),
		};
	}

	private noHoldLeft(itemIndex: number, allowed: Hold[], pinned: Hold | undefined): NodeOperationError {
		const message =
			pinned === undefined
				? 'No hold of the hold pool is left to take the job'
				: `The hold "${pinned.name}" that the Hold field names rests after a refusal`;
		const rests = allowed.map((hold) => `${hold.name}: ${describeRest(holdLedger.restOf(hold.id, Date.now()))}`);
		return new NodeOperationError(this.context.getNode(), message, {
			itemIndex,
			description: `${rests.join('; ')}. Check those holds in the LinkrAPI dashboard; each is tried again when its rest ends. Tasks already submitted are named below and keep running.`,
		});
	}
}

function describeRest(rest: Rest | undefined): string {
	return rest ? `${rest.why}, rests until ${clock(rest.until)} UTC` : 'in rotation';
}
