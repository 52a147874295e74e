import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../../shared/node-errors';
import { forLog } from '../../shared/for-log';
import { HOLD_SOURCE } from '../../shared/hold-source';
import { holdLedger, rememberOwner } from '../../shared/hold-ledger';
import { holdBudgetKey, poolHolds, type SubmitResponse, type Task } from '../../shared/transport';
import type { JobKind } from '../../shared/buttons/midjourney-buttons';
import { jobTimesFor, type HoldJobTimes, type SettledListener } from '../waiting';
import { isAccountRefusal } from './account-refusal';
import { ExecutionJobs } from './execution-jobs';
import { PoolRun } from './pool-run';
import { ownerOf } from './task-owner';

export interface NewJob {
	kind: JobKind;
	itemIndex: number;
	/** The node waits for its end in this execution (Poll Until Finished): it keeps its hold's slot until then */
	waitedFor: boolean;
	/** The Hold field: only this hold */
	pinned?: string;
	submit(hold: string | undefined): Promise<SubmitResponse>;
}

export interface Holds {
	readonly pooled: boolean;
	/** Every hold to ask (Get Info): the pool's names, or the one-hold credential (undefined) */
	names(): Array<string | undefined>;
	/** The pool's hold of that name (any case), or an error naming the Hold field */
	holdNamed(name: string, itemIndex: number): string;
	/** Submits a new job on the hold that should run it, moving on to the next hold when one is unusable */
	submitNewJob(job: NewJob): Promise<{ submitted: SubmitResponse; hold?: string }>;
	/** The hold that owns a task, for a follow-up; a pool's search hands back the task it found */
	ownerOf(taskId: string, itemIndex: number, named: string | undefined): Promise<{ hold?: string; task?: Task }>;
	/** The waiting for a task ended: its slot frees once seen ended, and an account Midjourney refused rests */
	settled: SettledListener;
	/** The node is done: jobs still waited for count on their holds only until they should have ended */
	close(): void;
}

/** LinkrAPI's answers to a submit that say the hold cannot take jobs, while the job surely did not start. */
const UNUSABLE: Record<string, string> = {
	'401': 'LinkrAPI rejected its API key (HTTP 401)',
	'403': 'its hold is suspended (HTTP 403)',
	'502': 'LinkrAPI could not reach its Discord account (HTTP 502)',
};

function unusableHold(error: unknown): string | undefined {
	return error instanceof NodeApiError && error.httpCode ? UNUSABLE[error.httpCode] : undefined;
}

/** A job nobody waits for here counts on the one-hold credential's hold for this many of its expected run times. */
const NOT_WAITED_RUNS = 1.5;

/**
 * The one-hold credential: every job goes to its hold at once, as before pools existed; each is entered in the hold
 * ledger, so a pool that has the same key counts it.
 */
function oneHoldOf(context: IExecuteFunctions): Holds {
	const jobs = new ExecutionJobs();
	let hold: Promise<{ id: string; times: HoldJobTimes }> | undefined;
	const theHold = async () =>
		await (hold ??= holdBudgetKey(context).then(({ baseUrl, budgetKey }) => ({
			id: budgetKey,
			times: jobTimesFor(baseUrl, budgetKey),
		})));
	return {
		pooled: false,
		names: () => [undefined],
		// A workflow saved with a pool, then switched: there is no hold to choose.
		holdNamed: (_name, itemIndex) => {
			throw new NodeOperationError(context.getNode(), 'The Hold field is set, but the node uses one hold', {
				itemIndex,
				description: 'Clear the Hold field, or choose "Hold Pool" under Holds and a LinkrAPI Hold Pool credential.',
			});
		},
		async submitNewJob(job) {
			const submitted = await job.submit(undefined);
			const { id, times } = await theHold();
			const now = Date.now();
			const runMs = () => times.likelyRunMs(job.kind);
			const countedUntil = job.waitedFor ? ExecutionJobs.waitedForUntil(now) : now + NOT_WAITED_RUNS * runMs();
			holdLedger.add(id, submitted.task_id, { kind: job.kind, acceptedAt: now, countedUntil });
			if (job.waitedFor) jobs.waitedFor(submitted.task_id, runMs);
			rememberOwner(submitted.task_id, id);
			return { submitted };
		},
		ownerOf: async () => ({}),
		settled: (task) => jobs.waitingEnded(task.taskId),
		close: () => jobs.close(),
	};
}

function poolOf(context: IExecuteFunctions, run: PoolRun): Holds {
	const holdOf = (name: string) => run.holds.find((hold) => hold.name === name);
	return {
		pooled: true,
		names: () => run.holds.map((hold) => hold.name),
		holdNamed: (name, itemIndex) => run.holdNamed(name, itemIndex).name,
		async submitNewJob(job) {
			const pinned = job.pinned === undefined ? undefined : run.holdNamed(job.pinned, job.itemIndex);
			for (;;) {
				const place = await run.reserve(job.kind, job.itemIndex, job.waitedFor, pinned);
				let submitted: SubmitResponse;
				try {
					submitted = await job.submit(place.hold.name);
				} catch (error) {
					place.cancel();
					const why = unusableHold(error);
					if (!why) throw asNodeError(context.getNode(), error);
					run.refused(place.hold, why);
					continue;
				}
				place.accepted(submitted.task_id);
				rememberOwner(submitted.task_id, place.hold.id);
				return { submitted, hold: place.hold.name };
			}
		},
		ownerOf: async (taskId, itemIndex, named) => await ownerOf(context, run, taskId, itemIndex, named),
		settled(task, outcome) {
			run.jobs.waitingEnded(task.taskId);
			const hold = task.hold === undefined ? undefined : holdOf(task.hold);
			if (!hold || outcome.kind !== 'ended' || !isAccountRefusal(outcome.task.error)) return;
			run.refused(hold, `Midjourney refused the account for task ${task.taskId}: ${forLog(outcome.task.error, 200)}`);
		},
		close: () => run.jobs.close(),
	};
}

/** The holds of this execution, read and checked once before any request. */
export async function holdsForExecution(context: IExecuteFunctions): Promise<Holds> {
	const source = context.getNodeParameter(HOLD_SOURCE.name, 0, HOLD_SOURCE.oneHold);
	if (source !== HOLD_SOURCE.holdPool) return oneHoldOf(context);
	return poolOf(context, PoolRun.start(context, await poolHolds(context)));
}

/** For a follow-up (a button, a Fetch): the Hold field, else the hold the input item names (a LinkrAPI node's output). */
export function namedHold(context: IExecuteFunctions, holds: Holds, itemIndex: number): string | undefined {
	const pinned = pinnedHold(context, holds, itemIndex);
	if (pinned !== undefined || !holds.pooled) return pinned;
	const fromInput = context.getInputData()[itemIndex]?.json.hold;
	return typeof fromInput === 'string' && fromInput.trim() !== '' ? fromInput.trim() : undefined;
}

/** The Hold field of an item: a name of the pool, or nothing. */
export function pinnedHold(context: IExecuteFunctions, holds: Holds, itemIndex: number): string | undefined {
	const value = context.getNodeParameter('hold', itemIndex, '');
	const name = typeof value === 'string' ? value.trim() : String(value ?? '').trim();
	return name === '' ? undefined : holds.holdNamed(name, itemIndex);
}
