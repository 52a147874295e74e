import type { IDataObject } from 'n8n-workflow';

import type { TaskState } from '../shared/transport/task-status';

const MAX_REMEMBERED = 500;

/** Deliveries seen by this n8n process, for duplicates that arrive before the workflow's static data is saved. */
const recentInProcess = new Set<string>();

function remember(list: string[], key: string): string[] {
	const next = [...list.filter((entry) => entry !== key), key];
	return next.length > MAX_REMEMBERED ? next.slice(next.length - MAX_REMEMBERED) : next;
}

/**
 * True the first time a (task, status) pair is delivered to this trigger. Memory is bounded: the last
 * 500 deliveries are kept in the workflow's static data and in this process.
 */
export function isFirstDelivery(staticData: IDataObject, scope: string, taskId: string, state: TaskState): boolean {
	const key = `${taskId}:${state}`;
	const scopedKey = `${scope}:${key}`;
	const persisted = Array.isArray(staticData.seenDeliveries) ? (staticData.seenDeliveries as string[]) : [];
	if (persisted.includes(key) || recentInProcess.has(scopedKey)) return false;

	staticData.seenDeliveries = remember(persisted, key);
	recentInProcess.add(scopedKey);
	if (recentInProcess.size > MAX_REMEMBERED) {
		const oldest = recentInProcess.values().next().value;
		if (oldest !== undefined) recentInProcess.delete(oldest);
	}
	return true;
}
