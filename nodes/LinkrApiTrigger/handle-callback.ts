import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { endedTaskFromCallback } from '../shared/callback/ended-task-from-callback';
import { answerWithoutRunning } from '../shared/callback/webhook-answer';
import { toDownloadOptions, type DownloadParameters } from '../shared/task-item/download-options';
import { finishedTaskItem } from '../shared/task-item/finished-task-item';
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

	const verifyWithApi = this.getNodeParameter('verifyWithApi', true) as boolean;
	const ended = await endedTaskFromCallback(this, { verifyWithApi });
	if ('answered' in ended) return ended.answered;
	const { task } = ended;

	const events = this.getNodeParameter('events', []) as string[];
	if (!events.includes(task.state)) {
		return answerWithoutRunning(this, 200, {
			ignored: `status "${task.status}" is not selected in Events`,
			task_id: task.task_id,
		});
	}
	const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	if (!isFirstDelivery(this.getWorkflowStaticData('node'), scope, task.task_id, task.state)) {
		return answerWithoutRunning(this, 200, { ignored: 'duplicate delivery', task_id: task.task_id });
	}

	const download = toDownloadOptions(this.getNodeParameter('options', {}) as DownloadParameters);
	const { json, binary } = await finishedTaskItem(this, task, download, 0);
	return { workflowData: [[{ json, ...(binary ? { binary } : {}) }]] };
}
