import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forLog } from '../for-log';
import { redactSecrets } from './key-destination';

/**
 * LinkrAPI's answers as the node reads them: the types, the guards that parse each answer once (leniently: unknown
 * fields kept, unknown statuses allowed), what a status means, and what may be a task id.
 */

/**
 * What a task's status means to the node, decided once when a task is parsed. LinkrAPI has published two status
 * vocabularies and may add more: only completed, failed and timeout end a task; queued (newer vocabulary) waits for
 * a free Midjourney slot; every other value, known or not, means "running". The older vocabulary's pending covers
 * both waiting and starting, so it is not taken as a sure sign of a queue: the watcher polls only surely queued
 * tasks less often. The raw status is kept for the output.
 */
export type TaskState = 'queued' | 'running' | 'completed' | 'failed' | 'timeout';

const STATES: Record<string, TaskState> = {
	queued: 'queued',
	completed: 'completed',
	failed: 'failed',
	timeout: 'timeout',
};

export function taskStateOf(status: string): TaskState {
	return STATES[status.trim().toLowerCase()] ?? 'running';
}

export function isEnded(state: TaskState): boolean {
	return state === 'completed' || state === 'failed' || state === 'timeout';
}

export function isFailure(state: TaskState): boolean {
	return state === 'failed' || state === 'timeout';
}

export interface TaskComponent extends IDataObject {
	custom_id: string;
	label?: string;
}

/** GET /fetch/{task_id}, parsed leniently: unknown fields are kept. */
export interface Task extends IDataObject {
	task_id: string;
	/** As LinkrAPI reports it, for the output; unknown values are allowed. */
	status: string;
	/** What the status means, decided once by the response guard. Never output. */
	state: TaskState;
	action?: string;
	progress?: number | null;
	prompt?: string | null;
	image_url?: string | null;
	images?: string[];
	components?: TaskComponent[] | null;
	error?: string | null;
	created_at?: string | null;
}

/** POST /imagine and POST /action. */
export interface SubmitResponse extends IDataObject {
	task_id: string;
	status?: string;
	message?: string;
}

/** GET /info: every value in `data` is a string. */
export interface AccountInfo extends IDataObject {
	status?: string;
	data: Record<string, string>;
}

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

/** LinkrAPI's ids are UUIDs; this allows any plain token of that kind, and nothing a URL path could misread. */
const TASK_ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:~-]*$/;
const MAX_TASK_ID_LENGTH = 128;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a text cannot be a task id, or undefined when it can. Checked once where an id enters (Fetch, Action,
 * Trigger, resume), before any request: `.` or `..` would turn `GET /fetch/{id}` into another path with the key,
 * a lone surrogate cannot be encoded into a URL at all.
 */
export function taskIdProblem(taskId: string): string | undefined {
	if (taskId === '') return 'it is empty';
	if (LONE_SURROGATE.test(taskId)) return 'it is not valid Unicode text';
	if (taskId.length > MAX_TASK_ID_LENGTH) return `it is longer than ${MAX_TASK_ID_LENGTH} characters`;
	if (taskId.includes('/')) return 'it contains a "/"';
	if (taskId === '.' || taskId === '..') return 'it is a path segment ("." or ".."), not an id';
	if (!TASK_ID_SHAPE.test(taskId)) {
		return 'it may contain only letters, digits and . _ : ~ - (LinkrAPI task ids look like a1b2c3d4-e5f6-…)';
	}
	return undefined;
}

/** The task id, or an error naming the field before any request is made. */
export function checkTaskId(node: INode, itemIndex: number, taskId: string, field = 'Task ID'): string {
	const problem = taskIdProblem(taskId);
	if (problem) {
		throw new NodeOperationError(node, `The "${field}" ${forLog(taskId)} is not a LinkrAPI task ID`, {
			itemIndex,
			description: `It cannot be sent to LinkrAPI because ${problem}. Use the task_id that Imagine or Action returned.`,
		});
	}
	return taskId;
}
