import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { fetchTask } from '../transport/endpoints';
import { forLog } from '../transport/redact';
import type { Task } from '../transport/api-types';
import { answerWithoutRunning } from './webhook-answer';

/** A task to go on with, or the answer already given to a callback that cannot be used. */
export type CallbackOutcome = { task: Task } | { answered: IWebhookResponseData };

/** Verification must not keep LinkrAPI's callback waiting long. */
const VERIFY_BUDGET_MS = 10000;

/**
 * Re-fetches the task a callback names, with the credential: the callback body is never trusted. Answers the
 * callback itself (404 for a task of another key, 502 when LinkrAPI cannot be asked) when there is no task to use.
 */
export async function fetchCallbackTask(context: IWebhookFunctions, taskId: string): Promise<CallbackOutcome> {
	try {
		return { task: await fetchTask.call(context, taskId, { itemIndex: 0, deadline: Date.now() + VERIFY_BUDGET_MS }) };
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') {
			return { answered: answerWithoutRunning(context, 404, { error: 'This task is unknown to the API key in use' }) };
		}
		context.logger.warn(
			`LinkrAPI could not verify task ${forLog(taskId)} from a callback: ${forLog((error as Error).message, 400)}`,
		);
		return {
			answered: answerWithoutRunning(context, 502, {
				error: 'The task could not be verified with LinkrAPI; retry later',
			}),
		};
	}
}
