import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fetchTask, isEnded } from '../../shared/transport';
import { outcomeItem, type TaskToWaitFor } from '../waiting';
import { rememberAwaitedTask } from './execution-memory';

/** Past the server's own timeout for the mode, so LinkrAPI's final callback still finds the execution waiting. */
const WAIT_GRACE_MS = 60000;

/** Pause Until Callback resumes one execution once, with one item, and only outside an agent's tool call. */
export function checkPauseIsPossible(context: IExecuteFunctions, itemCount: number): void {
	// Every item is read: a workflow saved with an expression in the field could pause on item 2 only.
	const pausing = Array.from({ length: itemCount }, (_, itemIndex) => itemIndex).some(
		(itemIndex) => context.getNodeParameter('waitMode', itemIndex, 'poll') === 'callback',
	);
	if (!pausing) return;
	if (context.isToolExecution?.()) {
		throw new NodeOperationError(
			context.getNode(),
			'"Pause Until Callback" cannot be used when the node runs as an AI Agent tool',
			{ description: 'An agent needs the answer within its own run. Choose "Poll Until Finished" for tool use.' },
		);
	}
	if (itemCount > 1) {
		throw new NodeOperationError(
			context.getNode(),
			`"Pause Until Callback" handles one item per execution, and this node received ${itemCount}`,
			{
				description:
					'n8n resumes a paused execution once. Choose "Poll Until Finished" to wait on all items together, or put a Loop Over Items node (batch size 1) in front of this node.',
			},
		);
	}
}

/**
 * Puts the execution to sleep until LinkrAPI calls its resume URL, and gives the item it outputs meanwhile. One check
 * comes first: a task that already ended (an instant failure) would call back before n8n saved the execution as
 * waiting, and n8n refuses such early callbacks (409), so it is output at once instead.
 */
export async function pauseForCallback(context: IExecuteFunctions, task: TaskToWaitFor): Promise<INodeExecutionData> {
	const last = await fetchTask(context, task.taskId, {
		itemIndex: task.itemIndex,
		requestsPerSecond: task.requestsPerSecond,
		hold: task.hold,
	});
	if (isEnded(last.state)) return await outcomeItem(context, task, { kind: 'ended', task: last });
	rememberAwaitedTask(context, task.taskId);
	await context.putExecutionToWait(new Date(Date.now() + task.wait.maxWaitMs + WAIT_GRACE_MS));
	return await outcomeItem(context, task, { kind: 'paused', task: last });
}
