import type { IDataObject } from 'n8n-workflow';

import type { TaskState } from '../shared/transport/task-status';

const MAX_REMEMBERED = 500;

/** Deliveries seen by this n8n process, for duplicates that arrive before the workflow's static data is saved. */
const recentInProcess = new Set<string>();
/** Deliveries being handled right now: a duplicate arriving meanwhile is not handled twice. */
const inFlight = new Set<string>();

function remember(list: string[], key: string): string[] {
	const next = [...list.filter((entry) => entry !== key), key];
	return next.length > MAX_REMEMBERED ? next.slice(next.length - MAX_REMEMBERED) : next;
}

function persistedOf(staticData: IDataObject): string[] {
	return Array.isArray(staticData.seenDeliveries) ? (staticData.seenDeliveries as string[]) : [];
}

export interface DeliveryClaim {
	/** The execution's item is built: from now on the same delivery is a duplicate. */
	remember(): void;
	/** The delivery could not be handled: forget the claim, so LinkrAPI's retry is handled like the first. */
	release(): void;
}

/**
 * Claims the first delivery of a (task, status) pair to this trigger, or returns undefined for a duplicate. It is
 * remembered only once the item is built: a callback that failed (e.g. the image host was down) is not lost.
 * Memory is bounded: the last 500 deliveries are kept in the workflow's static data and in this process.
 */
export function claimDelivery(
	staticData: IDataObject,
	scope: string,
	taskId: string,
	state: TaskState,
): DeliveryClaim | undefined {
	const key = `${taskId}:${state}`;
	const scopedKey = `${scope}:${key}`;
	if (persistedOf(staticData).includes(key) || recentInProcess.has(scopedKey) || inFlight.has(scopedKey)) {
		return undefined;
	}
	inFlight.add(scopedKey);
	return {
		remember() {
			inFlight.delete(scopedKey);
			staticData.seenDeliveries = remember(persistedOf(staticData), key);
			recentInProcess.add(scopedKey);
			if (recentInProcess.size > MAX_REMEMBERED) {
				const oldest = recentInProcess.values().next().value;
				if (oldest !== undefined) recentInProcess.delete(oldest);
			}
		},
		release() {
			inFlight.delete(scopedKey);
		},
	};
}
