import type { IWebhookFunctions } from 'n8n-workflow';

import { isObject } from '../transport';

/** A task object is a few KB; anything far larger is not a LinkrAPI callback. */
export const MAX_BODY_BYTES = 256 * 1024;

function nonEmptyString(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * LinkrAPI documents no callback payload; the only thing taken from it is a task id, looked for leniently
 * (`task_id`, `taskId`, `id`, or nested under `data` / `task`). Everything else is re-fetched with the credential.
 */
export function taskIdFromCallback(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	const direct = nonEmptyString(body.task_id) ?? nonEmptyString(body.taskId) ?? nonEmptyString(body.id);
	if (direct) return direct;
	for (const key of ['data', 'task']) {
		const nested = body[key];
		if (isObject(nested)) {
			const found = nonEmptyString(nested.task_id) ?? nonEmptyString(nested.taskId);
			if (found) return found;
		}
	}
	return undefined;
}

/**
 * The size of the body n8n parsed, not the size the sender declared: a chunked body has no Content-Length.
 * n8n keeps the raw bytes as `rawBody`; where it does not, the parsed body is measured as JSON.
 */
export function callbackBodySize(context: IWebhookFunctions): number {
	const declared = Number(context.getHeaderData()['content-length'] ?? 0);
	const raw = (context.getRequestObject() as { rawBody?: unknown } | undefined)?.rawBody;
	if (Buffer.isBuffer(raw)) return Math.max(declared, raw.length);
	const body = context.getBodyData();
	const measured = body === undefined ? 0 : Buffer.byteLength(JSON.stringify(body) ?? '');
	return Math.max(declared, measured);
}
