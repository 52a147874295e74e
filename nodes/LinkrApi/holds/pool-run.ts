import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancellableSleep } from '../../shared/cancellable-sleep';
import { ChangeSignal } from '../../shared/change-signal';
import { cancelledError } from '../../shared/node-errors';
import { forLog } from '../../shared/for-log';
import { type Hold, holdBudgetKey, holdNamed } from '../../shared/transport';
import type { JobKind } from '../../shared/buttons/midjourney-buttons';
import { jobTimesFor, type HoldJobTimes } from '../waiting';
import { bestPlacement, type HoldLoad, type JobOnHold } from './placement';

/** However far off a hold's next free slot is expected, the choice is looked at again this often. */
const LONGEST_WAIT_MS = 5000;
/** A slot expected to free now is looked for again this soon (the job's end is found by a poll). */
const SHORTEST_WAIT_MS = 250;

/** A place on a hold kept for a job while it is submitted. */
export interface Reservation {
	hold: Hold;
	/** LinkrAPI accepted the job: from now on it holds its slot until its waiting ends */
	accepted(taskId: string): void;
	/** The submit failed: the place is given back */
	cancel(): void;
}

/**
 * One execution's use of a hold pool: which holds are in its rotation, the jobs it gave each hold that it waits
 * for, and handing out each new job when a hold can start it. Jobs that nobody waits for here (Don't Wait, Pause
 * Until Callback) go to the best hold at once, as their end is never seen.
 */
export class PoolRun {
	private readonly outOfRotation = new Map<string, string>();

	private readonly jobs = new Map<string, Map<string, JobOnHold>>();

	private submitting = 0;

	private readonly changes = new ChangeSignal();

	private constructor(
		private readonly context: IExecuteFunctions,
		readonly holds: Hold[],
		private readonly times: Map<string, HoldJobTimes>,
		/** Tells pools apart in what the process remembers of them (their LinkrAPI) */
		readonly poolKey: string,
	) {}

	static async start(context: IExecuteFunctions, holds: Hold[]): Promise<PoolRun> {
		const times = new Map<string, HoldJobTimes>();
		let poolKey = '';
		for (const hold of holds) {
			const { baseUrl, budgetKey } = await holdBudgetKey(context, hold.name);
			times.set(hold.name, jobTimesFor(baseUrl, budgetKey));
			poolKey = baseUrl;
		}
		return new PoolRun(context, holds, times, poolKey);
	}

	/** The hold of that name (any case), or an error naming the Hold field. */
	holdNamed(name: string, itemIndex: number): Hold {
		const hold = holdNamed(this.holds, name);
		if (hold) return hold;
		throw new NodeOperationError(this.context.getNode(), `The Hold ${forLog(name, 60)} is not a hold of the pool`, {
			itemIndex,
			description: `The Hold field, or the hold field of the input item, must name a hold of the LinkrAPI Hold Pool credential: ${this.holds.map((candidate) => candidate.name).join(', ')}.`,
		});
	}

	/** A hold that failed (suspended, disconnected, its account refused) gets no more jobs in this execution. */
	takeOutOfRotation(hold: string, why: string): void {
		if (!this.outOfRotation.has(hold)) this.outOfRotation.set(hold, why);
		this.changes.notify();
	}

	isInRotation(hold: string): boolean {
		return !this.outOfRotation.has(hold);
	}

	/** Every hold out of rotation and why, for the error that says none is left. */
	whyOutOfRotation(): string {
		return this.holds.map((hold) => `${hold.name}: ${this.outOfRotation.get(hold.name) ?? 'in rotation'}`).join('; ');
	}

	/**
	 * The hold for a new job, once one can take it: for a job waited for here, the hold where it would end soonest,
	 * waiting while that hold has no room (another hold with room but slower would end it later); otherwise the best
	 * hold at once. `pinned` allows one hold only. Throws when no hold is left in rotation.
	 */
	async reserve(kind: JobKind, itemIndex: number, waitedFor: boolean, pinned?: string): Promise<Reservation> {
		const signal = this.context.getExecutionCancelSignal();
		for (;;) {
			const candidates = this.holds.filter(
				(hold) => this.isInRotation(hold.name) && (pinned === undefined || hold.name === pinned),
			);
			if (candidates.length === 0) throw this.noHoldLeft(itemIndex, pinned);
			const now = Date.now();
			const best = bestPlacement(
				candidates.map((hold) => this.loadOf(hold)),
				kind,
				now,
			);
			const chosen = candidates.find((hold) => hold.name === best?.hold.name) as Hold;
			if (!waitedFor) return this.placeOn(chosen, kind, false);
			if (best?.canTakeNow) return this.placeOn(chosen, kind, true);
			const waitMs = Math.min(LONGEST_WAIT_MS, Math.max(SHORTEST_WAIT_MS, (best?.startsAt ?? now) - now));
			const sleeping = cancellableSleep(waitMs, signal);
			sleeping.catch(() => undefined);
			await Promise.race([sleeping, this.changes.next]);
			if (signal?.aborted) throw cancelledError(this.context.getNode());
		}
	}

	/** The waiting for a task ended: its hold has the slot back. */
	jobEnded(hold: string | undefined, taskId: string): void {
		if (hold !== undefined && this.jobs.get(hold)?.delete(taskId)) this.changes.notify();
	}

	private loadOf(hold: Hold): HoldLoad {
		const times = this.times.get(hold.name);
		return {
			name: hold.name,
			jobsAtOnce: hold.jobsAtOnce,
			jobsWaiting: hold.jobsWaiting,
			jobs: [...(this.jobs.get(hold.name)?.values() ?? [])].sort((a, b) => a.acceptedAt - b.acceptedAt),
			runMs: (kind) => times?.likelyRunMs(kind) ?? 0,
		};
	}

	private placeOn(hold: Hold, kind: JobKind, keepsSlot: boolean): Reservation {
		const jobs = this.jobs.get(hold.name) ?? new Map<string, JobOnHold>();
		this.jobs.set(hold.name, jobs);
		// Kept under a key of its own while submitting, so the next item's choice counts it too.
		const placeholder = `submitting #${++this.submitting}`;
		if (keepsSlot) jobs.set(placeholder, { kind, acceptedAt: Date.now() });
		return {
			hold,
			accepted: (taskId) => {
				if (!keepsSlot) return;
				jobs.delete(placeholder);
				jobs.set(taskId, { kind, acceptedAt: Date.now() });
			},
			cancel: () => {
				if (jobs.delete(placeholder)) this.changes.notify();
			},
		};
	}

	private noHoldLeft(itemIndex: number, pinned: string | undefined): NodeOperationError {
		const message =
			pinned === undefined
				? 'No hold of the hold pool is left to take the job'
				: `The hold "${pinned}" that the Hold field names is out of rotation`;
		return new NodeOperationError(this.context.getNode(), message, {
			itemIndex,
			description: `${this.whyOutOfRotation()}. Check those holds in the LinkrAPI dashboard, then run again; tasks already submitted are named below and keep running.`,
		});
	}
}
