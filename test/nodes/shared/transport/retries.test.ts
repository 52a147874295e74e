import nock from 'nock';
import {
	backoffDelay,
	isRetryableNetworkError,
	isRetryableStatus,
	maxRetries,
	parseRetryAfter,
} from '../../../../nodes/shared/transport/retries';
import { API_HOST } from '../../../helpers/execute-context';
import { imagineParameters, submitted } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();

describe('retry policy', () => {
	it('retries reads on 429 and 5xx, calls with side effects only on 429', () => {
		expect(isRetryableStatus('idempotent', 429)).toBe(true);
		expect(isRetryableStatus('idempotent', 503)).toBe(true);
		expect(isRetryableStatus('idempotent', 404)).toBe(false);
		expect(isRetryableStatus('sideEffect', 429)).toBe(true);
		expect(isRetryableStatus('sideEffect', 502)).toBe(false);
	});

	it('retries a call with side effects only when the request surely never arrived', () => {
		expect(isRetryableNetworkError('idempotent', 'ECONNRESET')).toBe(true);
		expect(isRetryableNetworkError('sideEffect', 'ECONNREFUSED')).toBe(true);
		expect(isRetryableNetworkError('sideEffect', 'ECONNRESET')).toBe(false);
		expect(isRetryableNetworkError('sideEffect', 'ETIMEDOUT')).toBe(false);
		expect(isRetryableNetworkError('sideEffect', undefined)).toBe(false);
		expect(maxRetries('idempotent')).toBeGreaterThan(maxRetries('sideEffect'));
	});

	it('reads Retry-After as seconds or an HTTP date, capped at a minute', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter(['2'], now)).toBe(2000);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
		expect(parseRetryAfter('3600', now)).toBe(60000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});

	it('backs off exponentially with jitter, capped, and follows Retry-After when given', () => {
		expect(backoffDelay(0, undefined, () => 0)).toBe(750);
		expect(backoffDelay(0, undefined, () => 1)).toBe(1250);
		expect(backoffDelay(2, undefined, () => 0.5)).toBe(4000);
		expect(backoffDelay(10, undefined, () => 0.5)).toBe(30000);
		expect(backoffDelay(3, 1500)).toBe(1500);
	});
});

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
