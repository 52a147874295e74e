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
