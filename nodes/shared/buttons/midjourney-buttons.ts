/**
 * Midjourney's buttons, in one table: what the node calls each one, what it does, where Midjourney shows it, the
 * kind of job it starts, and how to recognise its component. A component is recognised by its custom_id
 * (`MJ::JOB::<kind>::<index>::<job>…`), never by its label: labels change between Midjourney versions and some are an
 * emoji only.
 */

/** Where Midjourney shows a button: under a 2×2 grid, or under one upscaled image. */
export type ButtonHome = 'grid' | 'upscaled image';

/**
 * Midjourney's jobs run at very different speeds: a grid (imagine, variation, reroll, zoom, pan) takes tens of
 * seconds; picking one image of a grid (U1–U4) a few; an upscale that redraws the image larger (Subtle, Creative,
 * 2x, 4x) as long as a grid or longer. Each kind's run time is learned apart.
 */
export type JobKind = 'grid' | 'single' | 'upscale';

export interface MidjourneyButton {
	/** The Action option's value */
	value: string;
	/** The name the node shows for it, in the Action list, the output and errors */
	name: string;
	/** What pressing it does */
	does: string;
	home: ButtonHome;
	/** The kind of job pressing it starts */
	jobKind: JobKind;
	/** Recognises the button's component */
	customId: RegExp;
	/**
	 * LinkrAPI documents this name as an `action`: it is sent as it is, without reading the task first. Every other
	 * button is sent as the custom_id of the task's own component.
	 */
	documented: boolean;
	/** When Midjourney shows it only on some images: which, for the error when a task has none */
	onlyOn?: string;
}

const GRID_POSITIONS = [1, 2, 3, 4] as const;
const POSITION_NAMES = ['top left', 'top right', 'bottom left', 'bottom right'];

const upscaleImage = (n: number): MidjourneyButton => ({
	value: `upsample${n}`,
	name: `Upscale Image ${n}`,
	does: `Makes image ${n} of the grid (${POSITION_NAMES[n - 1]}) a single image`,
	home: 'grid',
	jobKind: 'single',
	customId: new RegExp(`^MJ::JOB::upsample::${n}::`),
	documented: true,
});

const varyImage = (n: number): MidjourneyButton => ({
	value: `variation${n}`,
	name: `Vary Image ${n}`,
	does: `Makes a new grid of variations of image ${n} (${POSITION_NAMES[n - 1]})`,
	home: 'grid',
	jobKind: 'grid',
	customId: new RegExp(`^MJ::JOB::variation::${n}::`),
	documented: true,
});

/** A button under one upscaled image: LinkrAPI documents none of them. */
const onUpscaled = (button: Omit<MidjourneyButton, 'home' | 'documented'>): MidjourneyButton => ({
	...button,
	home: 'upscaled image',
	documented: false,
});

const pan = (direction: 'left' | 'right' | 'up' | 'down'): MidjourneyButton =>
	onUpscaled({
		value: `pan_${direction}`,
		name: `Pan ${direction[0].toUpperCase()}${direction.slice(1)}`,
		does: `Extends the image to the ${direction} and makes a new grid of it`,
		jobKind: 'grid',
		customId: new RegExp(`^MJ::JOB::pan_${direction}::`),
	});

export const MIDJOURNEY_BUTTONS: readonly MidjourneyButton[] = [
	...GRID_POSITIONS.map(upscaleImage),
	...GRID_POSITIONS.map(varyImage),
	{
		value: 'reroll',
		name: 'Reroll',
		does: 'Runs the same prompt again for a new grid',
		home: 'grid',
		jobKind: 'grid',
		customId: /^MJ::JOB::reroll::/,
		documented: true,
	},
	onUpscaled({
		value: 'upscale_subtle',
		name: 'Upscale (Subtle)',
		does: 'Doubles the size, keeping the details close to the original',
		jobKind: 'upscale',
		customId: /^MJ::JOB::upsample_v[^:]*_subtle::/,
		onlyOn: 'images of Midjourney 6 and later',
	}),
	onUpscaled({
		value: 'upscale_creative',
		name: 'Upscale (Creative)',
		does: 'Doubles the size and adds new detail',
		jobKind: 'upscale',
		customId: /^MJ::JOB::upsample_v[^:]*_creative::/,
		onlyOn: 'images of Midjourney 6 and later',
	}),
	onUpscaled({
		value: 'upscale_2x',
		name: 'Upscale (2x)',
		does: 'Doubles the size',
		jobKind: 'upscale',
		customId: /^MJ::JOB::upsample_v[^:]*_2x::/,
		onlyOn: 'images of Midjourney 5',
	}),
	onUpscaled({
		value: 'upscale_4x',
		name: 'Upscale (4x)',
		does: 'Makes it four times the size',
		jobKind: 'upscale',
		customId: /^MJ::JOB::upsample_v[^:]*_4x::/,
		onlyOn: 'images of Midjourney 5',
	}),
	onUpscaled({
		value: 'vary_subtle',
		name: 'Vary (Subtle)',
		does: 'Makes a new grid of small variations of the image',
		jobKind: 'grid',
		customId: /^MJ::JOB::low_variation::/,
	}),
	onUpscaled({
		value: 'vary_strong',
		name: 'Vary (Strong)',
		does: 'Makes a new grid of bold variations of the image',
		jobKind: 'grid',
		customId: /^MJ::JOB::high_variation::/,
	}),
	onUpscaled({
		value: 'zoom_out_2x',
		name: 'Zoom Out 2x',
		does: 'Draws around the image, twice as far out, as a new grid',
		jobKind: 'grid',
		customId: /^MJ::Outpaint::50::/,
	}),
	onUpscaled({
		value: 'zoom_out_1_5x',
		name: 'Zoom Out 1.5x',
		does: 'Draws around the image, 1.5 times as far out, as a new grid',
		jobKind: 'grid',
		customId: /^MJ::Outpaint::75::/,
	}),
	onUpscaled({
		value: 'make_square',
		name: 'Make Square',
		does: 'Extends the shorter side to a square image, as a new grid',
		jobKind: 'grid',
		customId: /^MJ::Outpaint::100::/,
		onlyOn: 'images that are not square',
	}),
	pan('left'),
	pan('right'),
	pan('up'),
	pan('down'),
];

/** The button a component is, or undefined for buttons the node has no name for (Vary (Region), Custom Zoom…). */
export function buttonOfComponent(customId: string): MidjourneyButton | undefined {
	return MIDJOURNEY_BUTTONS.find((button) => button.customId.test(customId));
}

/**
 * The custom_id a task's `action` names: LinkrAPI names a task a button made after the button's component,
 * `MJ::JOB::pan_left::…` → `pan_left`, `MJ::Outpaint::50::…` → `outpaint_50`.
 */
function componentOfTaskAction(action: string): string {
	const outpaint = /^outpaint_(\d+)$/.exec(action);
	return outpaint ? `MJ::Outpaint::${outpaint[1]}::` : `MJ::JOB::${action}::`;
}

/**
 * The kind of job an action starts: a button's value (`upsample2`), its custom_id, or the `action` LinkrAPI reports
 * for the task it made (`upsample_v7_2x_subtle`). `imagine`, and any action the table does not know, makes a grid.
 */
export function jobKindOf(action: string | undefined | null): JobKind {
	if (!action) return 'grid';
	const button =
		MIDJOURNEY_BUTTONS.find((known) => known.value === action) ??
		buttonOfComponent(action) ??
		buttonOfComponent(componentOfTaskAction(action));
	return button?.jobKind ?? 'grid';
}
