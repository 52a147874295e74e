import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../../shared/node-errors';
import { describeFailure, endedTaskItem, taskToJson } from '../../shared/task-item';
import { isFailure, type Task } from '../../shared/transport';
import type { TaskToWaitFor, WaitOutcome } from './watch';

/** How waiting for a task ended: an outcome of the watcher, or a pause that began (pause/pause-for-callback.ts). */
export type ItemOutcome = WaitOutcome | { kind: 'paused'; task: Task };

function taskError(
	context: IExecuteFunctions,
	message: string,
	description: string,
	itemIndex: number,
	taskId: string,
): NodeOperationError {
	const error = new NodeOperationError(context.getNode(), message, { itemIndex, description });
	error.context.task_id = taskId;
	return error;
}

function failureError(context: IExecuteFunctions, task: Task, itemIndex: number): NodeOperationError {
	const { message, description } = describeFailure(task);
	return taskError(context, message, description, itemIndex, task.task_id);
}

/** Max Wait passed: the last status, or with On Timeout "Error" the error that says what to do next. */
function maxWaitReached(context: IExecuteFunctions, waited: TaskToWaitFor, last: Task | undefined): INodeExecutionData {
	const { taskId, itemIndex, wait } = waited;
	const minutes = +(wait.maxWaitMs / 60000).toFixed(2);
	const lastState = last
		? `last status "${last.status}"${last.progress !== null && last.progress !== undefined ? ` at ${last.progress}%` : ''}`
		: 'no status received';
	if (wait.onTimeout === 'output') {
		const json = last ? taskToJson(last) : { task_id: taskId, status: 'unknown' };
		return { json: { ...json, wait_timed_out: true }, pairedItem: { item: itemIndex } };
	}
	throw taskError(
		context,
		`Task ${taskId} did not finish within Max Wait (${minutes} min), ${lastState}`,
		`The task may still finish: fetch it later with the Fetch operation and Task ID ${taskId}, raise Max Wait (relax mode can take up to 60 minutes), or set On Timeout to "Output Last Status".`,
		itemIndex,
		taskId,
	);
}

async function outputOf(
	context: IExecuteFunctions,
	waited: TaskToWaitFor,
	outcome: ItemOutcome,
): Promise<INodeExecutionData> {
	const { taskId, itemIndex } = waited;
	switch (outcome.kind) {
		case 'error':
			throw outcome.error;
		case 'ended':
			if (isFailure(outcome.task.state)) throw failureError(context, outcome.task, itemIndex);
			return await endedTaskItem(context, outcome.task, waited.download, itemIndex);
		case 'paused':
			return {
				json: { task_id: taskId, status: 'waiting_for_callback', last_status: outcome.task.status },
				pairedItem: { item: itemIndex },
			};
		case 'maxWaitReached':
			return maxWaitReached(context, waited, outcome.task);
	}
}

/**
 * The one place where the item of a task an item waited for is built, from its record and how the waiting ended:
 * the task's fields (and images if asked), or the last status at Max Wait, or "waiting_for_callback" when the
 * execution paused; the operation's own fields added to each. A failed task, a poll that failed, or Max Wait with
 * On Timeout "Error" throws the error that explains it.
 */
export async function outcomeItem(
	context: IExecuteFunctions,
	waited: TaskToWaitFor,
	outcome: ItemOutcome,
): Promise<INodeExecutionData> {
	let item: INodeExecutionData;
	try {
		item = await outputOf(context, waited, outcome);
	} catch (error) {
		// The error item names the hold, as the item would have.
		const nodeError = asNodeError(context.getNode(), error);
		if (waited.hold !== undefined) nodeError.context.hold ??= waited.hold;
		throw nodeError;
	}
	return { ...item, json: { ...item.json, ...waited.itemFields } };
}
