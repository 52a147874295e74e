import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../../shared/cancellation';
import { fetchTask, forLog, type Task } from '../../shared/transport';
import type { PoolRun } from './pool-run';

const MAX_REMEMBERED = 5000;

/** Which hold ran a task, learned from its submission or a search, for this n8n process. */
const owners = new Map<string, string>();

const keyOf = (run: PoolRun, taskId: string) => `${run.poolKey}\n${taskId}`;

export function rememberOwner(run: PoolRun, taskId: string, hold: string): void {
	owners.delete(keyOf(run, taskId));
	owners.set(keyOf(run, taskId), hold);
	if (owners.size > MAX_REMEMBERED) {
		const oldest = owners.keys().next().value;
		if (oldest !== undefined) owners.delete(oldest);
	}
}

const isNotThisHolds = (error: unknown) => error instanceof NodeApiError && error.httpCode === '404';

/**
 * The hold that owns a task, for a follow-up (a button, a Fetch): the one named (the Hold field, or the input item's
 * `hold`), the one remembered, or else found by asking each hold of the pool in turn (404: not this hold's task).
 * A search hands back the task it found, so the caller need not ask again.
 */
export async function ownerOf(
	context: IExecuteFunctions,
	run: PoolRun,
	taskId: string,
	itemIndex: number,
	named: string | undefined,
): Promise<{ hold: string; task?: Task }> {
	if (named !== undefined) return { hold: run.holdNamed(named, itemIndex).name };
	const remembered = owners.get(keyOf(run, taskId));
	if (remembered !== undefined && run.holds.some((hold) => hold.name === remembered)) return { hold: remembered };
	for (const hold of run.holds) {
		try {
			const task = await fetchTask.call(context, taskId, { itemIndex, hold: hold.name });
			rememberOwner(run, taskId, hold.name);
			return { hold: hold.name, task };
		} catch (error) {
			if (!isNotThisHolds(error)) throw asNodeError(context.getNode(), error);
		}
	}
	throw new NodeOperationError(context.getNode(), `Task ${forLog(taskId)} was not found on any hold of the pool`, {
		itemIndex,
		description: `Asked ${run.holds.map((hold) => hold.name).join(', ')}: each answered 404. Task IDs belong to the hold whose key created them, and old tasks may expire. Check the Task ID, and that its hold is in the LinkrAPI Hold Pool credential.`,
	});
}
