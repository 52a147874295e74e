import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { describeFailure } from '../../shared/task-item/describe-failure';
import type { DownloadOptions } from '../../shared/task-item/download-options';
import { endedTaskItem } from '../../shared/task-item/ended-task-item';
import { taskToJson } from '../../shared/task-item/task-json';
import type { Task } from '../../shared/transport/api-types';
import { isFailure } from '../../shared/transport/task-status';
import type { WaitOptions } from './wait-options';
import type { WaitOutcome } from './task-watcher';

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

/** Output for an ended task: image binaries if asked; an error naming the task when it failed. */
export async function outputEndedTask(
	this: IExecuteFunctions,
	task: Task,
	download: DownloadOptions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	if (isFailure(task.state)) throw failureError(this, task, itemIndex);
	return await endedTaskItem(this, task, download, itemIndex);
}

/** Turns the outcome of waiting into the item's output, or the error that explains it. */
export async function outputWaitOutcome(
	this: IExecuteFunctions,
	outcome: WaitOutcome,
	taskId: string,
	wait: WaitOptions,
	download: DownloadOptions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	if (outcome.kind === 'error') throw outcome.error;
	if (outcome.kind === 'ended') return await outputEndedTask.call(this, outcome.task, download, itemIndex);

	const minutes = +(wait.maxWaitMs / 60000).toFixed(2);
	const last = outcome.task;
	const lastState = last
		? `last status "${last.status}"${last.progress !== null && last.progress !== undefined ? ` at ${last.progress}%` : ''}`
		: 'no status received';
	if (wait.onTimeout === 'output') {
		const json = last ? taskToJson(last) : { task_id: taskId, status: 'unknown' };
		return { json: { ...json, wait_timed_out: true }, pairedItem: { item: itemIndex } };
	}
	throw taskError(
		this,
		`Task ${taskId} did not finish within Max Wait (${minutes} min), ${lastState}`,
		`The task may still finish: fetch it later with the Fetch operation and Task ID ${taskId}, raise Max Wait (relax mode can take up to 60 minutes), or set On Timeout to "Output Last Status".`,
		itemIndex,
		taskId,
	);
}
