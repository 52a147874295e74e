import nock from 'nock';

import { API_HOST, API_KEY } from '../../../../helpers/execute-context';
import {
	completedGrid,
	completedUpscale,
	failedTask,
	runningTask,
	submitted,
	TASK_ID,
	UPSCALE_TASK_ID,
	upscaledImageButtons,
} from '../../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../../helpers/run-node';
import { useVirtualClock } from '../../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

useVirtualClock();
const action = (extra: Record<string, unknown> = {}) => ({
	resource: 'task',
	operation: 'action',
	taskId: TASK_ID,
	action: 'upsample2',
	customId: '',
	callbackUrl: '',
	waitMode: 'poll',
	options: {},
	...extra,
});
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);
const upscaled = {
	...completedGrid(UPSCALE_TASK_ID),
	action: 'upsample2',
	images: undefined,
	components: [],
};

describe('Action', () => {
	it.each(['upsample1', 'upsample4', 'variation3', 'reroll'])(
		'sends the documented action name %s and waits for the new task',
		async (name) => {
			const scope = api()
				.post('/api/v1/action', { task_id: TASK_ID, action: name })
				.reply(200, submitted(UPSCALE_TASK_ID))
				.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
				.reply(200, { ...upscaled, action: name });

			const { output } = await runNode({ params: action({ action: name }) });

			expect(scope.isDone()).toBe(true);
			expect(output[0].json).toMatchObject({
				task_id: UPSCALE_TASK_ID,
				action: name,
				status: 'completed',
			});
		},
	);

	it('sends a raw custom_id, trimmed, when the action is Custom', async () => {
		const customId = `MJ::JOB::upsample::1::${TASK_ID}`;
		const scope = api()
			.post('/api/v1/action', {
				task_id: TASK_ID,
				action: customId,
				webhook_url: 'https://hooks.example.com/x',
			})
			.reply(200, submitted(UPSCALE_TASK_ID));

		const { output } = await runNode({
			params: action({
				action: 'custom',
				customId: ` ${customId} `,
				callbackUrl: 'https://hooks.example.com/x',
				waitMode: 'none',
			}),
		});

		expect(scope.isDone()).toBe(true);
		expect(output[0].json).toMatchObject({
			task_id: UPSCALE_TASK_ID,
			action: customId,
			status: 'submitted',
			source_task_id: TASK_ID,
		});
	});

	it('rejects an empty Custom ID before any request', async () => {
		const error = await runNodeError({
			params: action({ action: 'custom', customId: '' }),
		});
		expect(error.message).toBe('The "Custom ID" field is empty');
	});

	it('rejects an empty Task ID before any request', async () => {
		const error = await runNodeError({ params: action({ taskId: ' ' }) });
		expect(error.message).toBe('The "Task ID" field is empty');
	});

	it('shows the API’s detail for a 400 and names the source task', async () => {
		api().post('/api/v1/action').reply(400, { detail: 'Action not found in task components' });

		const error = await runNodeError({ params: action() });

		expect(error.message).toBe('Action not found in task components');
		expect(error.description).toContain('POST /action answered HTTP 400');
		expect(error.description).toContain(`Task ID: ${TASK_ID}`);
	});

	it('explains a 404 for the source task', async () => {
		api().post('/api/v1/action').reply(404, { detail: 'Task not found' });

		const error = await runNodeError({ params: action() });

		expect(error.message).toBe(`Task ${TASK_ID} was not found for this API key`);
	});
});

const NEXT_TASK_ID = 'c0ffee00-0000-4000-8000-000000000003';
const pressOn = (source: string, extra: Record<string, unknown> = {}) => action({ taskId: source, ...extra });

describe('Action: Midjourney buttons by name', () => {
	it.each([
		['upscale_subtle', 'Upscale (Subtle)', 'JOB::upsample_v7_2x_subtle'],
		['upscale_creative', 'Upscale (Creative)', 'JOB::upsample_v7_2x_creative'],
		['vary_subtle', 'Vary (Subtle)', 'JOB::low_variation'],
		['vary_strong', 'Vary (Strong)', 'JOB::high_variation'],
		['zoom_out_2x', 'Zoom Out 2x', 'Outpaint::50'],
		['zoom_out_1_5x', 'Zoom Out 1.5x', 'Outpaint::75'],
		['make_square', 'Make Square', 'Outpaint::100'],
		['pan_left', 'Pan Left', 'JOB::pan_left'],
		['pan_right', 'Pan Right', 'JOB::pan_right'],
		['pan_up', 'Pan Up', 'JOB::pan_up'],
		['pan_down', 'Pan Down', 'JOB::pan_down'],
	])('%s reads the task once, sends the custom_id of its %s button and waits', async (value, name, kind) => {
		const customId = `MJ::${kind}::1::${UPSCALE_TASK_ID}::SOLO`;
		const scope = api()
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale())
			.post('/api/v1/action', { task_id: UPSCALE_TASK_ID, action: customId })
			.reply(200, submitted(NEXT_TASK_ID))
			.get(`/api/v1/fetch/${NEXT_TASK_ID}`)
			.reply(200, { ...completedGrid(NEXT_TASK_ID), action: 'outpaint_50' });

		const { output } = await runNode({ params: pressOn(UPSCALE_TASK_ID, { action: value }) });

		expect(scope.isDone()).toBe(true);
		expect(output[0].json).toMatchObject({
			task_id: NEXT_TASK_ID,
			status: 'completed',
			source_task_id: UPSCALE_TASK_ID,
			custom_id: customId,
			button: name,
		});
	});

	it('finds Upscale (Subtle) under its Midjourney 6 custom_id too', async () => {
		const v6 = completedUpscale(UPSCALE_TASK_ID, [
			{ custom_id: `MJ::JOB::upsample_v6_2x_subtle::1::${UPSCALE_TASK_ID}::SOLO`, label: 'Upscale (Subtle)' },
		]);
		const scope = api()
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, v6)
			.post('/api/v1/action', { task_id: UPSCALE_TASK_ID, action: v6.components[0].custom_id })
			.reply(200, submitted(NEXT_TASK_ID));

		await runNode({ params: pressOn(UPSCALE_TASK_ID, { action: 'upscale_subtle', waitMode: 'none' }) });

		expect(scope.isDone()).toBe(true);
	});

	it('outputs the source task, the custom_id sent and the button with Don’t Wait', async () => {
		const customId = `MJ::Outpaint::50::1::${UPSCALE_TASK_ID}::SOLO`;
		api()
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale())
			.post('/api/v1/action', { task_id: UPSCALE_TASK_ID, action: customId })
			.reply(200, submitted(NEXT_TASK_ID));

		const { output } = await runNode({
			params: pressOn(UPSCALE_TASK_ID, { action: 'zoom_out_2x', waitMode: 'none' }),
		});

		expect(output[0].json).toMatchObject({
			task_id: NEXT_TASK_ID,
			status: 'submitted',
			action: customId,
			source_task_id: UPSCALE_TASK_ID,
			custom_id: customId,
			button: 'Zoom Out 2x',
		});
	});

	it('sends a documented name without reading the task, and outputs the source task', async () => {
		const scope = api()
			.post('/api/v1/action', { task_id: TASK_ID, action: 'upsample2' })
			.reply(200, submitted(UPSCALE_TASK_ID))
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale());

		const { output } = await runNode({ params: action() });

		expect(scope.isDone()).toBe(true);
		expect(output[0].json).toMatchObject({ task_id: UPSCALE_TASK_ID, source_task_id: TASK_ID });
		expect(output[0].json).not.toHaveProperty('button');
	});

	it('names the buttons of the new task in its actions', async () => {
		api()
			.post('/api/v1/action', { task_id: TASK_ID, action: 'upsample2' })
			.reply(200, submitted(UPSCALE_TASK_ID))
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale());

		const { output } = await runNode({ params: action() });

		const buttons = (output[0].json.actions as Array<{ button: string | null }>).map((entry) => entry.button);
		expect(buttons).toEqual([
			'Upscale (Subtle)',
			'Upscale (Creative)',
			'Vary (Subtle)',
			'Vary (Strong)',
			null,
			'Zoom Out 2x',
			'Zoom Out 1.5x',
			null,
			'Make Square',
			'Pan Left',
			'Pan Right',
			'Pan Up',
			'Pan Down',
		]);
	});

	it('refuses Zoom Out on a grid, lists the grid’s buttons and says to upscale first', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		const error = await runNodeError({ params: pressOn(TASK_ID, { action: 'zoom_out_2x' }) });

		expect(error.message).toBe(`Task ${TASK_ID} has no "Zoom Out 2x" button`);
		expect(error.description).toContain('Its buttons: Upscale Image 1, 2, Vary Image 1, Reroll.');
		expect(error.description).toContain('upscale one of its images first (Action "Upscale Image 1"');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('refuses Upscale (Subtle) on a Midjourney 5 image and lists the buttons it has', async () => {
		const v5 = completedUpscale(UPSCALE_TASK_ID, [
			{ custom_id: `MJ::JOB::upsample_v5_2x::1::${UPSCALE_TASK_ID}::SOLO`, label: 'Upscale (2x)' },
			{ custom_id: `MJ::JOB::upsample_v5_4x::1::${UPSCALE_TASK_ID}::SOLO`, label: 'Upscale (4x)' },
			{ custom_id: `MJ::JOB::high_variation::1::${UPSCALE_TASK_ID}::SOLO`, label: 'Vary (Strong)' },
			{ custom_id: `MJ::Inpaint::1::${UPSCALE_TASK_ID}::SOLO`, label: 'Vary (Region)' },
			{ custom_id: `MJ::JOB::pan_left::1::${UPSCALE_TASK_ID}::SOLO`, label: '', emoji: { name: '⬅️' } },
		]);
		api().get(`/api/v1/fetch/${UPSCALE_TASK_ID}`).reply(200, v5);

		const error = await runNodeError({ params: pressOn(UPSCALE_TASK_ID, { action: 'upscale_subtle' }) });

		expect(error.message).toBe(`Task ${UPSCALE_TASK_ID} has no "Upscale (Subtle)" button`);
		expect(error.description).toContain(
			'Its buttons: Upscale (2x), Upscale (4x), Vary (Strong), Pan Left; others "Vary (Region)".',
		);
		expect(error.description).toContain('Midjourney shows Upscale (Subtle) only on images of Midjourney 6 and later.');
	});

	it('refuses Make Square on a square image', async () => {
		api()
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale(UPSCALE_TASK_ID, upscaledImageButtons(UPSCALE_TASK_ID)));

		const error = await runNodeError({ params: pressOn(UPSCALE_TASK_ID, { action: 'make_square' }) });

		expect(error.description).toContain('Midjourney shows Make Square only on images that are not square.');
	});

	it('says a task that has not completed has no buttons yet, and how to wait for it', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('processing', 40));

		const error = await runNodeError({ params: pressOn(TASK_ID, { action: 'pan_left' }) });

		expect(error.message).toBe(`Task ${TASK_ID} has no buttons yet: its status is processing`);
		expect(error.description).toContain('Poll Until Finished');
	});

	it('says a failed task has no buttons', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, failedTask('Job failed'));

		const error = await runNodeError({ params: pressOn(TASK_ID, { action: 'vary_strong' }) });

		expect(error.message).toBe(
			`Task ${TASK_ID} did not complete (status: failed), so it has no "Vary (Strong)" button`,
		);
	});

	it('names the source task when LinkrAPI does not know it', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(404, { detail: 'Task not found' });

		const error = await runNodeError({ params: pressOn(TASK_ID, { action: 'zoom_out_1_5x' }) });

		expect(error.message).toBe(`Task ${TASK_ID} was not found for this API key`);
	});

	it('with Continue On Fail, a missing button fails its item only', async () => {
		const customId = `MJ::JOB::pan_up::1::${UPSCALE_TASK_ID}::SOLO`;
		api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, completedGrid())
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale())
			.post('/api/v1/action', { task_id: UPSCALE_TASK_ID, action: customId })
			.reply(200, submitted(NEXT_TASK_ID));

		const { output } = await runNode({
			params: [
				pressOn(TASK_ID, { action: 'pan_up', waitMode: 'none' }),
				pressOn(UPSCALE_TASK_ID, { action: 'pan_up', waitMode: 'none' }),
			],
			continueOnFail: true,
		});

		expect(output[0].json.error).toBe(`Task ${TASK_ID} has no "Pan Up" button`);
		expect(output[1].json).toMatchObject({ task_id: NEXT_TASK_ID, button: 'Pan Up' });
	});
});

describe('Action: the Action field from an expression or an AI agent', () => {
	it.each([
		['Zoom Out 2x', `MJ::Outpaint::50::1::${UPSCALE_TASK_ID}::SOLO`],
		['zoom out 2x', `MJ::Outpaint::50::1::${UPSCALE_TASK_ID}::SOLO`],
		['ZOOM_OUT_1_5X', `MJ::Outpaint::75::1::${UPSCALE_TASK_ID}::SOLO`],
		['upscale (creative)', `MJ::JOB::upsample_v7_2x_creative::1::${UPSCALE_TASK_ID}::SOLO`],
		['pan left', `MJ::JOB::pan_left::1::${UPSCALE_TASK_ID}::SOLO`],
	])('takes the button name %j', async (spelling, customId) => {
		const scope = api()
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale())
			.post('/api/v1/action', { task_id: UPSCALE_TASK_ID, action: customId })
			.reply(200, submitted(NEXT_TASK_ID));

		await runNode({ params: pressOn(UPSCALE_TASK_ID, { action: spelling, waitMode: 'none' }) });

		expect(scope.isDone()).toBe(true);
	});

	it.each([
		['U2', 'upsample2'],
		['Upscale Image 3', 'upsample3'],
		['v4', 'variation4'],
		['Reroll', 'reroll'],
	])('sends %j as the documented name %s, without reading the task', async (spelling, name) => {
		const scope = api()
			.post('/api/v1/action', { task_id: TASK_ID, action: name })
			.reply(200, submitted(UPSCALE_TASK_ID));

		await runNode({ params: action({ action: spelling, waitMode: 'none' }) });

		expect(scope.isDone()).toBe(true);
	});

	it('sends a raw custom_id in the Action field as it is', async () => {
		const customId = `MJ::CustomZoom::${TASK_ID}`;
		const scope = api()
			.post('/api/v1/action', { task_id: TASK_ID, action: customId })
			.reply(200, submitted(UPSCALE_TASK_ID));

		const { output } = await runNode({ params: action({ action: customId, waitMode: 'none' }) });

		expect(scope.isDone()).toBe(true);
		expect(output[0].json).toMatchObject({ custom_id: customId, source_task_id: TASK_ID });
	});

	it('refuses an unknown button before any request, naming the field and listing the buttons', async () => {
		const error = await runNodeError({ params: action({ action: 'zoom in' }) });

		expect(error.message).toBe('The "Action" field holds "zoom in", which is not a Midjourney button the node knows');
		expect(error.description).toContain('Zoom Out 2x (zoom_out_2x)');
		expect(error.description).toContain('Upscale Image 1 (upsample1)');
		expect(error.description).toContain('Custom (Raw Custom ID)');
	});
});
