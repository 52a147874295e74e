import {
	parseAccountInfo,
	parseSubmitResponse,
	parseTask,
	toObject,
} from '../../../../nodes/shared/transport/response-guards';

describe('response guards', () => {
	it('parses a JSON body that arrived as text', () => {
		expect(toObject('{"task_id":"t1"}')).toEqual({ task_id: 't1' });
		expect(toObject('<html>')).toBeUndefined();
		expect(toObject('[1,2]')).toBeUndefined();
	});

	it('requires a task_id in a submit answer', () => {
		expect(parseSubmitResponse({ status: 'SUCCESS', task_id: 't1', message: 'ok' }).task_id).toBe('t1');
		expect(() => parseSubmitResponse({ status: 'SUCCESS' })).toThrow('returned no task_id');
		expect(() => parseSubmitResponse('OK')).toThrow('not a JSON object');
	});

	it('reads a task leniently: odd types are normalised, unknown fields kept', () => {
		const task = parseTask({
			task_id: 't1',
			status: '',
			progress: '45',
			image_url: 5,
			components: [{ custom_id: 'MJ::JOB::upsample::1::x', label: 'U1' }, { label: 'no id' }, 'junk'],
			images: ['a.png', 3],
			grid_url: 'g.png',
		});
		expect(task).toMatchObject({
			task_id: 't1',
			status: 'unknown',
			progress: 45,
			image_url: null,
			error: null,
			components: [{ custom_id: 'MJ::JOB::upsample::1::x', label: 'U1' }],
			images: ['a.png'],
			grid_url: 'g.png',
		});
	});

	it('opens buttons nested in Discord action rows', () => {
		const task = parseTask({
			task_id: 't1',
			status: 'completed',
			components: [
				{ type: 1, components: [{ type: 2, custom_id: 'MJ::Outpaint::50::1::x::SOLO', label: 'Zoom Out 2x' }] },
				{
					type: 1,
					components: [
						{ type: 2, custom_id: 'MJ::JOB::pan_left::1::x::SOLO' },
						{ type: 2, url: 'https://x' },
					],
				},
			],
		});
		expect(task.components?.map((component) => component.custom_id)).toEqual([
			'MJ::Outpaint::50::1::x::SOLO',
			'MJ::JOB::pan_left::1::x::SOLO',
		]);
	});

	it('keeps a null progress as null and a missing components list as null', () => {
		const task = parseTask({ task_id: 't1', status: 'queued', progress: null });
		expect(task.progress).toBeNull();
		expect(task.components).toBeNull();
	});

	it('rejects a task without task_id', () => {
		expect(() => parseTask({ status: 'completed' })).toThrow('without task_id');
	});

	it('turns every account info value into a string', () => {
		expect(
			parseAccountInfo({
				status: 'SUCCESS',
				data: { running_jobs: 2, job_mode: 'fast', gone: null },
			}).data,
		).toEqual({
			running_jobs: '2',
			job_mode: 'fast',
		});
	});
});
