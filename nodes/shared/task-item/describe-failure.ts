import type { Task } from '../transport';

export interface FailureDescription {
	message: string;
	description: string;
}

/** How a failed or timed-out task is explained, whether it is thrown (poll) or output (resumed after a callback). */
export function describeFailure(task: Task): FailureDescription {
	const reason = task.error?.trim();
	if (task.state === 'timeout') {
		return {
			message: `Midjourney did not finish task ${task.task_id} in time${reason ? `: ${reason}` : ''}`,
			description: `LinkrAPI gave up on the task (status "timeout"). Submit it again, or check the hold's queue in the LinkrAPI dashboard. Task ID: ${task.task_id}.`,
		};
	}
	return {
		message: `Midjourney could not finish task ${task.task_id}: ${reason || 'no reason given'}`,
		description: `The task ended with status "${task.status}". Common causes: a banned word in the prompt, an inactive Midjourney subscription, or a suspended account. Task ID: ${task.task_id}.`,
	};
}
