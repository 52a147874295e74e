import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerInTime } from '../shared/callback/answer-in-time';
import { CallbackReply } from '../shared/callback/callback-reply';
import { endedTaskFromCallback, taskIdOfCallback } from '../shared/callback/ended-task-from-callback';
import { holdHintOf } from '../shared/callback/hold-hint';
import { retriedAfterAccepting } from '../shared/callback/retry-after-accepting';
import { toDownloadOptions, type DownloadParameters } from '../shared/task-item/download-options';
import { endedTaskItem } from '../shared/task-item/ended-task-item';
import { taskToJson } from '../shared/task-item/task-json';
import { forLog, HOLD_SOURCE, poolHolds, type Task } from '../shared/transport';
import { isSecretLongEnough, MIN_SECRET_LENGTH, tokenMatches } from './callback-token';
import { deliveriesInProgress, DeliveryMemory } from './delivery-memory';

/** A task object is a few KB; anything far larger is not a LinkrAPI callback. */
const MAX_BODY_BYTES = 256 * 1024;

export type OnDownloadFailure = 'answerError' | 'runWithoutImage';

interface TriggerOptions extends DownloadParameters {
	onDownloadFailure?: OnDownloadFailure;
}

interface TriggerSettings {
	events: string[];
	verifyWithApi: boolean;
	options: TriggerOptions;
	/** With a hold pool: every hold, the one the callback URL names first */
	holds?: string[];
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

/** With a hold pool, the holds to verify a task with: the one the callback URL names first (a hint), then the others. */
async function holdsToAsk(context: IWebhookFunctions): Promise<string[] | undefined> {
	if (context.getNodeParameter(HOLD_SOURCE.name, HOLD_SOURCE.oneHold) !== HOLD_SOURCE.holdPool) return undefined;
	const names = (await poolHolds(context)).map((hold) => hold.name);
	const hinted = holdHintOf(context)?.toLowerCase();
	return [
		...names.filter((name) => name.toLowerCase() === hinted),
		...names.filter((name) => name.toLowerCase() !== hinted),
	];
}

/** Read before anything is held for the delivery: a parameter expression that throws leaves nothing claimed. */
async function readSettings(context: IWebhookFunctions): Promise<TriggerSettings> {
	const verifyWithApi = context.getNodeParameter('verifyWithApi', true) as boolean;
	return {
		events: context.getNodeParameter('events', []) as string[],
		verifyWithApi,
		options: context.getNodeParameter('options', {}) as TriggerOptions,
		holds: verifyWithApi ? await holdsToAsk(context) : undefined,
	};
}

/**
 * The item for an ended task. When its image cannot be downloaded: no item, so the callback is answered 502 and a
 * retried delivery is handled again; or, with "Run Without the Image" or once the callback was accepted early (no
 * retry will come), one without the image, after a few tries of its own.
 */
async function itemFor(
	context: IWebhookFunctions,
	reply: CallbackReply,
	task: Task,
	options: TriggerOptions,
): Promise<INodeExecutionData | { downloadError: string; detail: string }> {
	const downloaded = await retriedAfterAccepting(
		reply,
		async () => await endedTaskItem(context, task, toDownloadOptions(options), 0),
	);
	if ('value' in downloaded) {
		const { json, binary } = downloaded.value;
		return { json, ...(binary ? { binary } : {}) };
	}
	const { message, description } = downloaded.error;
	if (options.onDownloadFailure === 'runWithoutImage' || reply.acceptedEarly) {
		return { json: { ...taskToJson(task), download_error: message } };
	}
	return { downloadError: message, detail: description ?? '' };
}

async function handleDelivery(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	settings: TriggerSettings,
	memory: DeliveryMemory,
): Promise<IWebhookResponseData> {
	if (memory.hasStarted(taskId)) return reply.refuse(200, { ignored: 'duplicate delivery', task_id: taskId });
	const ended = await endedTaskFromCallback(context, reply, taskId, settings.verifyWithApi, settings.holds);
	if ('answered' in ended) return ended.answered;
	const { task, hold } = ended;
	if (!settings.events.includes(task.state)) {
		return reply.refuse(200, { ignored: `status "${task.status}" is not selected in Events`, task_id: task.task_id });
	}
	const item = await itemFor(context, reply, task, settings.options);
	if ('downloadError' in item) {
		context.logger.warn(
			`LinkrAPI Trigger answered 502 so the callback can be retried: ${forLog(`${item.downloadError}. ${item.detail}`, 400)}`,
		);
		return reply.refuse(502, {
			error: 'The image of the task could not be downloaded; retry later',
			task_id: task.task_id,
		});
	}
	memory.remember(task.task_id, task.state);
	return reply.run([[hold !== undefined ? { ...item, json: { ...item.json, hold } } : item]]);
}

/**
 * Treats every callback as an untrusted hint: checks the URL token, takes only a task id from the body, re-fetches
 * the task with the credential, filters by status and drops repeated deliveries (one delivery of a task is handled
 * at a time; a task that started a run is remembered once its item is built, so one that failed midway is handled
 * again when LinkrAPI retries). The caller is answered within a second, however long the handling takes.
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const reply = new CallbackReply(this);
	const { token } = this.getQueryData() as { token?: unknown };
	const secret = String(this.getNodeParameter('secretToken', '') ?? '');
	if (!isSecretLongEnough(secret)) {
		return reply.refuse(401, {
			error: `The trigger's Secret Token is shorter than ${MIN_SECRET_LENGTH} characters; callbacks are refused until it is longer`,
		});
	}
	if (!tokenMatches(token, secret)) return reply.refuse(401, { error: 'Invalid or missing callback token' });
	if (bodySize(this) > MAX_BODY_BYTES) return reply.refuse(413, { error: 'The callback body is too large' });

	const named = taskIdOfCallback(this, reply);
	if ('answered' in named) return named.answered;
	const { taskId } = named;
	const settings = await readSettings(this);
	const memory = new DeliveryMemory(
		this.getWorkflowStaticData('node'),
		`${this.getWorkflow().id ?? ''}:${this.getNode().id}`,
	);
	const key = memory.keyOf(taskId);
	const claim = deliveriesInProgress.claim(key);
	if (claim === 'full') {
		return reply.refuse(503, { error: 'Too many callbacks are being handled; retry later', task_id: taskId });
	}
	if (claim === 'duplicate') {
		return reply.refuse(200, {
			ignored: 'duplicate delivery: another delivery of this task is being handled',
			task_id: taskId,
		});
	}
	const handling = handleDelivery(this, reply, taskId, settings, memory).finally(() =>
		deliveriesInProgress.release(key),
	);
	return await answerInTime(this, reply, handling, { task_id: taskId });
}
