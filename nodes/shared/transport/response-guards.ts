import type { IDataObject } from 'n8n-workflow';

import { redactSecrets } from './redact';
import type { AccountInfo, SubmitResponse, Task, TaskComponent } from './api-types';
import { taskStateOf } from './task-status';

/** Thrown when LinkrAPI answers 2xx with a body we cannot use; transport turns it into a NodeApiError. */
export class UnexpectedResponseError extends Error {}

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bodies may arrive as parsed JSON or as text (proxies, odd content types). */
export function toObject(body: unknown): IDataObject | undefined {
	if (isObject(body)) return body;
	if (typeof body === 'string') {
		try {
			const parsed: unknown = JSON.parse(body);
			return isObject(parsed) ? parsed : undefined;
		} catch {
			return undefined;
		}
	}
	return undefined;
}

function requireObject(body: unknown, what: string): IDataObject {
	const object = toObject(body);
	if (!object) throw new UnexpectedResponseError(`LinkrAPI returned ${what} that is not a JSON object`);
	return object;
}

function optionalString(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

function toNumberOrNull(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
	return null;
}

/** Buttons, flat as LinkrAPI documents them; Discord's own shape nests them in action rows, which are opened. */
function parseComponents(value: unknown): TaskComponent[] | null {
	if (!Array.isArray(value)) return null;
	return value.flatMap((component): TaskComponent[] => {
		if (!isObject(component)) return [];
		if (typeof component.custom_id === 'string') return [component as TaskComponent];
		return Array.isArray(component.components) ? (parseComponents(component.components) ?? []) : [];
	});
}

export function parseSubmitResponse(body: unknown): SubmitResponse {
	const object = requireObject(body, 'a submit answer');
	const taskId = object.task_id;
	if (typeof taskId !== 'string' || taskId === '') {
		throw new UnexpectedResponseError('LinkrAPI accepted the request but returned no task_id');
	}
	return { ...object, task_id: taskId };
}

export function parseTask(body: unknown): Task {
	const object = requireObject(body, 'a task');
	const taskId = object.task_id;
	if (typeof taskId !== 'string' || taskId === '') {
		throw new UnexpectedResponseError('LinkrAPI returned a task without task_id');
	}
	const status = typeof object.status === 'string' && object.status !== '' ? object.status : 'unknown';
	const task: Task = {
		...object,
		task_id: taskId,
		status,
		state: taskStateOf(status),
		progress: toNumberOrNull(object.progress),
		image_url: optionalString(object.image_url),
		// Midjourney messages are shown to the user verbatim; never let one carry a key.
		error: typeof object.error === 'string' ? redactSecrets(object.error) : null,
		components: parseComponents(object.components),
	};
	if (Array.isArray(object.images)) {
		task.images = object.images.filter((url): url is string => typeof url === 'string');
	}
	return task;
}

export function parseAccountInfo(body: unknown): AccountInfo {
	const object = requireObject(body, 'account info');
	const data = isObject(object.data) ? object.data : undefined;
	if (!data) throw new UnexpectedResponseError('LinkrAPI returned account info without a data object');
	const strings: Record<string, string> = {};
	for (const [key, value] of Object.entries(data)) {
		if (value !== null && value !== undefined) strings[key] = String(value);
	}
	return { ...object, data: strings };
}
