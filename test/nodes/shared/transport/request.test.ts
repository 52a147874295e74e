import nock from 'nock';
import { API_HOST, API_KEY, BASE_URL, redirectsFollowed } from '../../../helpers/execute-context';
import { imagineParameters, submitted, TASK_ID } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();

const HARVESTER = 'https://harvester.example';
const fetchParams = { resource: 'task', operation: 'fetch', taskId: TASK_ID, waitMode: 'none', options: {} };

beforeEach(() => {
	redirectsFollowed.length = 0;
	nock.cleanAll();
	nock.disableNetConnect();
});

describe('Requests that carry the key never follow a redirect', () => {
	it.each([301, 302, 303, 307, 308])(
		'a %i from the Base URL to another origin is an error naming where it pointed, and the key never goes there',
		async (status) => {
			const harvester = nock(HARVESTER).post('/steal').reply(200, submitted()).get('/steal').reply(200, submitted());
			const api = nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(status, '', { Location: `${HARVESTER}/steal?x=1` });

			const error = await runNodeError({ params: imagineParameters({ waitMode: 'none' }) });

			expect(api.isDone()).toBe(true);
			expect(harvester.pendingMocks()).toHaveLength(2);
			expect(redirectsFollowed).toEqual([]);
			expect(error.message).toBe(`LinkrAPI redirected the request to https://harvester.example (HTTP ${status})`);
			expect(error.description).toContain('POST /imagine');
			expect(error.description).toContain('was not followed');
			expect(JSON.stringify(error)).not.toContain(API_KEY);
		},
	);

	it('a redirect to the same origin is refused too (and names the path), so an http:// downgrade can never happen', async () => {
		nock(API_HOST).get(`/api/v1/fetch/${TASK_ID}`).reply(302, '', { Location: 'http://linkrapi.test/api/v1/other' });

		const error = await runNodeError({ params: fetchParams });

		expect(error.message).toBe('LinkrAPI redirected the request to http://linkrapi.test (HTTP 302)');
		expect(error.context?.task_id).toBe(TASK_ID);
		expect(redirectsFollowed).toEqual([]);
	});

	it('a GET that is redirected is not retried (a redirect is no transient failure)', async () => {
		const api = nock(API_HOST)
			.get(`/api/v1/fetch/${TASK_ID}`)
			.times(2)
			.reply(307, '', { Location: `${HARVESTER}/x` });

		await runNodeError({ params: fetchParams });

		expect(api.pendingMocks()).toHaveLength(1);
	});

	it('a Location that cannot be read is reported as a redirect without a target', async () => {
		nock(API_HOST).post('/api/v1/imagine').reply(302, '', { Location: 'http://[broken' });

		const error = await runNodeError({ params: imagineParameters({ waitMode: 'none' }) });

		expect(error.message).toBe('LinkrAPI answered with a redirect (HTTP 302) without saying where to');
	});

	it('a 3xx without Location is an error as well', async () => {
		nock(API_HOST).post('/api/v1/imagine').reply(304, '');

		const error = await runNodeError({ params: imagineParameters({ waitMode: 'none' }) });

		expect(error.message).toBe('LinkrAPI answered with a redirect (HTTP 304) without saying where to');
	});

	it('asks n8n not to follow redirects and never to resend the credential to another origin', async () => {
		nock(API_HOST).post('/api/v1/imagine').reply(200, submitted());
		const { fake } = await runNode({ params: imagineParameters({ waitMode: 'none' }) });

		expect(fake.authenticatedOptions[0]).toMatchObject({
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		});
	});
});

describe('Base URL', () => {
	it.each(['http://linkrapi.com/api/v1', 'http://10.0.0.5/api/v1', 'HTTP://proxy.example:8080/api'])(
		'%s (plain http to a non-loopback host) is refused before any request, saying why',
		async (baseUrl) => {
			const error = await runNodeError({
				params: imagineParameters({ waitMode: 'none' }),
				credentials: { apiKey: API_KEY, baseUrl },
			});

			expect(error.message).toBe('The Base URL must use https:// unless it points to this machine');
			expect(error.description).toContain('API key');
			expect(error.description).toContain('127.0.0.1');
		},
	);

	it.each(['ftp://linkrapi.com/api/v1', 'not a url'])('%s is refused as not an http(s) URL', async (baseUrl) => {
		const error = await runNodeError({
			params: imagineParameters({ waitMode: 'none' }),
			credentials: { apiKey: API_KEY, baseUrl },
		});

		expect(error.message).toBe('The Base URL in the LinkrAPI credential is not an https:// URL');
	});

	it.each(['http://127.0.0.1:4010/api/v1', 'http://localhost:4010/api/v1', 'http://[::1]:4010/api/v1'])(
		'%s (loopback, e.g. the simulator) may use plain http',
		async (baseUrl) => {
			const origin = new URL(baseUrl).origin;
			const api = nock(origin).post('/api/v1/imagine').reply(200, submitted());

			const { output } = await runNode({
				params: imagineParameters({ waitMode: 'none' }),
				credentials: { apiKey: API_KEY, baseUrl },
			});

			expect(api.isDone()).toBe(true);
			expect(output[0].json.task_id).toBe(TASK_ID);
		},
	);

	it('the default https Base URL works unchanged', async () => {
		const api = nock(API_HOST).post('/api/v1/imagine').reply(200, submitted());
		await runNode({
			params: imagineParameters({ waitMode: 'none' }),
			credentials: { apiKey: API_KEY, baseUrl: BASE_URL },
		});
		expect(api.isDone()).toBe(true);
	});
});
