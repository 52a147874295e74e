import nock from 'nock';

import { LinkrApi } from '../../credentials/LinkrApi.credentials';
import { performRequest } from '../helpers/execute-context';

const credential = new LinkrApi();
const VALID = 'lkr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

/** Resolves the credential's own test request the way n8n's credential tester does for this simple case. */
function testRequest(baseUrl: string, apiKey: string) {
	const request = credential.test.request;
	const resolvedBase = baseUrl.replace(/\/+$/, '');
	return performRequest({
		url: `${resolvedBase}${request.url}`,
		method: 'GET',
		timeout: request.timeout,
		headers: { Authorization: `Bearer ${apiKey}` },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: request.disableFollowRedirect,
		sendCredentialsOnCrossOriginRedirect: request.sendCredentialsOnCrossOriginRedirect,
	}) as Promise<{ statusCode: number }>;
}

function ruleMessageFor(statusCode: number): string | undefined {
	const rule = credential.test.rules?.find(
		(candidate) => candidate.type === 'responseCode' && candidate.properties.value === statusCode,
	);
	return rule?.properties.message;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('LinkrAPI credential', () => {
	it('the credential test never follows a redirect, so the key cannot reach another host through it', async () => {
		const harvester = nock('https://harvester.example').get('/info').reply(200, { status: 'SUCCESS', data: {} });
		nock('https://linkrapi.test').get('/api/v1/info').reply(302, '', { Location: 'https://harvester.example/info' });

		const response = await testRequest('https://linkrapi.test/api/v1', VALID);

		expect(response.statusCode).toBe(302);
		expect(harvester.isDone()).toBe(false);
	});

	it('sends the key as a bearer token through n8n’s generic authentication', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: {
				headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
			},
		});
		expect(credential.properties.find((p) => p.name === 'apiKey')?.typeOptions).toEqual({
			password: true,
		});
	});

	it('defaults the base URL to the documented host and lets the test request strip a trailing slash', () => {
		expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe('https://linkrapi.com/api/v1');
		expect(credential.test.request.baseURL).toBe('={{$credentials.baseUrl.replace(/\\/+$/, "")}}');
	});

	it('tells a valid key (200 from /info) from an invalid one (401, with an actionable message)', async () => {
		nock('https://linkrapi.test')
			.get('/api/v1/info')
			.matchHeader('authorization', `Bearer ${VALID}`)
			.reply(200, { status: 'SUCCESS', data: { job_mode: 'fast' } })
			.get('/api/v1/info')
			.reply(401, { detail: 'Invalid API key' });

		expect((await testRequest('https://linkrapi.test/api/v1/', VALID)).statusCode).toBe(200);
		const rejected = await testRequest('https://linkrapi.test/api/v1', 'lkr_wrong');
		expect(rejected.statusCode).toBe(401);
		expect(ruleMessageFor(rejected.statusCode)).toContain('rejected the API key');
	});

	it('explains a suspended hold and a Discord outage', () => {
		expect(ruleMessageFor(403)).toContain('suspended');
		expect(ruleMessageFor(502)).toContain('key was accepted');
	});
});
