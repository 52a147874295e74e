import nock from 'nock';

import { API_HOST, API_KEY, CDN_HOST } from '../../../../helpers/execute-context';
import { completedGrid, failedTask, PNG_BYTES, runningTask, TASK_ID } from '../../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../../helpers/run-node';
import { useVirtualClock } from '../../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

const clock = useVirtualClock();
const fetchParams = (extra: Record<string, unknown> = {}) => ({
	resource: 'task',
	operation: 'fetch',
	taskId: TASK_ID,
	waitMode: 'none',
	options: {},
	...extra,
});
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);

describe('Fetch', () => {
	it('returns the task as it is now, keeping unknown fields', async () => {
		api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, { ...runningTask('processing', 45), queue_position: 2 });

		const { output } = await runNode({ params: fetchParams() });

		expect(output[0].json).toMatchObject({
			task_id: TASK_ID,
			status: 'processing',
			progress: 45,
			queue_position: 2,
		});
		expect(output[0].json.actions).toEqual([]);
	});

	it('outputs a failed task without throwing when not waiting: the status is the answer', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, failedTask('Job action restricted'));

		const { output } = await runNode({ params: fetchParams() });

		expect(output[0].json).toMatchObject({
			status: 'failed',
			error: 'Job action restricted',
		});
	});

	it('polls at once and until the task has ended when asked to wait', async () => {
		const times: number[] = [];
		api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.times(2)
			.reply(() => {
				times.push(clock.now());
				return [200, times.length === 1 ? runningTask('processing', 10) : completedGrid()];
			});

		const { output } = await runNode({
			params: fetchParams({ waitMode: 'poll', options: { pollInterval: 3 } }),
		});

		expect(output[0].json.status).toBe('completed');
		expect(times[0] - (times[1] - 3000)).toBeLessThan(50);
	});

	it('downloads the image of a completed task', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });

		const { output } = await runNode({
			params: fetchParams({ options: { downloadImage: true } }),
		});

		expect(output[0].binary?.data).toMatchObject({
			fileName: `${TASK_ID}.png`,
			mimeType: 'image/png',
		});
	});

	it('says the task was not found for this key on 404', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(404, { detail: 'Task not found' });

		const error = await runNodeError({ params: fetchParams() });

		expect(error.message).toBe(`Task ${TASK_ID} was not found for this API key`);
		expect(error.description).toContain('old tasks may expire');
	});

	it('retries a GET on 429 honouring Retry-After, then succeeds', async () => {
		const times: number[] = [];
		api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(() => {
				times.push(clock.now());
				return [429, { detail: 'Too many requests' }, { 'Retry-After': '7' }];
			})
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(() => {
				times.push(clock.now());
				return [200, completedGrid()];
			});

		const { output } = await runNode({ params: fetchParams() });

		expect(output[0].json.status).toBe('completed');
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(7000);
		expect(times[1] - times[0]).toBeLessThan(7300);
	});

	it('retries a GET on 5xx and dropped connections with back-off, and gives up after 4 retries', async () => {
		const scope = api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
				'Content-Type': 'text/html',
			})
			.get(`/api/v1/fetch/${TASK_ID}`)
			.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
			.get(`/api/v1/fetch/${TASK_ID}`)
			.times(3)
			.reply(500, { detail: 'Internal error' });

		const error = await runNodeError({ params: fetchParams() });

		expect(scope.isDone()).toBe(true);
		expect(error.message).toBe('LinkrAPI could not reach Discord/Midjourney (HTTP 500)');
		expect(error.description).toContain('LinkrAPI said: "Internal error"');
		expect(error.description).toContain(`Task ID: ${TASK_ID}`);
	});
});
