import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { endedTaskFromCallback } from '../shared/callback/ended-task-from-callback';
import { answerWithoutRunning } from '../shared/callback/webhook-answer';
import { toDownloadOptions, type DownloadParameters } from '../shared/task-item/download-options';
import { finishedTaskItem } from '../shared/task-item/finished-task-item';
import { taskToJson } from '../shared/task-item/task-output';
import type { Task } from '../shared/transport/api-types';
import { forLog } from '../shared/transport/redact';
import { isSecretLongEnough, MIN_SECRET_LENGTH, tokenMatches } from './callback-token';
import { claimDelivery } from './delivery-memory';

/** A task object is a few KB; anything far larger is not a LinkrAPI callback. */
const MAX_BODY_BYTES = 256 * 1024;

export type OnDownloadFailure = 'answerError' | 'runWithoutImage';

interface TriggerOptions extends DownloadParameters {
	onDownloadFailure?: OnDownloadFailure;
}

/**
 * The size of the body n8n parsed, not the size the sender declared: a chunked body has no Content-Length.
 * n8n keeps the raw bytes as `rawBody`; where it does not, the parsed body is measured as JSON.
 */
function bodySize(context: IWebhookFunctions): number {
	const declared = Number(context.getHeaderData()['content-length'] ?? 0);
	const raw = (context.getRequestObject() as { rawBody?: unknown } | undefined)?.rawBody;
	if (Buffer.isBuffer(raw)) return Math.max(declared, raw.length);
	const body = context.getBodyData();
	const measured = body === undefined ? 0 : Buffer.byteLength(JSON.stringify(body) ?? '');
	return Math.max(declared, measured);
}

/** The item for an ended task; when its image cannot be downloaded, either no item (answer 5xx) or one without it. */
async function itemFor(
	context: IWebhookFunctions,
	task: Task,
	options: TriggerOptions,
): Promise<INodeExecutionData | { downloadError: string; detail: string }> {
	try {
		const { json, binary } = await finishedTaskItem(context, task, toDownloadOptions(options), 0);
		return { json, ...(binary ? { binary } : {}) };
	} catch (error) {
		const { message, description } = error as Error & { description?: string };
		if (options.onDownloadFailure === 'runWithoutImage') {
			return { json: { ...taskToJson(task), download_error: message } };
		}
		return { downloadError: message, detail: description ?? '' };
	}
}

/**
 * Treats every callback as an untrusted hint: checks the URL token, takes only a task id from the body,
 * re-fetches the task with the credential, filters by status and drops repeated deliveries. A delivery counts as
 * seen only once its item is built, so one that failed midway is handled again when LinkrAPI retries.
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { token } = this.getQueryData() as { token?: unknown };
	const secret = String(this.getNodeParameter('secretToken', '') ?? '');
	if (!isSecretLongEnough(secret)) {
		return answerWithoutRunning(this, 401, {
			error: `The trigger's Secret Token is shorter than ${MIN_SECRET_LENGTH} characters; callbacks are refused until it is longer`,
		});
	}
	if (!tokenMatches(token, secret))
		return answerWithoutRunning(this, 401, { error: 'Invalid or missing callback token' });

	if (bodySize(this) > MAX_BODY_BYTES) {
		return answerWithoutRunning(this, 413, { error: 'The callback body is too large' });
	}

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
	const claim = claimDelivery(this.getWorkflowStaticData('node'), scope, task.task_id, task.state);
	if (!claim) return answerWithoutRunning(this, 200, { ignored: 'duplicate delivery', task_id: task.task_id });

	const item = await itemFor(this, task, this.getNodeParameter('options', {}) as TriggerOptions);
	if ('downloadError' in item) {
		claim.release();
		this.logger.warn(
			`LinkrAPI Trigger answered 502 so the callback can be retried: ${forLog(`${item.downloadError}. ${item.detail}`, 400)}`,
		);
		return answerWithoutRunning(this, 502, {
			error: 'The image of the task could not be downloaded; retry later',
			task_id: task.task_id,
		});
	}
	claim.remember();
	return { workflowData: [[item]] };
}
