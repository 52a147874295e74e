import type { IDataObject } from 'n8n-workflow';

import { HandlingsInProgress } from '../shared/callback/handlings-in-progress';
import type { TaskState } from '../shared/transport';

const MAX_REMEMBERED = 500;
const ENDINGS: TaskState[] = ['completed', 'failed', 'timeout'];
/** Callbacks of all triggers of this process being handled at once. */
const MAX_IN_PROGRESS = 1000;

/** Tasks that started a run in this n8n process, for duplicates that arrive before the static data is saved. */
const recentInProcess = new Set<string>();

/** One delivery of a task at a time per trigger. */
export const deliveriesInProgress = new HandlingsInProgress(MAX_IN_PROGRESS);

function persistedOf(staticData: IDataObject): string[] {
	return Array.isArray(staticData.seenDeliveries) ? (staticData.seenDeliveries as string[]) : [];
}

/**
 * Which tasks already started a run of one trigger: the last 500 in the workflow's static data (which n8n saves
 * once the callback is answered) and in this process. A task ends once, so one run per task.
 */
export class DeliveryMemory {
	constructor(
		private readonly staticData: IDataObject,
		private readonly scope: string,
	) {}

	/** The key of a task's deliveries in this trigger, for `deliveriesInProgress`. */
	keyOf(taskId: string): string {
		return `${this.scope}:${taskId}`;
	}

	hasStarted(taskId: string): boolean {
		return (
			recentInProcess.has(this.keyOf(taskId)) ||
			ENDINGS.some((state) => persistedOf(this.staticData).includes(`${taskId}:${state}`))
		);
	}

	/** Called once the run's item is built: from now on a delivery of the task is a duplicate. */
	remember(taskId: string, state: TaskState): void {
		const entry = `${taskId}:${state}`;
		const kept = [...persistedOf(this.staticData).filter((seen) => seen !== entry), entry];
		this.staticData.seenDeliveries = kept.slice(Math.max(0, kept.length - MAX_REMEMBERED));
		recentInProcess.add(this.keyOf(taskId));
		if (recentInProcess.size > MAX_REMEMBERED) {
			const oldest = recentInProcess.values().next().value;
			if (oldest !== undefined) recentInProcess.delete(oldest);
		}
	}
}
