import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import {
	handleCallback,
	HandlingsInProgress,
	holdHintOf,
	type CallbackHandling,
	type Refusal,
} from '../../shared/callback';
import { HOLD_SOURCE } from '../../shared/hold-source';
import { RecentMemory } from '../../shared/recent-memory';
import {
	describeFailure,
	endedTaskItem,
	errorItem,
	toDownloadOptions,
	type DownloadParameters,
} from '../../shared/task-item';
import { holdCredentials, isFailure, type Task } from '../../shared/transport';
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
const resumedInProcess = new RecentMemory<true>(MAX_REMEMBERED);

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

/**
 * How a paused execution handles a callback about its task: the item Poll mode would output (n8n cannot fail a node
 * after it resumed, so a failure is output the way Continue On Fail outputs errors), once per pause.
 */
function accept(
	context: IWebhookFunctions,
	taskId: string,
	pause: PauseId,
	hold: string | undefined,
	fieldsOf: PausedItemFields,
): CallbackHandling | Refusal {
	const awaited = recallAwaitedTask(context);
	if (awaited !== undefined && awaited !== taskId) {
		return { status: 409, body: { error: 'This execution waits for another task' } };
	}
	const resumeKey = `${context.getExecutionId()}\n${pause.nodeId}\n${pause.runSource}`;
	// Rebuilt from the node's parameters once, even when the image download is retried.
	let fields: Promise<IDataObject> | undefined;
	const fieldsOfItem = async () => await (fields ??= fieldsOf(context, hold));
	const failureItem = async (task: Task, failure: { message: string; description?: string }) =>
		errorItem(failure, 0, { task_id: task.task_id, status: task.status, ...(await fieldsOfItem()) });
	return {
		key: resumeKey,
		duplicateNote: 'duplicate delivery: another callback of this pause is being handled',
		handledAlready: () => (resumedInProcess.has(resumeKey) ? 'this pause was resumed already' : undefined),
		verifyWith: [hold],
		itemFor: async (task) => {
			if (isFailure(task.state)) return await failureItem(task, describeFailure(task));
			const download = toDownloadOptions(context.getNodeParameter('options', {}) as DownloadParameters);
			const item = await endedTaskItem(context, task, download, 0);
			return { ...item, json: { ...item.json, ...(await fieldsOfItem()) } };
		},
		itemWithoutImage: async (task, _hold, failure, acceptedEarly) =>
			acceptedEarly ? await failureItem(task, failure) : undefined,
		remember: () => resumedInProcess.remember(resumeKey, true),
	};
}

/**
 * Called on a paused execution's resume URL. Only a callback to this pause's own URL (resume-token.ts) about the
 * task it waits for can resume it, once that task has ended (handleCallback, shared/callback); anything else leaves
 * the execution waiting.
 */
export async function resumeFromCallback(
	context: IWebhookFunctions,
	fieldsOf: PausedItemFields,
): Promise<IWebhookResponseData> {
	const pause = awaitedPauseOf(context);
	const named = namedHoldOf(context);
	return await handleCallback(context, {
		inProgress: resumesInProgress,
		refuseCaller: async () =>
			(await carriesResumeToken(context, pause, named))
				? undefined
				: {
						status: 401,
						body: {
							error: 'Invalid or missing resume token: this URL is not the one of the pause this execution waits in',
						},
					},
		accept: async (taskId) => accept(context, taskId, pause, named.hold, fieldsOf),
	});
}
