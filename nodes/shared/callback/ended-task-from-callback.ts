import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { isEnded, parseTask, type Task, taskIdProblem } from '../transport';
import { taskIdFromCallback } from './callback-body';
import type { CallbackReply } from './callback-reply';
import { verifyCallbackTask, type CallbackOutcome } from './verify-callback-task';

/** The task id a callback names, or the answer to a callback that names none that could be one. Needs no request. */
export function taskIdOfCallback(
	context: IWebhookFunctions,
	reply: CallbackReply,
): { taskId: string } | { answered: IWebhookResponseData } {
	const taskId = taskIdFromCallback(context.getBodyData());
	if (!taskId) return { answered: reply.refuse(400, { error: 'The callback body has no task_id' }) };
	const problem = taskIdProblem(taskId);
	if (problem) return { answered: reply.refuse(400, { error: `The callback's task_id is not valid: ${problem}` }) };
	return { taskId };
}

/**
 * The one path from an untrusted callback to a task that has ended, for the Trigger and for a paused execution's
 * resume: re-fetched with the credential (`verifyWithApi`; off, the body is the task; with a hold pool, with each of
 * `holds` in turn). A task still running is
 * answered 202 and nothing runs.
 */
export async function endedTaskFromCallback(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	verifyWithApi: boolean,
	holds?: Array<string | undefined>,
): Promise<CallbackOutcome> {
	let task: Task;
	let hold: string | undefined;
	if (verifyWithApi) {
		const verified = await verifyCallbackTask(context, reply, taskId, holds);
		if ('answered' in verified) return verified;
		({ task, hold } = verified);
	} else {
		try {
			task = parseTask(context.getBodyData());
		} catch {
			return { answered: reply.refuse(400, { error: 'The callback body is not a task' }) };
		}
	}
	if (!isEnded(task.state)) {
		return { answered: reply.refuse(202, { ignored: 'the task has not finished yet', task_id: task.task_id }) };
	}
	return { task, hold };
}
