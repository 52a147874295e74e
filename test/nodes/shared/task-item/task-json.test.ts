import { nextActions, taskToJson } from '../../../../nodes/shared/task-item/task-json';

describe('next actions', () => {
	it.each([
		['MJ::JOB::upsample::3::abc', 'upsample3', 'Upscale Image 3'],
		['MJ::JOB::variation::4::abc', 'variation4', 'Vary Image 4'],
		['MJ::JOB::reroll::0::abc::SOLO', 'reroll', 'Reroll'],
		['MJ::JOB::upsample::5::abc', null, null],
		['MJ::JOB::upsample_v7_2x_subtle::1::abc::SOLO', null, 'Upscale (Subtle)'],
		['MJ::Outpaint::50::1::abc::SOLO', null, 'Zoom Out 2x'],
		['MJ::Inpaint::1::abc::SOLO', null, null],
	])('names the button %s: documented action %s, button %s', (customId, name, button) => {
		expect(nextActions([{ custom_id: customId }])).toEqual([{ name, button, label: null, custom_id: customId }]);
	});

	it('keeps label and custom_id of every button', () => {
		expect(nextActions([{ custom_id: 'MJ::Outpaint::50::1::abc', label: 'Zoom Out 2x' }])).toEqual([
			{
				name: null,
				button: 'Zoom Out 2x',
				label: 'Zoom Out 2x',
				custom_id: 'MJ::Outpaint::50::1::abc',
			},
		]);
		expect(nextActions(null)).toEqual([]);
	});

	it('outputs documented fields always, in order, and keeps extra fields', () => {
		const json = taskToJson({
			task_id: 't1',
			status: 'queued',
			state: 'queued',
			cdn_url: 'c.png',
		});
		expect(Object.keys(json)).toEqual([
			'task_id',
			'action',
			'status',
			'progress',
			'prompt',
			'image_url',
			'actions',
			'error',
			'created_at',
			'cdn_url',
		]);
	});
});
