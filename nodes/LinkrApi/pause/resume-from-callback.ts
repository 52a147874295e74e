import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { taskIdFromCallback } from '../../shared/callback/callback-body';
import { describeFailure, downloadBinaries } from '../actions/task-outcome';
import type { Task } from '../../shared/transport/api-types';
import { taskToJson } from '../../shared/task-item/task-output';
import { isFailureStatus, isTerminalStatus } from '../../shared/transport/task-status';
import { recallSubmittedTask } from './execution-memory';
import { toDownloadOptions, type DownloadParameters } from '../actions/read-options';
import { fetchCallbackTask } from '../../shared/callback/verify-callback-task';
import { answerWithoutRunning } from '../../shared/callback/webhook-answer';

async function outputFor(context: IWebhookFunctions, task: Task): Promise<INodeExecutionData> {
	// n8n cannot fail a node after it resumed, so a failed task is output the way "continue on fail" outputs errors.
	if (isFailureStatus(task.status)) {
		const { message, description } = describeFailure(task);
		return {
			json: { error: message, description, task_id: task.task_id, status: task.status },
			pairedItem: { item: 0 },
		};
	}
	const download = toDownloadOptions(context.getNodeParameter('options', {}) as DownloadParameters);
	const binary = await downloadBinaries(context, task, download, 0);
	return { json: taskToJson(task), ...(binary ? { binary } : {}), pairedItem: { item: 0 } };
}

/**
 * Called on this execution's resume URL. The body is only a hint: the task is re-fetched with the credential,
 * and the execution resumes only once that task has ended; anything else leaves it waiting.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const taskId = taskIdFromCallback(this.getBodyData());
	if (!taskId) return answerWithoutRunning(this, 400, { error: 'The callback body has no task_id' });
	const submitted = recallSubmittedTask(this);
	if (submitted.taskId && submitted.taskId !== taskId) {
		return answerWithoutRunning(this, 409, { error: 'This execution waits for another task' });
	}

	const verified = await fetchCallbackTask(this, taskId);
	if ('answered' in verified) return verified.answered;
	const { task } = verified;
	if (!isTerminalStatus(task.status)) {
		return answerWithoutRunning(this, 202, { ignored: 'the task has not finished yet', task_id: task.task_id });
	}
	const item = await outputFor(this, task);
	if (submitted.finalPrompt) item.json.final_prompt = submitted.finalPrompt;
	return { workflowData: [[item]] };
}
