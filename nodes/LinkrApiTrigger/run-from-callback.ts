import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	handleCallback,
	HandlingsInProgress,
	holdHintOf,
	type CallbackHandling,
	type Refusal,
} from '../shared/callback';
import { HOLD_SOURCE } from '../shared/hold-source';
import { endedTaskItem, taskToJson, toDownloadOptions, type DownloadParameters } from '../shared/task-item';
import { ownerFirst } from '../shared/hold-ledger';
import { holdNamed, poolHolds, type Task } from '../shared/transport';
import { isSecretLongEnough, MIN_SECRET_LENGTH, tokenMatches } from './callback-token';
import { DeliveryMemory } from './delivery-memory';

/** Callbacks of all triggers of this process being handled at once. */
const MAX_IN_PROGRESS = 1000;

/** One delivery of a task at a time per trigger. */
const deliveriesInProgress = new HandlingsInProgress(MAX_IN_PROGRESS);

interface TriggerOptions extends DownloadParameters {
	onDownloadFailure?: 'answerError' | 'runWithoutImage';
}

/** The Secret Token the callback URL must carry as ?token=. */
function refuseCaller(context: IWebhookFunctions): Refusal | undefined {
	const { token } = context.getQueryData() as { token?: unknown };
	const secret = String(context.getNodeParameter('secretToken', '') ?? '');
	if (!isSecretLongEnough(secret)) {
		return {
			status: 401,
			body: {
				error: `The trigger's Secret Token is shorter than ${MIN_SECRET_LENGTH} characters; callbacks are refused until it is longer`,
			},
		};
	}
	if (!tokenMatches(token, secret)) return { status: 401, body: { error: 'Invalid or missing callback token' } };
	return undefined;
}

/**
 * The keys that verify a task: the one-hold credential, or with a hold pool every hold, each once: the one the
 * callback URL names (a hint), then the one this process remembers making the task, then the others;
 * `'body'` with Verify With API off.
 */
async function verifyWith(context: IWebhookFunctions, taskId: string): Promise<Array<string | undefined> | 'body'> {
	if (!(context.getNodeParameter('verifyWithApi', true) as boolean)) return 'body';
	if (context.getNodeParameter(HOLD_SOURCE.name, HOLD_SOURCE.oneHold) !== HOLD_SOURCE.holdPool) return [undefined];
	const holds = await poolHolds(context);
	const hinted = holdHintOf(context);
	return ownerFirst(taskId, holds, hinted === undefined ? undefined : holdNamed(holds, hinted)).map(
		(hold) => hold.name,
	);
}

const withHold = (item: INodeExecutionData, hold: string | undefined): INodeExecutionData =>
	hold !== undefined ? { ...item, json: { ...item.json, hold } } : item;

/**
 * How the Trigger handles a callback about one task: its settings are read before anything is held for the delivery
 * (a parameter expression that throws leaves nothing claimed); one run per task, remembered once its item is built,
 * so a delivery that failed midway is handled again when LinkrAPI retries.
 */
async function accept(context: IWebhookFunctions, taskId: string): Promise<CallbackHandling> {
	const events = context.getNodeParameter('events', []) as string[];
	const options = context.getNodeParameter('options', {}) as TriggerOptions;
	const memory = new DeliveryMemory(
		context.getWorkflowStaticData('node'),
		`${context.getWorkflow().id ?? ''}:${context.getNode().id}`,
	);
	return {
		key: memory.keyOf(taskId),
		duplicateNote: 'duplicate delivery: another delivery of this task is being handled',
		handledAlready: () => (memory.hasStarted(taskId) ? 'duplicate delivery' : undefined),
		verifyWith: await verifyWith(context, taskId),
		ignored: (task: Task) =>
			events.includes(task.state) ? undefined : `status "${task.status}" is not selected in Events`,
		itemFor: async (task, hold) => {
			const { json, binary } = await endedTaskItem(context, task, toDownloadOptions(options), 0);
			return withHold({ json, ...(binary ? { binary } : {}) }, hold);
		},
		// "Run Without the Image", or accepted early (no retry will come): the task with the reason instead.
		itemWithoutImage: async (task, hold, failure, acceptedEarly) =>
			options.onDownloadFailure === 'runWithoutImage' || acceptedEarly
				? withHold({ json: { ...taskToJson(task), download_error: failure.message } }, hold)
				: undefined,
		remember: (task) => memory.remember(task.task_id, task.state),
	};
}

/** A LinkrAPI Trigger's callback: see handleCallback (shared/callback) for the path every callback takes. */
export async function runFromCallback(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	return await handleCallback(context, {
		inProgress: deliveriesInProgress,
		refuseCaller: async () => refuseCaller(context),
		accept: async (taskId) => await accept(context, taskId),
	});
}
