import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forLog } from '../../shared/for-log';
import { ownerFirst, rememberOwner } from '../../shared/hold-ledger';
import { findTaskOnHolds, type Task } from '../../shared/transport';
import type { PoolRun } from './pool-run';

/**
 * The hold that owns a task, for a follow-up (a button, a Fetch), with the task as that hold sees it: asked first the
 * hold named (the Hold field, or the input item's `hold`), then the one this process remembers making it (by its key,
 * whatever this pool calls it), then every other hold of the pool, each once (404: not this hold's task).
 */
export async function ownerOf(
	context: IExecuteFunctions,
	run: PoolRun,
	taskId: string,
	itemIndex: number,
	named: string | undefined,
): Promise<{ hold: string; task: Task }> {
	const order = ownerFirst(taskId, run.holds, named === undefined ? undefined : run.holdNamed(named, itemIndex));
	const found = await findTaskOnHolds(
		context,
		taskId,
		order.map((hold) => hold.name),
		{ itemIndex },
	);
	const owner = order.find((hold) => hold.name === found?.hold);
	if (found && owner) {
		rememberOwner(taskId, owner.id);
		return { hold: owner.name, task: found.task };
	}
	throw new NodeOperationError(context.getNode(), `Task ${forLog(taskId)} was not found on any hold of the pool`, {
		itemIndex,
		description: `Asked ${order.map((hold) => hold.name).join(', ')}: each answered 404. Task IDs belong to the hold whose key created them, and old tasks may expire. Check the Task ID, and that its hold is in the LinkrAPI Hold Pool credential.`,
	});
}
