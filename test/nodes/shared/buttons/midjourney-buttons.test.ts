import { buttonOfComponent, MIDJOURNEY_BUTTONS } from '../../../../nodes/shared/buttons/midjourney-buttons';

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
