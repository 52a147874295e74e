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

/** The buttons Midjourney 7 puts under an upscaled image (pan buttons carry an emoji, no label). */
export function upscaledImageButtons(jobId: string, { square = true } = {}) {
	const button = (kind: string, label: string, emoji?: string) => ({
		custom_id: `MJ::${kind}::1::${jobId}::SOLO`,
		label,
		style: 2,
		...(emoji ? { emoji: { name: emoji } } : {}),
	});
	return [
		button('JOB::upsample_v7_2x_subtle', 'Upscale (Subtle)'),
		button('JOB::upsample_v7_2x_creative', 'Upscale (Creative)'),
		button('JOB::low_variation', 'Vary (Subtle)'),
		button('JOB::high_variation', 'Vary (Strong)'),
		button('Inpaint', 'Vary (Region)'),
		button('Outpaint::50', 'Zoom Out 2x'),
		button('Outpaint::75', 'Zoom Out 1.5x'),
		{ custom_id: `MJ::CustomZoom::${jobId}`, label: 'Custom Zoom', style: 2 },
		...(square ? [] : [button('Outpaint::100', 'Make Square')]),
		button('JOB::pan_left', '', '⬅️'),
		button('JOB::pan_right', '', '➡️'),
		button('JOB::pan_up', '', '⬆️'),
		button('JOB::pan_down', '', '⬇️'),
	];
}

interface ComponentFixture {
	custom_id: string;
	label?: string;
	style?: number;
	emoji?: { name: string };
}

/** A completed upsample2 task: one image, with the buttons of an upscaled image. */
export function completedUpscale(
	taskId = UPSCALE_TASK_ID,
	components: ComponentFixture[] = upscaledImageButtons(taskId, { square: false }),
) {
	return {
		...runningTask('completed', 100, taskId),
		action: 'upsample2',
		image_url: `${CDN_HOST}/attachments/${taskId}/upscale.png`,
		message_id: '1234567890123456790',
		components,
	};
}
