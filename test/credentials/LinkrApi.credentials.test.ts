import nock from 'nock';
import { Workflow, type INodeTypes } from 'n8n-workflow';

import { LinkrApi } from '../../credentials/LinkrApi.credentials';
import { performRequest } from '../helpers/execute-context';

const credential = new LinkrApi();
const VALID = 'lkr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

/** n8n's own expression engine, to resolve the test request's Base URL exactly as the credential tester does. */
const expressions = new Workflow({
	nodes: [{ id: 'temp', name: 'Temp-Node', type: 'temp', typeVersion: 1, position: [0, 0], parameters: {} }],
	connections: {},
	active: false,
	nodeTypes: { getByNameAndVersion: () => undefined } as unknown as INodeTypes,
}).expression;

function resolvedTestBaseUrl(baseUrl: string): unknown {
	return expressions.getParameterValue(credential.test.request.baseURL ?? '', null, 0, 0, 'Temp-Node', [], 'internal', {
		$credentials: { apiKey: VALID, baseUrl },
	});
}

type TestResult = { status: 'OK' | 'Error'; message: string };

/**
 * What n8n's credential tester does with a declarative test: resolve the request, let the credential's
 * `authenticate` add the key (a thrown error becomes the message shown), send it, match the rules.
 */
async function runCredentialTest(baseUrl: string, apiKey = VALID): Promise<TestResult> {
	const request = credential.test.request;
	let options;
	try {
		options = await credential.authenticate(
			{ apiKey, baseUrl },
			{
				baseURL: resolvedTestBaseUrl(baseUrl) as string,
				url: request.url ?? '',
				method: 'GET',
				timeout: request.timeout,
				disableFollowRedirect: request.disableFollowRedirect,
				sendCredentialsOnCrossOriginRedirect: request.sendCredentialsOnCrossOriginRedirect,
			},
		);
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	const response = (await performRequest({ ...options, returnFullResponse: true, ignoreHttpStatusErrors: true })) as {
		statusCode: number;
	};
	if (response.statusCode >= 200 && response.statusCode < 300)
		return { status: 'OK', message: 'Connection successful!' };
	return { status: 'Error', message: ruleMessageFor(response.statusCode) ?? `HTTP ${response.statusCode}` };
}

function ruleMessageFor(statusCode: number): string | undefined {
	const rule = credential.test.rules?.find(
		(candidate) => candidate.type === 'responseCode' && candidate.properties.value === statusCode,
	);
	return rule?.properties.message;
}

/** Every request that reached no interceptor, i.e. that would have left this machine. */
const unmatched: string[] = [];
const recordUnmatched = (request: { method?: string; path?: string; host?: string }) =>
	unmatched.push(`${request.method} ${request.host}${request.path}`);

beforeAll(() => {
	nock.disableNetConnect();
	nock.emitter.on('no match', recordUnmatched);
});
afterAll(() => {
	nock.emitter.removeListener('no match', recordUnmatched);
});
beforeEach(() => {
	unmatched.length = 0;
});
afterEach(() => nock.cleanAll());

describe('LinkrAPI credential', () => {
	it('the credential test never follows a redirect, so the key cannot reach another host through it', async () => {
		const harvester = nock('https://harvester.example').get('/info').reply(200, { status: 'SUCCESS', data: {} });
		nock('https://linkrapi.test').get('/api/v1/info').reply(302, '', { Location: 'https://harvester.example/info' });

		const result = await runCredentialTest('https://linkrapi.test/api/v1');

		expect(result.status).toBe('Error');
		expect(harvester.isDone()).toBe(false);
	});

	it('sends the key as a bearer token, keeping the request’s own headers', async () => {
		const options = await credential.authenticate(
			{ apiKey: VALID, baseUrl: 'https://linkrapi.test/api/v1' },
			{ url: 'https://linkrapi.test/api/v1/fetch/x', headers: { Accept: 'application/json' } },
		);

		expect(options.headers).toEqual({ Accept: 'application/json', Authorization: `Bearer ${VALID}` });
		expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions).toEqual({
			password: true,
		});
	});

	it.each([
		['https://linkrapi.test/api/v1/', 'https://linkrapi.test/api/v1'],
		['  https://linkrapi.test/api/v1//  ', 'https://linkrapi.test/api/v1'],
		['', 'https://linkrapi.com/api/v1'],
		['   ', 'https://linkrapi.com/api/v1'],
	])('the test request reads the Base URL %p as the node does: %p', (typed, resolved) => {
		expect(resolvedTestBaseUrl(typed)).toBe(resolved);
	});

	it('an empty Base URL tests the default host, as the node would use it', async () => {
		const api = nock('https://linkrapi.com').get('/api/v1/info').reply(200, { status: 'SUCCESS', data: {} });

		expect(await runCredentialTest('')).toMatchObject({ status: 'OK' });
		expect(api.isDone()).toBe(true);
	});

	it('tells a valid key (200 from /info) from an invalid one (401, with an actionable message)', async () => {
		nock('https://linkrapi.test')
			.get('/api/v1/info')
			.matchHeader('authorization', `Bearer ${VALID}`)
			.reply(200, { status: 'SUCCESS', data: { job_mode: 'fast' } })
			.get('/api/v1/info')
			.reply(401, { detail: 'Invalid API key' });

		expect(await runCredentialTest('https://linkrapi.test/api/v1/')).toMatchObject({ status: 'OK' });
		const rejected = await runCredentialTest('https://linkrapi.test/api/v1', 'lkr_wrong');
		expect(rejected.status).toBe('Error');
		expect(rejected.message).toContain('rejected the API key');
	});

	it('explains a suspended hold and a Discord outage', () => {
		expect(ruleMessageFor(403)).toContain('suspended');
		expect(ruleMessageFor(502)).toContain('key was accepted');
	});
});

describe('The credential test sends nothing over plain http to another machine', () => {
	it.each([
		'http://linkrapi.com/api/v1',
		'  http://linkrapi.com/api/v1  ',
		'http://linkrapi.com/api/v1///',
		'\thttp://LINKRAPI.com/api/v1/ ',
	])('Base URL %p: no request, and a message naming the Base URL and what to change', async (baseUrl) => {
		const plain = nock('http://linkrapi.com').get(/.*/).reply(200, { status: 'SUCCESS', data: {} });

		const result = await runCredentialTest(baseUrl);

		expect(plain.isDone()).toBe(false);
		expect(unmatched).toEqual([]);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('The Base URL http://linkrapi.com/api/v1 uses plain http://');
		expect(result.message).toContain('nothing was sent');
		expect(result.message).toContain('Base URL field of the LinkrAPI credential to https://');
		expect(result.message).not.toContain(VALID);
	});

	it.each(['http://10.0.0.7:4010/api/v1', 'http://192.168.1.20/api/v1', 'http://linkrapi-sim/api/v1'])(
		'a private or local-network address %p is another machine too',
		async (baseUrl) => {
			const result = await runCredentialTest(baseUrl);

			expect(unmatched).toEqual([]);
			expect(result.message).toContain('uses plain http://');
		},
	);

	it('a Base URL that is no http(s) URL is refused without a request', async () => {
		const result = await runCredentialTest('linkrapi.com/api/v1');

		expect(unmatched).toEqual([]);
		expect(result.message).toContain('is not an https:// URL, so the API key was not sent');
		expect(result.message).toContain('Base URL field');
	});

	it('a key pasted into the Base URL is not repeated in the message', async () => {
		const result = await runCredentialTest(`http://linkrapi.com/${VALID}`);

		expect(result.message).not.toContain(VALID);
		expect(unmatched).toEqual([]);
	});

	it.each([
		['http://127.0.0.1:4010/api/v1/', 'http://127.0.0.1:4010'],
		[' http://localhost:4010/api/v1', 'http://localhost:4010'],
		['http://[::1]:4010/api/v1', 'http://[::1]:4010'],
		['https://linkrapi.test/api/v1', 'https://linkrapi.test'],
	])('Base URL %p (this machine, or https) is still tested with the key', async (baseUrl, origin) => {
		const api = nock(origin)
			.get('/api/v1/info')
			.matchHeader('authorization', `Bearer ${VALID}`)
			.reply(200, { status: 'SUCCESS', data: {} });

		expect(await runCredentialTest(baseUrl)).toMatchObject({ status: 'OK' });
		expect(api.isDone()).toBe(true);
	});
});
