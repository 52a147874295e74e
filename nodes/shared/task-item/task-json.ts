import type { IDataObject } from 'n8n-workflow';

import { buttonOfComponent } from '../buttons/midjourney-buttons';
import type { SubmitResponse, Task, TaskComponent } from '../transport';

export interface NextAction extends IDataObject {
	/** The documented action name to send (`upsample1`, `variation2`, `reroll`), or null for other buttons */
	name: string | null;
	/** The node's name for the button, as in its Action list (`Zoom Out 2x`), or null for a button it does not name */
	button: string | null;
	label: string | null;
	custom_id: string;
}

export function nextActions(components: TaskComponent[] | null | undefined): NextAction[] {
	return (components ?? []).map((component) => {
		const button = buttonOfComponent(component.custom_id);
		return {
			name: button?.documented ? button.value : null,
			button: button?.name ?? null,
			label: typeof component.label === 'string' ? component.label : null,
			custom_id: component.custom_id,
		};
	});
}

/** The task as the node outputs it: documented fields always present, unknown API fields kept. */
export function taskToJson(task: Task): IDataObject {
	return {
		task_id: task.task_id,
		action: task.action ?? null,
		status: task.status,
		progress: task.progress ?? null,
		prompt: task.prompt ?? null,
		image_url: task.image_url ?? null,
		...(task.images ? { images: task.images } : {}),
		actions: nextActions(task.components),
		error: task.error ?? null,
		created_at: task.created_at ?? null,
		...withoutKnownFields(task),
	};
}

// `state` is the node's own reading of `status` (see task-status.ts), not an API field.
const KNOWN_FIELDS = new Set([
	'state',
	'task_id',
	'action',
	'status',
	'progress',
	'prompt',
	'image_url',
	'images',
	'error',
	'created_at',
]);

function withoutKnownFields(task: Task): IDataObject {
	const rest: IDataObject = {};
	for (const [key, value] of Object.entries(task)) {
		if (!KNOWN_FIELDS.has(key)) rest[key] = value;
	}
	return rest;
}

/** Output of "Don't Wait": what was submitted, ready to be fetched later. */
export function submittedToJson(submitted: SubmitResponse, action: string, prompt: string | null): IDataObject {
	return {
		task_id: submitted.task_id,
		action,
		status: 'submitted',
		prompt,
		submit_status: submitted.status ?? null,
		message: submitted.message ?? null,
	};
}
