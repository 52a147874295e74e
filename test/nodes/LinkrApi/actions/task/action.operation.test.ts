import nock from 'nock';

import { API_HOST, API_KEY } from '../../../../helpers/execute-context';
import { completedGrid, submitted, TASK_ID, UPSCALE_TASK_ID } from '../../../../helpers/fixtures';
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
