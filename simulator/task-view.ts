/** The `/v1/fetch` (and webhook) body of a task: the documented fields plus the observed `images`/`grid_url`/`cdn_url`. */
import { componentsFor } from './components';
import type { Task } from './contract';
import type { TaskState } from './lifecycle';
import type { SimTask } from './tasks';

/** A fixed Discord channel id for the CDN paths, like `cdn.discordapp.com/attachments/<channel>/<message>/…`. */
const CHANNEL_ID = '1193382706539716729';

/**
 * `error` of a failed task by its outcome. LinkrAPI shows none of these texts (contract §12.3); the account ones follow
 * the documented causes (§4) and name them plainly: inactive subscription, Discord account banned or restricted.
 */
export const FAILURE_MESSAGES: Record<string, string> = {
	'fail': 'Midjourney: Banned prompt detected',
	'fail:subscribe':
		'Thank you for subscribing to Midjourney! Your subscription is now active; please run your command again.',
	'fail:subscription-inactive':
		'Midjourney: Subscription inactive. This account has no active Midjourney subscription; renew it to run jobs.',
	'fail:account-banned': 'Midjourney: Account banned. This Discord account has been banned and can no longer run jobs.',
	'fail:account-restricted':
		'Midjourney: Account restricted. This Discord account is restricted and cannot run jobs at the moment.',
};

export function imageFileName(taskId: string, quadrant?: number): string {
	return quadrant === undefined ? `linkr_${taskId}.png` : `linkr_${taskId}_${quadrant}.png`;
}

/** Inverse of imageFileName: which task (and quadrant) a CDN file name is for. */
export function parseImageFileName(fileName: string): { taskId: string; quadrant?: number } | undefined {
	const match = /^linkr_([0-9a-f-]{36})(?:_([1-4]))?\.png$/.exec(fileName);
	if (!match) return undefined;
	return { taskId: match[1], quadrant: match[2] === undefined ? undefined : Number(match[2]) };
}

export function imageUrl(cdnUrl: string, task: SimTask, quadrant?: number): string {
	return `${cdnUrl}/attachments/${CHANNEL_ID}/${task.messageId}/${imageFileName(task.id, quadrant)}`;
}

/** `created_at` as in the docs: ISO 8601 in UTC without a timezone suffix or milliseconds. */
export function formatCreatedAt(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19);
}

export function taskView(task: SimTask, state: TaskState, cdnUrl: string): Task {
	const completed = state.status === 'completed';
	const view: Task = {
		task_id: task.id,
		action: task.action,
		status: state.status,
		progress: state.progress,
		prompt: task.prompt,
		image_url: completed ? imageUrl(cdnUrl, task) : null,
		message_id: completed ? task.messageId : null,
		components: completed ? componentsFor(task.buttons, task.jobId, task.prompt) : null,
		error: state.status === 'failed' ? (FAILURE_MESSAGES[task.outcome] ?? FAILURE_MESSAGES.fail) : null,
		created_at: formatCreatedAt(task.createdAt),
	};
	if (!completed) return view;
	if (task.image.kind === 'grid') {
		view.images = [1, 2, 3, 4].map((quadrant) => imageUrl(cdnUrl, task, quadrant));
		view.grid_url = imageUrl(cdnUrl, task);
	}
	view.cdn_url = imageUrl(cdnUrl, task);
	return view;
}
