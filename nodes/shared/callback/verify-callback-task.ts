import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { forLog } from '../for-log';
import { findTaskOnHolds, isEnded, parseTask, type Task } from '../transport';
import type { CallbackReply } from './callback-reply';

/** A task to go on with (and the pool hold it was found on), or the answer already given to a callback that cannot be used. */
export type CallbackOutcome = { task: Task; hold?: string } | { answered: IWebhookResponseData };

/** One round of asking LinkrAPI, its own retries included. */
const VERIFY_ROUND_MS = 10000;
/** Once LinkrAPI was told "accepted" it will not call again: the node keeps asking for this long. */
const RETRY_AFTER_ACCEPTING_MS = 10 * 60000;
const PAUSE_BETWEEN_ROUNDS_MS = 30000;

/**
 * Re-fetches the task a callback names, with the credential (with a hold pool, each of `holds` in turn): the
 * callback body is never trusted. A task unknown to the key (every hold's) is refused (404). When LinkrAPI cannot be
 * asked, the caller is told to retry (502) while it still waits for its answer; after an early answer the node
 * retries by itself, and logs the task id if it finally gives up.
 */
async function verifyCallbackTask(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	holds: Array<string | undefined>,
): Promise<CallbackOutcome> {
	const giveUpAt = Date.now() + RETRY_AFTER_ACCEPTING_MS;
	for (;;) {
		try {
			const found = await findTaskOnHolds(context, taskId, holds, {
				itemIndex: 0,
				deadline: Date.now() + VERIFY_ROUND_MS,
			});
			if (found) return found;
			const asked = holds.filter((hold) => hold !== undefined);
			const error =
				asked.length === 0
					? 'This task is unknown to the API key in use'
					: `This task is unknown to every hold asked: ${asked.join(', ')}`;
			return { answered: reply.refuse(404, { error }) };
		} catch (error) {
			const why = forLog((error as Error).message, 400);
			if (!reply.acceptedEarly) {
				context.logger.warn(`LinkrAPI could not verify task ${forLog(taskId)} from a callback: ${why}`);
				return {
					answered: reply.refuse(502, { error: 'The task could not be verified with LinkrAPI; retry later' }),
				};
			}
			if (Date.now() + PAUSE_BETWEEN_ROUNDS_MS > giveUpAt) {
				context.logger.error(
					`A callback for task ${forLog(taskId)} was accepted, but LinkrAPI could not be asked about the task for ${RETRY_AFTER_ACCEPTING_MS / 60000} minutes (${why}); nothing was started. Fetch the task with the LinkrAPI node's Fetch operation.`,
				);
				return { answered: reply.refuse(502, {}) };
			}
			context.logger.warn(`Verifying task ${forLog(taskId)} from an accepted callback failed, retrying: ${why}`);
			await sleep(PAUSE_BETWEEN_ROUNDS_MS);
		}
	}
}

/**
 * The one path from an untrusted callback to a task that has ended: re-fetched with the keys of `verifyWith` (the
 * one-hold credential is `undefined`), or with `'body'` (the Trigger's Verify With API off) the body is the task. A
 * task still running is answered 202 and nothing runs.
 */
export async function endedTaskFromCallback(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	verifyWith: Array<string | undefined> | 'body',
): Promise<CallbackOutcome> {
	let outcome: { task: Task; hold?: string };
	if (verifyWith === 'body') {
		try {
			outcome = { task: parseTask(context.getBodyData()) };
		} catch {
			return { answered: reply.refuse(400, { error: 'The callback body is not a task' }) };
		}
	} else {
		const verified = await verifyCallbackTask(context, reply, taskId, verifyWith);
		if ('answered' in verified) return verified;
		outcome = verified;
	}
	if (!isEnded(outcome.task.state)) {
		return {
			answered: reply.refuse(202, { ignored: 'the task has not finished yet', task_id: outcome.task.task_id }),
		};
	}
	return outcome;
}
