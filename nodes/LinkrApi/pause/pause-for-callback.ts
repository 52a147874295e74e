import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Task } from '../../shared/transport/api-types';
import type { TaskToWaitFor } from '../waiting/task-watcher';
import { fetchTask } from '../../shared/transport/endpoints';
import { rememberAwaitedTask } from './execution-memory';
import { isEnded } from '../../shared/transport/task-status';

export type PauseOutcome = { kind: 'ended'; task: Task } | { kind: 'paused'; item: INodeExecutionData };

/** Past the server's own timeout for the mode, so LinkrAPI's final callback still finds the execution waiting. */
const WAIT_GRACE_MS = 60000;

/**
 * Puts the execution to sleep until LinkrAPI calls its resume URL. One check comes first: a task that already
 * ended (an instant failure) would call back before n8n saved the execution as waiting, and n8n refuses such
 * early callbacks (409), so it is output at once instead.
 */
export async function pauseForCallback(this: IExecuteFunctions, target: TaskToWaitFor): Promise<PauseOutcome> {
	const task = await fetchTask.call(this, target.taskId, {
		itemIndex: target.itemIndex,
		requestsPerSecond: target.requestsPerSecond,
	});
	if (isEnded(task.state)) return { kind: 'ended', task };
	rememberAwaitedTask(this, target.taskId);
	await this.putExecutionToWait(new Date(Date.now() + target.wait.maxWaitMs + WAIT_GRACE_MS));
	return {
		kind: 'paused',
		item: {
			json: { task_id: target.taskId, status: 'waiting_for_callback', last_status: task.status },
			pairedItem: { item: target.itemIndex },
		},
	};
}
