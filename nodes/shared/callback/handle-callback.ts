import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { forLog } from '../for-log';
import { taskIdProblem, type Task } from '../transport';
import { answerInTime } from './answer-in-time';
import { callbackBodySize, MAX_BODY_BYTES, taskIdFromCallback } from './callback-body';
import { CallbackReply } from './callback-reply';
import type { HandlingsInProgress } from './handlings-in-progress';
import { retriedAfterAccepting } from './retry-after-accepting';
import { endedTaskFromCallback } from './verify-callback-task';

/** An answer that starts nothing: its HTTP status and JSON body. */
export interface Refusal {
	status: number;
	body: IDataObject;
}

/**
 * What one kind of receiver (a LinkrAPI Trigger, a paused execution) decides about a callback; handleCallback does
 * the rest, the same way for both.
 */
export interface CallbackReceiver {
	/** The callbacks of this kind being handled in this process; bounded */
	inProgress: HandlingsInProgress;
	/** Whether the caller holds this URL's token (the Trigger's Secret Token, a pause's resume token) */
	refuseCaller(): Promise<Refusal | undefined>;
	/** Once the callback names a task, before any request: how to handle it, or why it is refused */
	accept(taskId: string): Promise<CallbackHandling | Refusal>;
}

/** How one callback about one task is handled. */
export interface CallbackHandling {
	/** One callback per key is handled at a time (a task of one Trigger, one pause); a second is a duplicate */
	key: string;
	/** Told to a second delivery while the first is being handled */
	duplicateNote: string;
	/** Why the callback comes too late (the task already started a run, the pause already resumed), or undefined */
	handledAlready(): string | undefined;
	/** The holds whose keys verify the task (`undefined`: the one-hold credential); `'body'`: the body is the task */
	verifyWith: Array<string | undefined> | 'body';
	/** Why an ended task starts nothing (a status not among the Trigger's Events), or undefined */
	ignored?(task: Task): string | undefined;
	/** The item the task becomes; throws when its image cannot be downloaded */
	itemFor(task: Task, hold: string | undefined): Promise<INodeExecutionData>;
	/**
	 * The item when the image could not be downloaded, even after retries once the callback was accepted early
	 * (`acceptedEarly`: the caller will not call again); undefined: answer 502, so the caller may retry
	 */
	itemWithoutImage(
		task: Task,
		hold: string | undefined,
		failure: Error & { description?: string },
		acceptedEarly: boolean,
	): Promise<INodeExecutionData | undefined>;
	/** The run starts: from now on a delivery of this task (or pause) is a duplicate */
	remember(task: Task): void;
}

const isRefusal = <T extends object>(value: T | Refusal): value is Refusal => 'status' in value;

/** The task id a callback names, or the answer to one that names none that could be one. Needs no request. */
function taskIdOf(context: IWebhookFunctions): { taskId: string } | Refusal {
	const taskId = taskIdFromCallback(context.getBodyData());
	if (!taskId) return { status: 400, body: { error: 'The callback body has no task_id' } };
	const problem = taskIdProblem(taskId);
	if (problem) return { status: 400, body: { error: `The callback's task_id is not valid: ${problem}` } };
	return { taskId };
}

async function handle(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	handling: CallbackHandling,
): Promise<IWebhookResponseData> {
	const late = handling.handledAlready();
	if (late) return reply.refuse(200, { ignored: late, task_id: taskId });
	const ended = await endedTaskFromCallback(context, reply, taskId, handling.verifyWith);
	if ('answered' in ended) return ended.answered;
	const { task, hold } = ended;
	const ignored = handling.ignored?.(task);
	if (ignored) return reply.refuse(200, { ignored, task_id: task.task_id });
	const built = await retriedAfterAccepting(reply, async () => await handling.itemFor(task, hold));
	let item: INodeExecutionData;
	if ('value' in built) {
		item = built.value;
	} else {
		const withoutImage = await handling.itemWithoutImage(task, hold, built.error, reply.acceptedEarly);
		if (!withoutImage) {
			context.logger.warn(
				`A LinkrAPI callback was answered 502 so it can be retried: ${forLog(`${built.error.message}. ${built.error.description ?? ''}`, 400)}`,
			);
			return reply.refuse(502, {
				error: 'The image of the task could not be downloaded; retry later',
				task_id: task.task_id,
			});
		}
		item = withoutImage;
	}
	handling.remember(task);
	return reply.run([[item]]);
}

/**
 * The one path of a callback, for the Trigger and for a paused execution: every callback is an untrusted hint. The
 * caller's token is checked, the body's size and its task id; one callback per task (or pause) is handled at a time,
 * a bounded number in all; the task is re-fetched with the credential, and only a task that has ended becomes an
 * item. The caller is answered within a second, however long the handling takes (answer-in-time.ts).
 */
export async function handleCallback(
	context: IWebhookFunctions,
	receiver: CallbackReceiver,
): Promise<IWebhookResponseData> {
	const reply = new CallbackReply(context);
	const refusedCaller = await receiver.refuseCaller();
	if (refusedCaller) return reply.refuse(refusedCaller.status, refusedCaller.body);
	if (callbackBodySize(context) > MAX_BODY_BYTES) return reply.refuse(413, { error: 'The callback body is too large' });
	const named = taskIdOf(context);
	if (isRefusal(named)) return reply.refuse(named.status, named.body);
	const { taskId } = named;
	const handling = await receiver.accept(taskId);
	if (isRefusal(handling)) return reply.refuse(handling.status, handling.body);

	const claim = receiver.inProgress.claim(handling.key);
	if (claim === 'full') {
		return reply.refuse(503, { error: 'Too many callbacks are being handled; retry later', task_id: taskId });
	}
	if (claim === 'duplicate') return reply.refuse(200, { ignored: handling.duplicateNote, task_id: taskId });
	const handled = handle(context, reply, taskId, handling).finally(() => receiver.inProgress.release(handling.key));
	return await answerInTime(context, reply, handled, { task_id: taskId });
}
