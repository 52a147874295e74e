import type { IBinaryKeyData, IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadImage } from '../../shared/task-item/download-image';
import type { DownloadOptions, Task, WaitOptions } from '../../shared/transport/api-types';
import { taskToJson } from '../../shared/task-item/task-output';
import { isFailureStatus } from '../../shared/transport/task-status';
import type { WaitOutcome } from '../waiting/task-watcher';

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

export interface FailureDescription {
	message: string;
	description: string;
}

/** How a failed or timed-out task is explained, whether it is thrown (poll) or output (resumed after a callback). */
export function describeFailure(task: Task): FailureDescription {
	const reason = task.error?.trim();
	if (task.status.toLowerCase() === 'timeout') {
		return {
			message: `Midjourney did not finish task ${task.task_id} in time${reason ? `: ${reason}` : ''}`,
			description: `LinkrAPI gave up on the task (status "timeout"). Submit it again, or check the hold's queue in the LinkrAPI dashboard. Task ID: ${task.task_id}.`,
		};
	}
	return {
		message: `Midjourney could not finish task ${task.task_id}: ${reason || 'no reason given'}`,
		description: `The task ended with status "${task.status}". Common causes: a banned word in the prompt, an inactive Midjourney subscription, or a suspended account. Task ID: ${task.task_id}.`,
	};
}

function failureError(context: IExecuteFunctions, task: Task, itemIndex: number): NodeOperationError {
	const { message, description } = describeFailure(task);
	return taskError(context, message, description, itemIndex, task.task_id);
}

export async function downloadBinaries(
	context: IExecuteFunctions | IWebhookFunctions,
	task: Task,
	options: DownloadOptions,
	itemIndex: number,
): Promise<IBinaryKeyData | undefined> {
	if (!options.downloadImage && !options.downloadQuadrants) return undefined;
	const binary: IBinaryKeyData = {};
	const property = options.binaryPropertyName;
	if (options.downloadImage && task.image_url) {
		binary[property] = await downloadImage.call(
			context,
			task.image_url,
			`${task.task_id}.png`,
			itemIndex,
			task.task_id,
		);
	}
	if (options.downloadQuadrants && task.images) {
		for (const [index, url] of task.images.entries()) {
			binary[`${property}_${index + 1}`] = await downloadImage.call(
				context,
				url,
				`${task.task_id}_${index + 1}.png`,
				itemIndex,
				task.task_id,
			);
		}
	}
	return Object.keys(binary).length > 0 ? binary : undefined;
}

/** Output for a finished task: image binaries if asked; an error naming the task when it failed. */
export async function outputFinishedTask(
	this: IExecuteFunctions,
	task: Task,
	download: DownloadOptions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	if (isFailureStatus(task.status)) throw failureError(this, task, itemIndex);
	const binary = await downloadBinaries(this, task, download, itemIndex);
	return { json: taskToJson(task), ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
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
	if (outcome.kind === 'finished') return await outputFinishedTask.call(this, outcome.task, download, itemIndex);

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
