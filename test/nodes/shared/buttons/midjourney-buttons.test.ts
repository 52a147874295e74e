import {
	buttonOfComponent,
	jobKindOf,
	MIDJOURNEY_BUTTONS,
	type JobKind,
} from '../../../../nodes/shared/buttons/midjourney-buttons';

const JOB = '7af96d1a-67c7-4d74-b173-8430c98c7631';

describe('Midjourney buttons', () => {
	it.each([
		[`MJ::JOB::upsample::1::${JOB}`, 'upsample1'],
		[`MJ::JOB::upsample::4::${JOB}`, 'upsample4'],
		[`MJ::JOB::variation::2::${JOB}`, 'variation2'],
		[`MJ::JOB::reroll::0::${JOB}::SOLO`, 'reroll'],
		[`MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`, 'upscale_subtle'],
		[`MJ::JOB::upsample_v6_2x_subtle::1::${JOB}::SOLO`, 'upscale_subtle'],
		[`MJ::JOB::upsample_v6r1_2x_creative::1::${JOB}::SOLO`, 'upscale_creative'],
		[`MJ::JOB::upsample_v5_2x::1::${JOB}::SOLO`, 'upscale_2x'],
		[`MJ::JOB::upsample_v5_4x::1::${JOB}::SOLO`, 'upscale_4x'],
		[`MJ::JOB::low_variation::1::${JOB}::SOLO`, 'vary_subtle'],
		[`MJ::JOB::high_variation::1::${JOB}::SOLO`, 'vary_strong'],
		[`MJ::Outpaint::50::1::${JOB}::SOLO`, 'zoom_out_2x'],
		[`MJ::Outpaint::75::1::${JOB}::SOLO`, 'zoom_out_1_5x'],
		[`MJ::Outpaint::100::1::${JOB}::SOLO`, 'make_square'],
		[`MJ::JOB::pan_left::1::${JOB}::SOLO`, 'pan_left'],
		[`MJ::JOB::pan_right::1::${JOB}::SOLO`, 'pan_right'],
		[`MJ::JOB::pan_up::1::${JOB}::SOLO`, 'pan_up'],
		[`MJ::JOB::pan_down::1::${JOB}::SOLO`, 'pan_down'],
	])('recognises %s as %s by its custom_id', (customId, value) => {
		expect(buttonOfComponent(customId)?.value).toBe(value);
	});

	it.each([
		`MJ::JOB::upsample::5::${JOB}`,
		`MJ::Inpaint::1::${JOB}::SOLO`,
		`MJ::CustomZoom::${JOB}`,
		`MJ::BOOKMARK::${JOB}`,
		`MJ::JOB::animate_high::1::${JOB}::SOLO`,
		'U1',
	])('has no name for %s', (customId) => {
		expect(buttonOfComponent(customId)).toBeUndefined();
	});

	it('matches each known custom_id to exactly one button', () => {
		const samples = [
			'MJ::JOB::upsample::2::x',
			'MJ::JOB::upsample_v7_2x_subtle::1::x::SOLO',
			'MJ::JOB::upsample_v7_2x_creative::1::x::SOLO',
			'MJ::JOB::upsample_v5_2x::1::x::SOLO',
			'MJ::JOB::upsample_v5_4x::1::x::SOLO',
			'MJ::Outpaint::50::1::x::SOLO',
		];
		for (const sample of samples) {
			expect(MIDJOURNEY_BUTTONS.filter((button) => button.customId.test(sample))).toHaveLength(1);
		}
	});

	it('gives every button its own value and name', () => {
		const values = MIDJOURNEY_BUTTONS.map((button) => button.value);
		const names = MIDJOURNEY_BUTTONS.map((button) => button.name);
		expect(new Set(values).size).toBe(values.length);
		expect(new Set(names).size).toBe(names.length);
	});

	it('sends only the names LinkrAPI documents without reading the task', () => {
		expect(MIDJOURNEY_BUTTONS.filter((button) => button.documented).map((button) => button.value)).toEqual([
			'upsample1',
			'upsample2',
			'upsample3',
			'upsample4',
			'variation1',
			'variation2',
			'variation3',
			'variation4',
			'reroll',
		]);
	});
});

/**
 * Every button: its component as the simulator builds it (simulator/components.ts, for a Midjourney 7 prompt that is
 * not square, or version 5 for 2x and 4x), the `action` LinkrAPI reports for the task it made, and its kind of job.
 */
const PRESSED: Array<[value: string, customId: string, taskAction: string, kind: JobKind]> = [
	['upsample1', `MJ::JOB::upsample::1::${JOB}`, 'upsample1', 'single'],
	['upsample2', `MJ::JOB::upsample::2::${JOB}`, 'upsample2', 'single'],
	['upsample3', `MJ::JOB::upsample::3::${JOB}`, 'upsample3', 'single'],
	['upsample4', `MJ::JOB::upsample::4::${JOB}`, 'upsample4', 'single'],
	['variation1', `MJ::JOB::variation::1::${JOB}`, 'variation1', 'grid'],
	['variation2', `MJ::JOB::variation::2::${JOB}`, 'variation2', 'grid'],
	['variation3', `MJ::JOB::variation::3::${JOB}`, 'variation3', 'grid'],
	['variation4', `MJ::JOB::variation::4::${JOB}`, 'variation4', 'grid'],
	['reroll', `MJ::JOB::reroll::0::${JOB}::SOLO`, 'reroll', 'grid'],
	['upscale_subtle', `MJ::JOB::upsample_v7_2x_subtle::1::${JOB}::SOLO`, 'upsample_v7_2x_subtle', 'upscale'],
	['upscale_creative', `MJ::JOB::upsample_v7_2x_creative::1::${JOB}::SOLO`, 'upsample_v7_2x_creative', 'upscale'],
	['upscale_2x', `MJ::JOB::upsample_v5_2x::1::${JOB}::SOLO`, 'upsample_v5_2x', 'upscale'],
	['upscale_4x', `MJ::JOB::upsample_v5_4x::1::${JOB}::SOLO`, 'upsample_v5_4x', 'upscale'],
	['vary_subtle', `MJ::JOB::low_variation::1::${JOB}::SOLO`, 'low_variation', 'grid'],
	['vary_strong', `MJ::JOB::high_variation::1::${JOB}::SOLO`, 'high_variation', 'grid'],
	['zoom_out_2x', `MJ::Outpaint::50::1::${JOB}::SOLO`, 'outpaint_50', 'grid'],
	['zoom_out_1_5x', `MJ::Outpaint::75::1::${JOB}::SOLO`, 'outpaint_75', 'grid'],
	['make_square', `MJ::Outpaint::100::1::${JOB}::SOLO`, 'outpaint_100', 'grid'],
	['pan_left', `MJ::JOB::pan_left::1::${JOB}::SOLO`, 'pan_left', 'grid'],
	['pan_right', `MJ::JOB::pan_right::1::${JOB}::SOLO`, 'pan_right', 'grid'],
	['pan_up', `MJ::JOB::pan_up::1::${JOB}::SOLO`, 'pan_up', 'grid'],
	['pan_down', `MJ::JOB::pan_down::1::${JOB}::SOLO`, 'pan_down', 'grid'],
];

describe('the kind of job an action starts', () => {
	it('knows the kind of every button in the table', () => {
		expect(PRESSED.map(([value]) => value)).toEqual(MIDJOURNEY_BUTTONS.map((button) => button.value));
	});

	it.each(PRESSED)(
		"%s starts the same kind of job by its value, its custom_id %s and the task's action %s",
		(value, customId, taskAction, kind) => {
			expect(MIDJOURNEY_BUTTONS.find((button) => button.value === value)?.jobKind).toBe(kind);
			expect(jobKindOf(value)).toBe(kind);
			expect(jobKindOf(customId)).toBe(kind);
			expect(jobKindOf(taskAction)).toBe(kind);
		},
	);

	it('tells grids, single-image picks and redrawing upscales apart by the action', () => {
		expect(jobKindOf('imagine')).toBe('grid');
		expect(jobKindOf('variation2')).toBe('grid');
		expect(jobKindOf('MJ::JOB::reroll::0::abc::SOLO')).toBe('grid');
		expect(jobKindOf('upsample3')).toBe('single');
		expect(jobKindOf('MJ::JOB::upsample::2::abc')).toBe('single');
		expect(jobKindOf('MJ::JOB::upsample_v7_2x_subtle::1::abc::SOLO')).toBe('upscale');
		expect(jobKindOf('MJ::JOB::upsample_v5_4x::1::abc::SOLO')).toBe('upscale');
		expect(jobKindOf('upsample_v6_2x_creative')).toBe('upscale');
		expect(jobKindOf('MJ::Outpaint::50::1::abc::SOLO')).toBe('grid');
		expect(jobKindOf('MJ::JOB::pan_left::1::abc::SOLO')).toBe('grid');
		expect(jobKindOf(undefined)).toBe('grid');
	});

	it('makes a grid of any action it does not know', () => {
		expect(jobKindOf('MJ::Inpaint::1::abc::SOLO')).toBe('grid');
		expect(jobKindOf('animate_high')).toBe('grid');
		expect(jobKindOf('')).toBe('grid');
		expect(jobKindOf(null)).toBe('grid');
	});
});
