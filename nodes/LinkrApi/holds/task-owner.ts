import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forLog } from '../../shared/for-log';
import { RecentMemory } from '../../shared/recent-memory';
import { findTaskOnHolds, type Task } from '../../shared/transport';
import type { PoolRun } from './pool-run';

const MAX_REMEMBERED = 5000;

/** Which hold ran a task, learned from its submission or a search, for this n8n process. */
const owners = new RecentMemory<string>(MAX_REMEMBERED);

const keyOf = (run: PoolRun, taskId: string) => `${run.poolKey}\n${taskId}`;

export function rememberOwner(run: PoolRun, taskId: string, hold: string): void {
	owners.remember(keyOf(run, taskId), hold);
}

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
	const remembered = owners.recall(keyOf(run, taskId));
	if (remembered !== undefined && run.holds.some((hold) => hold.name === remembered)) return { hold: remembered };
	const names = run.holds.map((hold) => hold.name);
	const found = await findTaskOnHolds(context, taskId, names, { itemIndex });
	if (found?.hold !== undefined) {
		rememberOwner(run, taskId, found.hold);
		return { hold: found.hold, task: found.task };
	}
	throw new NodeOperationError(context.getNode(), `Task ${forLog(taskId)} was not found on any hold of the pool`, {
		itemIndex,
		description: `Asked ${names.join(', ')}: each answered 404. Task IDs belong to the hold whose key created them, and old tasks may expire. Check the Task ID, and that its hold is in the LinkrAPI Hold Pool credential.`,
	});
}
