import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeErrorBody } from './error-body';
import { redactSecrets } from './redact';

export interface ErrorContext {
	itemIndex: number;
	/** e.g. "POST /imagine", shown so the user knows which call failed */
	endpoint: string;
	taskId?: string;
	apiKey?: string;
	/** The pool hold the request went to, named in every error */
	hold?: string;
}

/** "Task ID: … Hold: …" at the end of a description, for whichever is known. */
function whereItHappened(context: ErrorContext): string | undefined {
	const parts = [
		context.taskId ? `Task ID: ${context.taskId}.` : undefined,
		context.hold ? `Hold: ${context.hold}.` : undefined,
	].filter(Boolean);
	return parts.length > 0 ? parts.join(' ') : undefined;
}

/** The task and the hold an error is about, where the router and the error items find them. */
function markError(error: NodeApiError, context: ErrorContext): NodeApiError {
	if (context.taskId) error.context.task_id = context.taskId;
	if (context.hold) error.context.hold = context.hold;
	return error;
}

function messageFor(statusCode: number, detail: string | undefined, context: ErrorContext): string {
	switch (statusCode) {
		case 400:
			return detail ?? 'LinkrAPI rejected the request as invalid';
		case 401:
			return 'LinkrAPI rejected the API key';
		case 403:
			return 'The LinkrAPI hold (Discord account) is suspended';
		case 404:
			return context.taskId
				? `Task ${context.taskId} was not found for this API key`
				: 'LinkrAPI could not find what was asked for';
		case 429:
			return 'LinkrAPI rate limit reached';
		default:
			if (statusCode >= 500) return `LinkrAPI could not reach Discord/Midjourney (HTTP ${statusCode})`;
			return `LinkrAPI answered HTTP ${statusCode}`;
	}
}

function adviceFor(statusCode: number): string {
	switch (statusCode) {
		case 400:
			return 'Change the input named in the message and run again.';
		case 401:
			return 'Open the LinkrAPI credential and paste the key (lkr_…) shown on your hold card in the LinkrAPI dashboard.';
		case 403:
			return 'Check the hold in the LinkrAPI dashboard: its Discord or Midjourney account may be suspended or its subscription inactive.';
		case 404:
			return 'Task IDs belong to the hold whose key created them, and old tasks may expire. Check the Task ID field and the credential.';
		case 429:
			return 'Lower "Max Requests per Second" in the node options, or run fewer executions at once, then retry.';
		default:
			return 'Check the hold’s Discord token in the LinkrAPI dashboard, then retry in a few minutes.';
	}
}

function joinDescription(parts: Array<string | undefined>): string {
	return parts.filter((part): part is string => Boolean(part)).join(' ');
}

/** Builds the error for a non-2xx answer from a plain object, so no request options or headers can leak into it. */
export function httpStatusError(node: INode, statusCode: number, body: unknown, context: ErrorContext): NodeApiError {
	const detail = describeErrorBody(body);
	const message = redactSecrets(messageFor(statusCode, detail, context), context.apiKey);
	const description = redactSecrets(
		joinDescription([
			`${context.endpoint} answered HTTP ${statusCode}.`,
			statusCode !== 400 && detail ? `LinkrAPI said: "${detail}".` : undefined,
			adviceFor(statusCode),
			whereItHappened(context),
		]),
		context.apiKey,
	);
	const error = new NodeApiError(node, { message, statusCode } as JsonObject, {
		itemIndex: context.itemIndex,
		message,
		description,
		httpCode: String(statusCode),
	});
	return markError(error, context);
}

/**
 * A 3xx from LinkrAPI is never followed: the request carries the key, and the new address may be another host
 * or plain http. Only the target's origin is named (its path and query may hold tokens).
 */
export function redirectError(
	node: INode,
	statusCode: number,
	location: unknown,
	requestUrl: string,
	context: ErrorContext,
): NodeApiError {
	let target: URL | undefined;
	try {
		target = typeof location === 'string' && location !== '' ? new URL(location, requestUrl) : undefined;
	} catch {
		target = undefined;
	}
	const message = target
		? `LinkrAPI redirected the request to ${target.origin} (HTTP ${statusCode})`
		: `LinkrAPI answered with a redirect (HTTP ${statusCode}) without saying where to`;
	const description = joinDescription([
		`${context.endpoint} answered HTTP ${statusCode}; the redirect was not followed, because the request carries the API key.`,
		'If LinkrAPI moved, or the Base URL has a typo (http:// instead of https://, www., a missing /api/v1), correct the Base URL in the credential.',
		whereItHappened(context),
	]);
	const error = new NodeApiError(node, { message, statusCode } as JsonObject, {
		itemIndex: context.itemIndex,
		message: redactSecrets(message, context.apiKey),
		description: redactSecrets(description, context.apiKey),
		httpCode: String(statusCode),
	});
	return markError(error, context);
}

const NETWORK_MESSAGES: Record<string, string> = {
	ECONNREFUSED: 'LinkrAPI refused the connection',
	ECONNRESET: 'The connection to LinkrAPI was dropped',
	ENOTFOUND: 'The LinkrAPI host name could not be resolved',
	EAI_AGAIN: 'The LinkrAPI host name could not be resolved',
	ETIMEDOUT: 'LinkrAPI did not answer in time',
	ECONNABORTED: 'LinkrAPI did not answer in time',
};

export function networkErrorCode(error: unknown): string | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const record = error as { code?: unknown; cause?: { code?: unknown } };
	if (typeof record.code === 'string') return record.code;
	if (typeof record.cause?.code === 'string') return record.cause.code;
	return undefined;
}

/** The raw client error is never wrapped: it carries the request options, Authorization header included. */
export function networkError(node: INode, error: unknown, context: ErrorContext): NodeApiError {
	const code = networkErrorCode(error);
	const message = (code && NETWORK_MESSAGES[code]) ?? 'The request to LinkrAPI failed before an answer arrived';
	const description = redactSecrets(
		joinDescription([
			`${context.endpoint} failed${code ? ` (${code})` : ''}.`,
			'Check the Base URL in the LinkrAPI credential and your network, then retry.',
			whereItHappened(context),
		]),
		context.apiKey,
	);
	const apiError = new NodeApiError(node, { message, networkErrorCode: code ?? 'UNKNOWN' } as JsonObject, {
		itemIndex: context.itemIndex,
		message,
		description,
	});
	return markError(apiError, context);
}
