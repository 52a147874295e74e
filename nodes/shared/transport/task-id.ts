import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forLog } from './redact';

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
