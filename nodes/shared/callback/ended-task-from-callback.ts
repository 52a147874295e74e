import type { IWebhookFunctions } from 'n8n-workflow';

import type { Task } from '../transport/api-types';
import { parseTask } from '../transport/response-guards';
import { taskIdProblem } from '../transport/task-id';
import { isEnded } from '../transport/task-status';
import { taskIdFromCallback } from './callback-body';
import { fetchCallbackTask, type CallbackOutcome } from './verify-callback-task';
import { answerWithoutRunning } from './webhook-answer';

export interface CallbackChecks {
	/** Re-fetch the task with the credential (the body is then only a hint); off: the body is the task. */
	verifyWithApi: boolean;
	/** The task this callback must be about, when one is expected (a paused execution waits for its own). */
	expectedTaskId?: string;
}

/**
 * The one path from an untrusted callback to a task that has ended, for the Trigger and for a paused execution's
 * resume. Every callback that cannot be used is answered here, and nothing runs.
 */
export async function endedTaskFromCallback(
	context: IWebhookFunctions,
	checks: CallbackChecks,
): Promise<CallbackOutcome> {
	const body = context.getBodyData();
	const taskId = taskIdFromCallback(body);
	if (!taskId) return { answered: answerWithoutRunning(context, 400, { error: 'The callback body has no task_id' }) };
	const problem = taskIdProblem(taskId);
	if (problem) {
		return {
			answered: answerWithoutRunning(context, 400, { error: `The callback's task_id is not valid: ${problem}` }),
		};
	}
	if (checks.expectedTaskId && checks.expectedTaskId !== taskId) {
		return { answered: answerWithoutRunning(context, 409, { error: 'This execution waits for another task' }) };
	}

	let task: Task;
	if (checks.verifyWithApi) {
		const verified = await fetchCallbackTask(context, taskId);
		if ('answered' in verified) return verified;
		task = verified.task;
	} else {
		try {
			task = parseTask(body);
		} catch {
			return { answered: answerWithoutRunning(context, 400, { error: 'The callback body is not a task' }) };
		}
	}
	if (!isEnded(task.state)) {
		return {
			answered: answerWithoutRunning(context, 202, {
				ignored: 'the task has not finished yet',
				task_id: task.task_id,
			}),
		};
	}
	return { task };
}
