/**
 * Midjourney's buttons (`components`) and how `POST /v1/action` picks one. Documented action names map onto a
 * grid's buttons; any other `action` must be one of the task's `custom_id`s verbatim (labels like `U1` are not).
 */
import type { TaskComponent } from './contract';

/** Which buttons a completed task carries. */
export type ButtonSet = 'grid' | 'upscale' | 'none';

/** What a new task made by an action produces. */
export type ActionResult = 'grid' | 'upscale' | 'upscale-2x';

const SECONDARY_STYLE = 2;

export function gridComponents(jobId: string): TaskComponent[] {
	const button = (customId: string, label: string): TaskComponent => ({
		custom_id: customId,
		label,
		style: SECONDARY_STYLE,
	});
	return [
		...[1, 2, 3, 4].map((n) => button(`MJ::JOB::upsample::${n}::${jobId}`, `U${n}`)),
		button(`MJ::JOB::reroll::0::${jobId}::SOLO`, '🔄'),
		...[1, 2, 3, 4].map((n) => button(`MJ::JOB::variation::${n}::${jobId}`, `V${n}`)),
	];
}

/** Buttons under an upscaled image (Midjourney v7); their results carry no buttons in the simulator. */
export function upscaleComponents(jobId: string): TaskComponent[] {
	const button = (kind: string, label: string): TaskComponent => ({
		custom_id: `MJ::JOB::${kind}::1::${jobId}::SOLO`,
		label,
		style: SECONDARY_STYLE,
	});
	return [
		button('upsample_v7_2x_subtle', 'Upscale (Subtle)'),
		button('upsample_v7_2x_creative', 'Upscale (Creative)'),
		button('low_variation', 'Vary (Subtle)'),
		button('high_variation', 'Vary (Strong)'),
	];
}

export function componentsFor(buttons: ButtonSet, jobId: string): TaskComponent[] | null {
	if (buttons === 'grid') return gridComponents(jobId);
	if (buttons === 'upscale') return upscaleComponents(jobId);
	return null;
}

export interface ResolvedAction {
	/** Value of the new task's `action` field. */
	name: string;
	result: ActionResult;
	/** 1–4 for upscales and variations of a grid quadrant. */
	index: number;
}

const DOCUMENTED = /^(upsample|variation)([1-4])$|^reroll$/;
const CUSTOM_ID = /^MJ::JOB::([a-z0-9_]+)::(\d+)::/;

function describe(kind: string, index: number): ResolvedAction | undefined {
	if (kind === 'upsample') return { name: `upsample${index}`, result: 'upscale', index };
	if (kind === 'variation') return { name: `variation${index}`, result: 'grid', index };
	if (kind === 'reroll') return { name: 'reroll', result: 'grid', index };
	if (kind.startsWith('upsample_')) return { name: kind, result: 'upscale-2x', index };
	if (kind.endsWith('_variation')) return { name: kind, result: 'grid', index };
	return undefined;
}

/** Finds the button an `action` stands for among a task's components; undefined → "Action not found". */
export function resolveAction(action: string, components: TaskComponent[]): ResolvedAction | undefined {
	const documented = DOCUMENTED.exec(action);
	const component = documented
		? components.find((c) =>
				c.custom_id.startsWith(documented[1] ? `MJ::JOB::${documented[1]}::${documented[2]}::` : 'MJ::JOB::reroll::'),
			)
		: components.find((c) => c.custom_id === action);
	if (!component) return undefined;
	const parsed = CUSTOM_ID.exec(component.custom_id);
	return parsed ? describe(parsed[1], Number(parsed[2])) : undefined;
}
