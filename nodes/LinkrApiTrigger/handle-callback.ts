import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { taskIdFromCallback } from '../shared/callback/callback-body';
import { downloadBinaries } from '../LinkrApi/actions/task-outcome';
import type { Task } from '../shared/transport/api-types';
import { parseTask } from '../shared/transport/response-guards';
import { taskToJson } from '../shared/task-item/task-output';
import { answerWithoutRunning } from '../shared/callback/webhook-answer';
import { isTerminalStatus } from '../shared/transport/task-status';
import { fetchCallbackTask } from '../shared/callback/verify-callback-task';
import { toDownloadOptions, type DownloadParameters } from '../LinkrApi/actions/read-options';
import { tokenMatches } from './callback-token';
import { isFirstDelivery } from './delivery-memory';

/** A task object is a few KB; anything far larger is not a LinkrAPI callback. */
const MAX_BODY_BYTES = 256 * 1024;
/**
 * Treats every callback as an untrusted hint: checks the URL token, takes only a task id from the body,
 * re-fetches the task with the credential, filters by status and drops repeated deliveries.
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { token } = this.getQueryData() as { token?: unknown };
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
		const verified = await fetchCallbackTask(this, taskId);
		if ('answered' in verified) return verified.answered;
		task = verified.task;
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

	const download = toDownloadOptions(this.getNodeParameter('options', {}) as DownloadParameters);
	const binary = await downloadBinaries(this, task, download, 0);
	return { workflowData: [[{ json: taskToJson(task), ...(binary ? { binary } : {}) }]] };
}
