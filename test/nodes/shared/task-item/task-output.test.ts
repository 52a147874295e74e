import { actionNameFor, nextActions, taskToJson } from '../../../../nodes/shared/task-item/task-output';

describe('next actions', () => {
	it.each([
		['MJ::JOB::upsample::3::abc', 'upsample3'],
		['MJ::JOB::variation::4::abc', 'variation4'],
		['MJ::JOB::reroll::0::abc::SOLO', 'reroll'],
		['MJ::JOB::upsample::5::abc', null],
		['MJ::JOB::upsample_v7_2x_subtle::1::abc::SOLO', null],
		['MJ::Outpaint::50::1::abc', null],
	])('maps %s to %s', (customId, name) => {
		expect(actionNameFor(customId)).toBe(name);
	});

	it('keeps label and custom_id of every button', () => {
		expect(nextActions([{ custom_id: 'MJ::Outpaint::50::1::abc', label: 'Zoom Out 2x' }])).toEqual([
			{
				name: null,
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
