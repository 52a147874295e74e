import { CDN_HOST } from './execute-context';

export const TASK_ID = 'a1b2c3d4-e5f6-7890-abcd-ef1234567890';
export const UPSCALE_TASK_ID = 'f7e8d9c0-b1a2-3456-cdef-789012345678';

/** The LinkrAPI node's parameters for Imagine with an empty optional field each; `overrides` replace them. */
export function imagineParameters(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		resource: 'task',
		operation: 'imagine',
		prompt: 'a cat',
		referenceImageUrl: '',
		callbackUrl: '',
		waitMode: 'poll',
		options: {},
		...overrides,
	};
}

export function submitted(taskId = TASK_ID) {
	return {
		status: 'SUCCESS',
		task_id: taskId,
		message: 'Task submitted successfully',
	};
}

export function runningTask(status: string, progress: number | null, taskId = TASK_ID) {
	return {
		task_id: taskId,
		action: 'imagine',
		status,
		progress,
		prompt: 'a cat',
		image_url: null,
		message_id: null,
		components: null,
		error: null,
		created_at: '2025-02-26T10:30:00',
	};
}

export function completedGrid(taskId = TASK_ID) {
	return {
		...runningTask('completed', 100, taskId),
		image_url: `${CDN_HOST}/attachments/${taskId}/grid.png`,
		images: [1, 2, 3, 4].map((n) => `${CDN_HOST}/attachments/${taskId}/grid_${n}.png`),
		grid_url: `${CDN_HOST}/attachments/${taskId}/grid.png`,
		message_id: '1234567890123456789',
		components: [
			{ custom_id: `MJ::JOB::upsample::1::${taskId}`, label: 'U1', style: 2 },
			{ custom_id: `MJ::JOB::upsample::2::${taskId}`, label: 'U2', style: 2 },
			{ custom_id: `MJ::JOB::variation::1::${taskId}`, label: 'V1', style: 2 },
			{
				custom_id: `MJ::JOB::reroll::0::${taskId}::SOLO`,
				label: '🔄',
				style: 2,
			},
		],
	};
}

export function failedTask(error: string | null, status = 'failed', taskId = TASK_ID) {
	return { ...runningTask(status, 0, taskId), error };
}

/** A real 1×1 PNG, enough for MIME and size checks. */
export const PNG_BYTES = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64',
);
