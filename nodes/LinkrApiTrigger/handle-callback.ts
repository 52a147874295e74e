import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { taskIdFromCallback } from '../LinkrApi/helpers/callback-body';
import { downloadBinaries } from '../LinkrApi/helpers/complete-task';
import type { Task } from '../LinkrApi/helpers/interfaces';
import { parseTask } from '../LinkrApi/helpers/response-guards';
import { taskToJson } from '../LinkrApi/helpers/task-output';
import { answerWithoutRunning } from '../LinkrApi/helpers/webhook-answer';
import { isTerminalStatus } from '../LinkrApi/helpers/task-status';
import { fetchTask } from '../LinkrApi/transport/endpoints';
import { tokenMatches } from './callback-token';
import { isFirstDelivery } from './delivery-memory';

/** A task object is a few KB; anything far larger is not a LinkrAPI callback. */
const MAX_BODY_BYTES = 256 * 1024;
/** Verification must not keep LinkrAPI's callback waiting long. */
const VERIFY_BUDGET_MS = 10000;

interface TriggerOptions {
	downloadImage?: boolean;
	downloadQuadrants?: boolean;
	binaryPropertyName?: string;
}

async function verifiedTask(context: IWebhookFunctions, taskId: string): Promise<Task | IWebhookResponseData> {
	try {
		return await fetchTask.call(context, taskId, { itemIndex: 0, deadline: Date.now() + VERIFY_BUDGET_MS });
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') {
			return answerWithoutRunning(context, 404, { error: 'This task is unknown to the API key of the trigger' });
		}
		context.logger.warn(`LinkrAPI Trigger could not verify task ${taskId}: ${(error as Error).message}`);
		return answerWithoutRunning(context, 502, { error: 'The task could not be verified with LinkrAPI; retry later' });
	}
}

/**
 * Treats every callback as an untrusted hint: checks the URL token, takes only a task id from the body,
 * re-fetches the task with the credential, filters by status and drops repeated deliveries.
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { token } = this.getParamsData() as { token?: string };
	const secret = String(this.getNodeParameter('secretToken', '') ?? '');
	if (!tokenMatches(token, secret))
		return answerWithoutRunning(this, 401, { error: 'Invalid or missing callback token' });

	const declaredLength = Number(this.getHeaderData()['content-length'] ?? 0);
	if (declaredLength > MAX_BODY_BYTES)
		return answerWithoutRunning(this, 413, { error: 'The callback body is too large' });

	const body = this.getBodyData();
	const taskId = taskIdFromCallback(body);
	if (!taskId) return answerWithoutRunning(this, 400, { error: 'The callback body has no task_id' });

	let task: Task;
	if (this.getNodeParameter('verifyWithApi', true) as boolean) {
		const result = await verifiedTask(this, taskId);
		if (!('task_id' in result)) return result;
		task = result;
	} else {
		try {
			task = parseTask(body);
		} catch {
			return answerWithoutRunning(this, 400, { error: 'The callback body is not a task' });
		}
	}

	if (!isTerminalStatus(task.status)) {
		return answerWithoutRunning(this, 202, { ignored: 'the task has not finished yet', task_id: task.task_id });
	}
	const events = this.getNodeParameter('events', []) as string[];
	if (!events.includes(task.status.toLowerCase())) {
		return answerWithoutRunning(this, 200, {
			ignored: `status "${task.status}" is not selected in Events`,
			task_id: task.task_id,
		});
	}
	const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	if (!isFirstDelivery(this.getWorkflowStaticData('node'), scope, task.task_id, task.status)) {
		return answerWithoutRunning(this, 200, { ignored: 'duplicate delivery', task_id: task.task_id });
	}

	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	const binary = await downloadBinaries(
		this,
		task,
		{
			downloadImage: options.downloadImage === true,
			downloadQuadrants: options.downloadQuadrants === true,
			binaryPropertyName: options.binaryPropertyName?.trim() || 'data',
		},
		0,
	);
	return {
		webhookResponse: { received: true, task_id: task.task_id },
		workflowData: [[{ json: taskToJson(task), ...(binary ? { binary } : {}) }]],
	};
}
