import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { holdLedger } from '../hold-ledger';
import { asNodeError } from '../node-errors';
import type { ExecuteOrWebhookContext } from '../node-context';
import {
	type AccountInfo,
	checkTaskId,
	isEnded,
	parseAccountInfo,
	parseSubmitResponse,
	parseTask,
	type SubmitResponse,
	type Task,
	UnexpectedResponseError,
} from './api-types';
import { unexpectedBodyError } from './errors';
import { errorContextOf, linkrApiRequest, type LinkrRequest } from './request';

/** /info sends a real Discord command and takes 5–15 s; allow for a slow Midjourney reply. */
const INFO_TIMEOUT_MS = 90000;

export type CallOptions = Pick<LinkrRequest, 'itemIndex' | 'requestsPerSecond' | 'deadline' | 'hold'>;

async function requestAndParse<T>(
	context: ExecuteOrWebhookContext,
	request: LinkrRequest,
	parse: (body: unknown) => T,
): Promise<T> {
	const body = await linkrApiRequest(context, request);
	try {
		return parse(body);
	} catch (error) {
		const reason = error instanceof UnexpectedResponseError ? error.message : undefined;
		throw unexpectedBodyError(context.getNode(), reason, errorContextOf(request));
	}
}

export interface ImagineBody extends IDataObject {
	prompt: string;
	reference_image?: string;
	webhook_url?: string;
}

export interface ActionBody extends IDataObject {
	task_id: string;
	action: string;
	webhook_url?: string;
}

export async function submitImagine(
	context: ExecuteOrWebhookContext,
	body: ImagineBody,
	options: CallOptions,
): Promise<SubmitResponse> {
	return await requestAndParse(context, { method: 'POST', path: '/imagine', body, ...options }, parseSubmitResponse);
}

export async function submitAction(
	context: ExecuteOrWebhookContext,
	body: ActionBody,
	options: CallOptions,
): Promise<SubmitResponse> {
	checkTaskId(context.getNode(), options.itemIndex, body.task_id);
	return await requestAndParse(
		context,
		{ method: 'POST', path: '/action', body, taskId: body.task_id, ...options },
		parseSubmitResponse,
	);
}

/** A task as its hold's key sees it; the hold ledger learns what was seen (an end frees the job's slot). */
export async function fetchTask(context: ExecuteOrWebhookContext, taskId: string, options: CallOptions): Promise<Task> {
	checkTaskId(context.getNode(), options.itemIndex, taskId);
	const task = await requestAndParse(
		context,
		{ method: 'GET', path: `/fetch/${encodeURIComponent(taskId)}`, taskId, ...options },
		parseTask,
	);
	holdLedger.seen(taskId, isEnded(task.state) ? 'ended' : task.state === 'queued' ? 'queued' : 'running', Date.now());
	return task;
}

export async function getAccountInfo(context: ExecuteOrWebhookContext, options: CallOptions): Promise<AccountInfo> {
	return await requestAndParse(
		context,
		{ method: 'GET', path: '/info', timeoutMs: INFO_TIMEOUT_MS, hasSideEffects: true, ...options },
		parseAccountInfo,
	);
}

const isNotThisHoldsTask = (error: unknown) => error instanceof NodeApiError && error.httpCode === '404';

/**
 * A task is found only with the key of the hold that ran it: asks each hold in turn (404: not this hold's task) and
 * gives the task with the hold that has it, or undefined when none does. Any other failure is thrown.
 */
export async function findTaskOnHolds(
	context: ExecuteOrWebhookContext,
	taskId: string,
	holds: Array<string | undefined>,
	options: Omit<CallOptions, 'hold'>,
): Promise<{ task: Task; hold?: string } | undefined> {
	for (const hold of holds) {
		try {
			return { task: await fetchTask(context, taskId, { ...options, hold }), hold };
		} catch (error) {
			if (!isNotThisHoldsTask(error)) throw asNodeError(context.getNode(), error);
		}
	}
	return undefined;
}
