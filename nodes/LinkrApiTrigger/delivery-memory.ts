import type { IDataObject } from 'n8n-workflow';

import { RecentMemory } from '../shared/recent-memory';
import type { TaskState } from '../shared/transport';

const MAX_REMEMBERED = 500;
const ENDINGS: TaskState[] = ['completed', 'failed', 'timeout'];
/** Tasks that started a run in this n8n process, for duplicates that arrive before the static data is saved. */
const startedInProcess = new RecentMemory<true>(MAX_REMEMBERED);

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

	/** The key of a task's deliveries in this trigger. */
	keyOf(taskId: string): string {
		return `${this.scope}:${taskId}`;
	}

	hasStarted(taskId: string): boolean {
		return (
			startedInProcess.has(this.keyOf(taskId)) ||
			ENDINGS.some((state) => persistedOf(this.staticData).includes(`${taskId}:${state}`))
		);
	}

	/** Called once the run's item is built: from now on a delivery of the task is a duplicate. */
	remember(taskId: string, state: TaskState): void {
		const entry = `${taskId}:${state}`;
		const kept = [...persistedOf(this.staticData).filter((seen) => seen !== entry), entry];
		this.staticData.seenDeliveries = kept.slice(Math.max(0, kept.length - MAX_REMEMBERED));
		startedInProcess.remember(this.keyOf(taskId), true);
	}
}
