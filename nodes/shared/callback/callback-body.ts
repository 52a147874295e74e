import { isObject } from '../transport';

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
