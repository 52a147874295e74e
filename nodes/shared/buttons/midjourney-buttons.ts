/**
 * Midjourney's buttons, in one table: what the node calls each one, what it does, where Midjourney shows it, and
 * how to recognise its component. A component is recognised by its custom_id (`MJ::JOB::<kind>::<index>::<job>…`),
 * never by its label: labels change between Midjourney versions and some are an emoji only.
 */

/** Where Midjourney shows a button: under a 2×2 grid, or under one upscaled image. */
export type ButtonHome = 'grid' | 'upscaled image';

export interface MidjourneyButton {
	/** The Action option's value */
	value: string;
	/** The name the node shows for it, in the Action list, the output and errors */
	name: string;
	/** What pressing it does */
	does: string;
	home: ButtonHome;
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
	customId: new RegExp(`^MJ::JOB::upsample::${n}::`),
	documented: true,
});

const varyImage = (n: number): MidjourneyButton => ({
	value: `variation${n}`,
	name: `Vary Image ${n}`,
	does: `Makes a new grid of variations of image ${n} (${POSITION_NAMES[n - 1]})`,
	home: 'grid',
	customId: new RegExp(`^MJ::JOB::variation::${n}::`),
	documented: true,
});

const onUpscaled = (
	value: string,
	name: string,
	does: string,
	customId: RegExp,
	onlyOn?: string,
): MidjourneyButton => ({ value, name, does, home: 'upscaled image', customId, documented: false, onlyOn });

const pan = (direction: 'left' | 'right' | 'up' | 'down'): MidjourneyButton =>
	onUpscaled(
		`pan_${direction}`,
		`Pan ${direction[0].toUpperCase()}${direction.slice(1)}`,
		`Extends the image to the ${direction} and makes a new grid of it`,
		new RegExp(`^MJ::JOB::pan_${direction}::`),
	);

export const MIDJOURNEY_BUTTONS: readonly MidjourneyButton[] = [
	...GRID_POSITIONS.map(upscaleImage),
	...GRID_POSITIONS.map(varyImage),
	{
		value: 'reroll',
		name: 'Reroll',
		does: 'Runs the same prompt again for a new grid',
		home: 'grid',
		customId: /^MJ::JOB::reroll::/,
		documented: true,
	},
	onUpscaled(
		'upscale_subtle',
		'Upscale (Subtle)',
		'Doubles the size, keeping the details close to the original',
		/^MJ::JOB::upsample_v[^:]*_subtle::/,
		'images of Midjourney 6 and later',
	),
	onUpscaled(
		'upscale_creative',
		'Upscale (Creative)',
		'Doubles the size and adds new detail',
		/^MJ::JOB::upsample_v[^:]*_creative::/,
		'images of Midjourney 6 and later',
	),
	onUpscaled(
		'upscale_2x',
		'Upscale (2x)',
		'Doubles the size',
		/^MJ::JOB::upsample_v[^:]*_2x::/,
		'images of Midjourney 5',
	),
	onUpscaled(
		'upscale_4x',
		'Upscale (4x)',
		'Makes it four times the size',
		/^MJ::JOB::upsample_v[^:]*_4x::/,
		'images of Midjourney 5',
	),
	onUpscaled(
		'vary_subtle',
		'Vary (Subtle)',
		'Makes a new grid of small variations of the image',
		/^MJ::JOB::low_variation::/,
	),
	onUpscaled(
		'vary_strong',
		'Vary (Strong)',
		'Makes a new grid of bold variations of the image',
		/^MJ::JOB::high_variation::/,
	),
	onUpscaled(
		'zoom_out_2x',
		'Zoom Out 2x',
		'Draws around the image, twice as far out, as a new grid',
		/^MJ::Outpaint::50::/,
	),
	onUpscaled(
		'zoom_out_1_5x',
		'Zoom Out 1.5x',
		'Draws around the image, 1.5 times as far out, as a new grid',
		/^MJ::Outpaint::75::/,
	),
	onUpscaled(
		'make_square',
		'Make Square',
		'Extends the shorter side to a square image, as a new grid',
		/^MJ::Outpaint::100::/,
		'images that are not square',
	),
	pan('left'),
	pan('right'),
	pan('up'),
	pan('down'),
];

/** The button a component is, or undefined for buttons the node has no name for (Vary (Region), Custom Zoom…). */
export function buttonOfComponent(customId: string): MidjourneyButton | undefined {
	return MIDJOURNEY_BUTTONS.find((button) => button.customId.test(customId));
}
