import nock from 'nock';

import { API_HOST } from '../../../helpers/execute-context';
import { imagineParameters, submitted } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

const clock = useVirtualClock();
const imagineNoWait = imagineParameters({ waitMode: 'none' });

describe('retries of calls that start a job', () => {
	it('retries a submit answered 429, as no task was created', async () => {
		const scope = nock(API_HOST)
			.post('/api/v1/imagine')
			.reply(429, { detail: 'slow down' }, { 'Retry-After': '2' })
			.post('/api/v1/imagine')
			.reply(200, submitted());

		const { output } = await runNode({ params: imagineNoWait });

		expect(scope.isDone()).toBe(true);
		expect(output[0].json.task_id).toBe(submitted().task_id);
	});

	it('retries a submit whose connection was refused', async () => {
		const scope = nock(API_HOST)
			.post('/api/v1/imagine')
			.replyWithError(
				Object.assign(new Error('connect ECONNREFUSED'), {
					code: 'ECONNREFUSED',
				}),
			)
			.post('/api/v1/imagine')
			.reply(200, submitted());

		await runNode({ params: imagineNoWait });

		expect(scope.isDone()).toBe(true);
	});

	it('never repeats a submit after a 500: the job may already be running', async () => {
		const scope = nock(API_HOST).post('/api/v1/imagine').reply(500, { detail: 'boom' });
		const extra = nock(API_HOST).post('/api/v1/imagine').reply(200, submitted());

		const error = await runNodeError({ params: imagineNoWait });

		expect(scope.isDone()).toBe(true);
		expect(extra.isDone()).toBe(false);
		expect(error.message).toBe('LinkrAPI could not reach Discord/Midjourney (HTTP 500)');
	});

	it('never repeats a submit after a dropped connection', async () => {
		nock(API_HOST)
			.post('/api/v1/imagine')
			.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const extra = nock(API_HOST).post('/api/v1/imagine').reply(200, submitted());

		const error = await runNodeError({ params: imagineNoWait });

		expect(extra.isDone()).toBe(false);
		expect(error.message).toBe('The connection to LinkrAPI was dropped');
		expect(error.description).toContain('POST /imagine failed (ECONNRESET)');
	});

	it('gives up on 429 after two retries', async () => {
		const scope = nock(API_HOST).post('/api/v1/imagine').times(3).reply(429, 'Too Many Requests');

		const error = await runNodeError({ params: imagineNoWait });

		expect(scope.isDone()).toBe(true);
		expect(error.message).toBe('LinkrAPI rate limit reached');
		expect(error.description).toContain('Max Requests per Second');
	});
});

describe('request budget', () => {
	it('lets no more than Max Requests per Second requests of one credential arrive within any second', async () => {
		const arrivals: number[] = [];
		nock(API_HOST)
			.persist()
			.post('/api/v1/imagine')
			.reply(() => {
				arrivals.push(clock.now());
				return [200, submitted()];
			});

		await runNode({
			params: { ...imagineNoWait, options: { maxRequestsPerSecond: 2 } },
			items: 7,
		});

		expect(arrivals).toHaveLength(7);
		// The budget's promise: request n + 2 starts a full second after request n was answered, so after it arrived.
		for (let n = 0; n + 2 < arrivals.length; n++) {
			expect(arrivals[n + 2] - arrivals[n]).toBeGreaterThanOrEqual(1000);
		}
	});
});
