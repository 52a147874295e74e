import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { toObject } from './api-types';
import { redactSecrets } from './key-destination';

/**
 * How LinkrAPI's failures become n8n errors: per-status message and advice, the task and hold named, the key
 * redacted; and what an error body of any size says, read within a bound.
 */

/**
 * An error body may come from anything between n8n and LinkrAPI (a proxy, a captive portal) and be of any size.
 * Nothing past this many characters is read: no parse, no scan, no regex ever sees more.
 */
export const ERROR_BODY_LIMIT = 8192;

/** Longest `detail` / `message` shown from a JSON error body. */
export const MAX_DETAIL_LENGTH = 500;

/** Longest excerpt shown of a body that is not JSON (HTML from a proxy, plain text). */
export const MAX_BODY_EXCERPT = 300;

function shorten(text: string, maxLength: number): string {
	return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** Collects output up to `maxLength` characters; once a write overflows, callers stop reading their input. */
class BoundedText {
	private readonly parts: string[] = [];

	private room: number;

	overflowed = false;

	constructor(maxLength: number) {
		this.room = maxLength;
	}

	write(text: string): boolean {
		if (text.length > this.room) {
			this.parts.push(text.slice(0, this.room));
			this.room = 0;
			this.overflowed = true;
			return false;
		}
		this.parts.push(text);
		this.room -= text.length;
		return true;
	}

	get remaining(): number {
		return this.room;
	}

	toString(): string {
		return this.parts.join('');
	}
}

function writeJson(value: unknown, out: BoundedText): boolean {
	if (typeof value === 'string') return out.write(JSON.stringify(value.slice(0, out.remaining)));
	if (Array.isArray(value)) {
		if (!out.write('[')) return false;
		for (let index = 0; index < value.length; index++) {
			if (index > 0 && !out.write(',')) return false;
			if (!writeJson(value[index], out)) return false;
		}
		return out.write(']');
	}
	if (typeof value === 'object' && value !== null) {
		if (!out.write('{')) return false;
		let first = true;
		for (const key in value) {
			if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
			if (!first && !out.write(',')) return false;
			first = false;
			if (!out.write(`${JSON.stringify(key.slice(0, out.remaining))}:`)) return false;
			if (!writeJson((value as Record<string, unknown>)[key], out)) return false;
		}
		return out.write('}');
	}
	return out.write(JSON.stringify(value) ?? 'null');
}

/**
 * JSON text of a parsed value, cut at `maxLength`. Unlike JSON.stringify it stops reading the value once the text
 * is long enough, so a huge or deeply nested `detail` costs no more than the few hundred characters shown.
 */
export function boundedJson(value: unknown, maxLength: number): string {
	const out = new BoundedText(maxLength);
	writeJson(value, out);
	return out.overflowed ? `${out.toString()}…` : out.toString();
}

function tagNameAt(lowerText: string, start: number): string {
	let end = start;
	while (end < lowerText.length && lowerText.charCodeAt(end) >= 97 && lowerText.charCodeAt(end) <= 122) end++;
	return lowerText.slice(start, end);
}

/**
 * Replaces each `<…>` tag with a space and drops the content of script and style elements, in one pass: every
 * search starts where the last one ended. A `<` that no `>` follows stays text, as does `<>`.
 */
export function stripTags(html: string): string {
	const lower = html.toLowerCase();
	const parts: string[] = [];
	let textStart = 0;
	let position = 0;
	while (position < html.length) {
		const open = html.indexOf('<', position);
		if (open === -1) break;
		const close = html.indexOf('>', open + 1);
		if (close === -1) break;
		position = close + 1;
		if (close === open + 1) continue;
		parts.push(html.slice(textStart, open), ' ');
		const name = tagNameAt(lower, open + 1);
		if (name === 'script' || name === 'style') {
			const endTag = lower.indexOf(`</${name}`, position);
			const endClose = endTag === -1 ? -1 : lower.indexOf('>', endTag);
			position = endClose === -1 ? html.length : endClose + 1;
		}
		textStart = position;
	}
	parts.push(html.slice(textStart));
	return parts.join('');
}

function excerptOf(text: string): string | undefined {
	const plain = stripTags(text).replace(/\s+/g, ' ').trim();
	return plain === '' ? undefined : shorten(plain, MAX_BODY_EXCERPT);
}

/**
 * What an error body says, in at most a few hundred characters. LinkrAPI documents only `{"detail": "..."}`;
 * anything else (HTML from a proxy, plain text) is shown as an excerpt.
 */
export function describeErrorBody(body: unknown): string | undefined {
	const cut = typeof body === 'string' ? body.slice(0, ERROR_BODY_LIMIT) : body;
	const object = toObject(cut);
	if (object && object.detail !== undefined) {
		return typeof object.detail === 'string'
			? shorten(object.detail, MAX_DETAIL_LENGTH)
			: boundedJson(object.detail, MAX_DETAIL_LENGTH);
	}
	if (object && typeof object.message === 'string') return shorten(object.message, MAX_DETAIL_LENGTH);
	return typeof cut === 'string' ? excerptOf(cut) : undefined;
}

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

/** LinkrAPI answered 2xx with a body the node cannot use (`reason` from the guard that refused it). */
export function unexpectedBodyError(node: INode, reason: string | undefined, context: ErrorContext): NodeApiError {
	const message = reason ?? 'LinkrAPI returned an answer that could not be read';
	const error = new NodeApiError(node, { message } as JsonObject, {
		itemIndex: context.itemIndex,
		message,
		description: joinDescription([
			`${context.endpoint} answered 2xx with an unexpected body.`,
			whereItHappened(context),
		]),
	});
	return markError(error, context);
}
