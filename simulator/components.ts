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

/** The Midjourney version a prompt asks for (`--v 6.1`, `--niji 6`); 7 when it names none. */
function versionOf(prompt: string): number {
	const match = /--(?:v|version|niji)\s+(\d+(?:\.\d+)?)/.exec(prompt);
	return match ? Number(match[1]) : 7;
}

function isSquare(prompt: string): boolean {
	const match = /--(?:ar|aspect)\s+(\d+):(\d+)/.exec(prompt);
	return !match || match[1] === match[2];
}

/** The upscales Midjourney offers under an upscaled image: subtle/creative from version 6, 2x/4x on version 5. */
function upscaleKinds(version: number): Array<[kind: string, label: string]> {
	if (version < 6)
		return [
			['upsample_v5_2x', 'Upscale (2x)'],
			['upsample_v5_4x', 'Upscale (4x)'],
		];
	const name = version >= 7 ? 'v7' : version > 6 ? 'v6r1' : 'v6';
	return [
		[`upsample_${name}_2x_subtle`, 'Upscale (Subtle)'],
		[`upsample_${name}_2x_creative`, 'Upscale (Creative)'],
	];
}

const PAN_EMOJI: Array<[direction: string, emoji: string]> = [
	['left', '⬅️'],
	['right', '➡️'],
	['up', '⬆️'],
	['down', '⬇️'],
];

/** Buttons under an upscaled image, by the prompt's version and aspect ratio (Make Square only when not square). */
export function upscaleComponents(jobId: string, prompt = ''): TaskComponent[] {
	const button = (kind: string, label: string, extra: Partial<TaskComponent> = {}): TaskComponent => ({
		custom_id: `MJ::${kind}::1::${jobId}::SOLO`,
		label,
		style: SECONDARY_STYLE,
		...extra,
	});
	return [
		...upscaleKinds(versionOf(prompt)).map(([kind, label]) => button(`JOB::${kind}`, label)),
		button('JOB::low_variation', 'Vary (Subtle)'),
		button('JOB::high_variation', 'Vary (Strong)'),
		button('Outpaint::50', 'Zoom Out 2x'),
		button('Outpaint::75', 'Zoom Out 1.5x'),
		...(isSquare(prompt) ? [] : [button('Outpaint::100', 'Make Square')]),
		// Discord shows the pan arrows as an emoji without a label.
		...PAN_EMOJI.map(([direction, emoji]) => button(`JOB::pan_${direction}`, '', { emoji: { name: emoji } })),
	];
}

export function componentsFor(buttons: ButtonSet, jobId: string, prompt = ''): TaskComponent[] | null {
	if (buttons === 'grid') return gridComponents(jobId);
	if (buttons === 'upscale') return upscaleComponents(jobId, prompt);
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
const CUSTOM_ID = /^MJ::(?:JOB::([a-z0-9_]+)|Outpaint::(\d+))::(\d+)::/;

function describe(kind: string, index: number): ResolvedAction | undefined {
	if (kind === 'upsample') return { name: `upsample${index}`, result: 'upscale', index };
	if (kind === 'variation') return { name: `variation${index}`, result: 'grid', index };
	if (kind === 'reroll') return { name: 'reroll', result: 'grid', index };
	if (kind.startsWith('upsample_')) return { name: kind, result: 'upscale-2x', index };
	if (kind.endsWith('_variation') || kind.startsWith('pan_')) return { name: kind, result: 'grid', index };
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
	if (!parsed) return undefined;
	// Zoom Out and Make Square draw around the image: a new grid. LinkrAPI's `action` for them is undocumented.
	if (parsed[2]) return { name: `outpaint_${parsed[2]}`, result: 'grid', index: Number(parsed[3]) };
	return describe(parsed[1], Number(parsed[3]));
}
