import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { asNodeError } from '../cancellation';
import { fetchTask, forLog, type Task } from '../transport';
import type { CallbackReply } from './callback-reply';

/** A task to go on with (and the pool hold it was found on), or the answer already given to a callback that cannot be used. */
export type CallbackOutcome = { task: Task; hold?: string } | { answered: IWebhookResponseData };

/** Asks each hold in turn (404: not this hold's task); undefined when none knows the task. */
async function fetchFromHolds(
	context: IWebhookFunctions,
	taskId: string,
	holds: Array<string | undefined>,
): Promise<{ task: Task; hold?: string } | undefined> {
	for (const hold of holds) {
		try {
			return {
				task: await fetchTask.call(context, taskId, { itemIndex: 0, deadline: Date.now() + VERIFY_ROUND_MS, hold }),
				hold,
			};
		} catch (error) {
			if (!isUnknownTask(error)) throw asNodeError(context.getNode(), error);
		}
	}
	return undefined;
}

/** One round of asking LinkrAPI, its own retries included. */
const VERIFY_ROUND_MS = 10000;
/** Once LinkrAPI was told "accepted" it will not call again: the node keeps asking for this long. */
const RETRY_AFTER_ACCEPTING_MS = 10 * 60000;
const PAUSE_BETWEEN_ROUNDS_MS = 30000;

const isUnknownTask = (error: unknown) => error instanceof NodeApiError && error.httpCode === '404';

/**
 * Re-fetches the task a callback names, with the credential (with a hold pool, each of `holds` in turn): the
 * callback body is never trusted. A task unknown to the key (every hold's) is refused (404). When LinkrAPI cannot be asked, the caller is told to retry (502) while it still waits for
 * its answer; after an early answer the node retries by itself, and logs the task id if it finally gives up.
 */
export async function verifyCallbackTask(
	context: IWebhookFunctions,
	reply: CallbackReply,
	taskId: string,
	holds: Array<string | undefined> = [undefined],
): Promise<CallbackOutcome> {
	const giveUpAt = Date.now() + RETRY_AFTER_ACCEPTING_MS;
	for (;;) {
		try {
			const found = await fetchFromHolds(context, taskId, holds);
			if (found) return found;
			return { answered: reply.refuse(404, { error: 'This task is unknown to the API key in use' }) };
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
