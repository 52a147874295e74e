import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { endedTaskFromCallback } from '../../shared/callback/ended-task-from-callback';
import { describeFailure } from '../../shared/task-item/describe-failure';
import { toDownloadOptions, type DownloadParameters } from '../../shared/task-item/download-options';
import { finishedTaskItem } from '../../shared/task-item/finished-task-item';
import type { Task } from '../../shared/transport/api-types';
import { isFailure } from '../../shared/transport/task-status';
import { answerWithoutRunning } from '../../shared/callback/webhook-answer';
import { CREDENTIAL_NAME } from '../../shared/transport';
import { canRememberTask, recallSubmittedTask } from './execution-memory';
import { RESUME_CHECK_PARAM, resumeCheck, resumeCheckMatches } from './resume-check';

async function outputFor(context: IWebhookFunctions, task: Task): Promise<INodeExecutionData> {
	// n8n cannot fail a node after it resumed, so a failed task is output the way "continue on fail" outputs errors.
	if (isFailure(task.state)) {
		const { message, description } = describeFailure(task);
		return {
			json: { error: message, description, task_id: task.task_id, status: task.status },
			pairedItem: { item: 0 },
		};
	}
	const download = toDownloadOptions(context.getNodeParameter('options', {}) as DownloadParameters);
	return await finishedTaskItem(context, task, download, 0);
}

async function carriesResumeCheck(context: IWebhookFunctions): Promise<boolean> {
	const { apiKey } = await context.getCredentials<{ apiKey?: string }>(CREDENTIAL_NAME);
	const given = (context.getQueryData() as Record<string, unknown>)[RESUME_CHECK_PARAM];
	return resumeCheckMatches(given, resumeCheck(apiKey ?? '', context.getExecutionId()));
}

/**
 * Called on this execution's resume URL. The body is only a hint: the task is re-fetched with the credential,
 * and the execution resumes only once that task has ended; anything else leaves it waiting.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const submitted = recallSubmittedTask(this);
	if (!canRememberTask(this) && !(await carriesResumeCheck(this))) {
		return answerWithoutRunning(this, 401, { error: 'Invalid or missing resume check' });
	}
	const ended = await endedTaskFromCallback(this, { verifyWithApi: true, expectedTaskId: submitted.taskId });
	if ('answered' in ended) return ended.answered;
	const item = await outputFor(this, ended.task);
	if (submitted.finalPrompt) item.json.final_prompt = submitted.finalPrompt;
	return { workflowData: [[item]] };
}
