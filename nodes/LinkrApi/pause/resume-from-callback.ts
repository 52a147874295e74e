import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answerInTime } from '../../shared/callback/answer-in-time';
import { CallbackReply } from '../../shared/callback/callback-reply';
import { endedTaskFromCallback, taskIdOfCallback } from '../../shared/callback/ended-task-from-callback';
import { HandlingsInProgress } from '../../shared/callback/handlings-in-progress';
import { retriedAfterAccepting } from '../../shared/callback/retry-after-accepting';
import { describeFailure } from '../../shared/task-item/describe-failure';
import { toDownloadOptions, type DownloadParameters } from '../../shared/task-item/download-options';
import { endedTaskItem } from '../../shared/task-item/ended-task-item';
import { holdHintOf } from '../../shared/callback/hold-hint';
import { holdCredentials, isFailure, type Task } from '../../shared/transport';
import { HOLD_SOURCE } from '../holds';
import { recallAwaitedTask } from './execution-memory';
import { awaitedPauseOf } from './pause-id';
import { RESUME_TOKEN_PARAM, resumeToken, resumeTokenMatches, type PauseId } from './resume-token';

/**
 * The fields the operation's Poll mode adds to a task's item (final_prompt; source_task_id, button, custom_id; with
 * a hold pool, the hold).
 */
export type PausedItemFields = (context: IWebhookFunctions, hold: string | undefined) => Promise<IDataObject>;

const MAX_IN_PROGRESS = 1000;
const MAX_REMEMBERED = 1000;

/** One callback per pause at a time. */
const resumesInProgress = new HandlingsInProgress(MAX_IN_PROGRESS);
/**
 * Pauses this process resumed. n8n 2.x resumes an execution once, whatever comes later; n8n 1.123 would resume it
 * again for a duplicate that arrives before the resumed execution is marked running.
 */
const resumedInProcess = new Set<string>();

function rememberResumed(key: string): void {
	resumedInProcess.add(key);
	if (resumedInProcess.size > MAX_REMEMBERED) {
		const oldest = resumedInProcess.values().next().value;
		if (oldest !== undefined) resumedInProcess.delete(oldest);
	}
}

/**
 * With a hold pool, the hold the pause's job runs on, as its resume URL names it (undefined: none named). Only a hint
 * until the resume token, made under that hold's key, is found to match.
 */
function namedHoldOf(context: IWebhookFunctions): { pooled: boolean; hold?: string } {
	const pooled = context.getNodeParameter(HOLD_SOURCE.name, HOLD_SOURCE.oneHold) === HOLD_SOURCE.holdPool;
	return { pooled, hold: pooled ? holdHintOf(context) : undefined };
}

async function carriesResumeToken(
	context: IWebhookFunctions,
	pause: PauseId,
	named: { pooled: boolean; hold?: string },
): Promise<boolean> {
	if (named.pooled && named.hold === undefined) return false;
	let apiKey: string;
	try {
		({ apiKey } = await holdCredentials(context, named.hold));
	} catch {
		return false; // a hold the pool does not have
	}
	const given = (context.getQueryData() as Record<string, unknown>)[RESUME_TOKEN_PARAM];
	return resumeTokenMatches(given, resumeToken(apiKey, context.getExecutionId(), pause));
}

/** n8n cannot fail a node after it resumed, so a failure is output the way "continue on fail" outputs errors. */
function errorItem(task: Task, message: string, description: string, fields: IDataObject): INodeExecutionData {
	return {
		json: { error: message, description, task_id: task.task_id, status: task.status, ...fields },
		pairedItem: { item: 0 },
	};
}

/** The item Poll mode outputs for the task, or the answer that leaves the execution waiting for a retried callback. */
async function itemFor(
	context: IWebhookFunctions,
	reply: CallbackReply,
	task: Task,
	fields: IDataObject,
): Promise<{ item: INodeExecutionData } | { answered: IWebhookResponseData }> {
	if (isFailure(task.state)) {
		const { message, description } = describeFailure(task);
		return { item: errorItem(task, message, description, fields) };
	}
	const download = toDownloadOptions(context.getNodeParameter('options', {}) as DownloadParameters);
	const downloaded = await retriedAfterAccepting(reply, async () => await endedTaskItem(context, task, download, 0));
	if ('value' in downloaded) {
		const item = downloaded.value;
		return { item: { ...item, json: { ...item.json, ...fields } } };
	}
	const { message, description } = downloaded.error;
	if (reply.acceptedEarly) return { item: errorItem(task, message, description ?? '', fields) };
	return {
		answered: reply.refuse(502, {
			error: 'The image of the task could not be downloaded; retry later',
			task_id: task.task_id,
		}),
	};
}

async function resume(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	resumeKey: string,
	fieldsOf: PausedItemFields,
	hold: string | undefined,
): Promise<IWebhookResponseData> {
	if (resumedInProcess.has(resumeKey)) {
		return reply.refuse(200, { ignored: 'this pause was resumed already', task_id: taskId });
	}
	const ended = await endedTaskFromCallback(context, reply, taskId, true, [hold]);
	if ('answered' in ended) return ended.answered;
	const built = await itemFor(context, reply, ended.task, await fieldsOf(context, hold));
	if ('answered' in built) return built.answered;
	rememberResumed(resumeKey);
	return reply.run([[built.item]]);
}

/**
 * Called on a paused execution's resume URL. Only a callback to this pause's own URL (resume-token.ts) about the
 * task it waits for can resume it; the body is only a hint: the task is re-fetched with the credential, and the
 * execution resumes only once that task has ended, with the item Poll mode outputs. Anything else leaves it waiting.
 */
export async function resumeFromCallback(
	this: IWebhookFunctions,
	fieldsOf: PausedItemFields,
): Promise<IWebhookResponseData> {
	const reply = new CallbackReply(this);
	const pause = awaitedPauseOf(this);
	const named = namedHoldOf(this);
	if (!(await carriesResumeToken(this, pause, named))) {
		return reply.refuse(401, {
			error: 'Invalid or missing resume token: this URL is not the one of the pause this execution waits in',
		});
	}
	const callback = taskIdOfCallback(this, reply);
	if ('answered' in callback) return callback.answered;
	const { taskId } = callback;
	const awaited = recallAwaitedTask(this);
	if (awaited !== undefined && awaited !== taskId) {
		return reply.refuse(409, { error: 'This execution waits for another task' });
	}
	const resumeKey = `${this.getExecutionId()}\n${pause.nodeId}\n${pause.runSource}`;
	const claim = resumesInProgress.claim(resumeKey);
	if (claim === 'full') return reply.refuse(503, { error: 'Too many callbacks are being handled; retry later' });
	if (claim === 'duplicate') {
		return reply.refuse(200, {
			ignored: 'duplicate delivery: another callback of this pause is being handled',
			task_id: taskId,
		});
	}
	const handling = resume(this, reply, taskId, resumeKey, fieldsOf, named.hold).finally(() =>
		resumesInProgress.release(resumeKey),
	);
	return await answerInTime(this, reply, handling, { task_id: taskId });
}
