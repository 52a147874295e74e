import type { IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { AccountInfo, SubmitResponse, Task } from './api-types';
import { parseAccountInfo, parseSubmitResponse, parseTask, UnexpectedResponseError } from './response-guards';
import type { ExecuteOrWebhookContext } from '../node-context';
import { linkrApiRequest, type LinkrRequest } from './request';
import { checkTaskId } from './task-id';

/** /info sends a real Discord command and takes 5–15 s; allow for a slow Midjourney reply. */
const INFO_TIMEOUT_MS = 90000;

type CallOptions = Pick<LinkrRequest, 'itemIndex' | 'requestsPerSecond' | 'deadline' | 'hold'>;

async function call<T>(
	context: ExecuteOrWebhookContext,
	request: LinkrRequest,
	parse: (body: unknown) => T,
): Promise<T> {
	const body = await linkrApiRequest.call(context, request);
	try {
		return parse(body);
	} catch (error) {
		const message =
			error instanceof UnexpectedResponseError ? error.message : 'LinkrAPI returned an answer that could not be read';
		const apiError = new NodeApiError(context.getNode(), { message } as JsonObject, {
			itemIndex: request.itemIndex,
			message,
			description: `${request.method} ${request.path} answered 2xx with an unexpected body.${
				request.taskId ? ` Task ID: ${request.taskId}.` : ''
			}`,
		});
		if (request.taskId) apiError.context.task_id = request.taskId;
		throw apiError;
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
	this: ExecuteOrWebhookContext,
	body: ImagineBody,
	options: CallOptions,
): Promise<SubmitResponse> {
	return await call(this, { method: 'POST', path: '/imagine', body, ...options }, parseSubmitResponse);
}

export async function submitAction(
	this: ExecuteOrWebhookContext,
	body: ActionBody,
	options: CallOptions,
): Promise<SubmitResponse> {
	checkTaskId(this.getNode(), options.itemIndex, body.task_id);
	return await call(
		this,
		{ method: 'POST', path: '/action', body, taskId: body.task_id, ...options },
		parseSubmitResponse,
	);
}

export async function fetchTask(this: ExecuteOrWebhookContext, taskId: string, options: CallOptions): Promise<Task> {
	checkTaskId(this.getNode(), options.itemIndex, taskId);
	return await call(
		this,
		{ method: 'GET', path: `/fetch/${encodeURIComponent(taskId)}`, taskId, ...options },
		parseTask,
	);
}

export async function getAccountInfo(this: ExecuteOrWebhookContext, options: CallOptions): Promise<AccountInfo> {
	return await call(
		this,
		{ method: 'GET', path: '/info', timeoutMs: INFO_TIMEOUT_MS, hasSideEffects: true, ...options },
		parseAccountInfo,
	);
}
