import nock from 'nock';

import { LinkrApiHoldPoolApi } from '../../credentials/LinkrApiHoldPoolApi.credentials';
import { HOLD_HEADER } from '../../nodes/shared/transport';
import { performRequest } from '../helpers/execute-context';

const credential = new LinkrApiHoldPoolApi();
const KEY_A = 'lkr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'lkr_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const API = 'https://linkrapi.test';
const pool = (baseUrl = `${API}/api/v1`) => ({
	holds: {
		hold: [
			{ name: 'fast', apiKey: KEY_A, jobsAtOnce: 3 },
			{ name: 'relax', apiKey: KEY_B, jobsAtOnce: 3 },
		],
	},
	baseUrl,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('LinkrAPI Hold Pool credential', () => {
	it('puts the key of the hold the request names into Authorization, and the hold header never leaves n8n', async () => {
		const options = await credential.authenticate(pool(), {
			url: `${API}/api/v1/fetch/t1`,
			headers: { [HOLD_HEADER]: 'relax', accept: 'application/json' },
		});
		expect(options.headers).toEqual({ accept: 'application/json', Authorization: `Bearer ${KEY_B}` });

		nock(API, { badheaders: [HOLD_HEADER] })
			.matchHeader('authorization', `Bearer ${KEY_B}`)
			.get('/api/v1/fetch/t1')
			.reply(200, { task_id: 't1' });
		await expect(performRequest({ ...options, json: true })).resolves.toEqual({ task_id: 't1' });
	});

	it('uses the first hold for a request that names none (the credential test, an HTTP Request node)', async () => {
		const options = await credential.authenticate(pool(), { url: `${API}/api/v1/info` });
		expect(options.headers).toEqual({ Authorization: `Bearer ${KEY_A}` });
	});

	it('refuses a request for a hold the pool does not have, and a pool that is not valid, before anything is sent', async () => {
		await expect(
			credential.authenticate(pool(), { url: `${API}/api/v1/info`, headers: { [HOLD_HEADER]: 'gone' } }),
		).rejects.toThrow('The hold pool has no hold named "gone"');
		await expect(
			credential.authenticate({ holds: { hold: [{ name: 'a', apiKey: 'nope' }] } }, { url: `${API}/api/v1/info` }),
		).rejects.toThrow('The API Key of Hold "a" does not start with lkr_');
	});

	it('never puts a key on plain http to another machine, and says which Base URL to change', async () => {
		const error = await credential
			.authenticate(pool('http://linkrapi.com/api/v1'), { url: 'http://linkrapi.com/api/v1/info' })
			.then(
				() => undefined,
				(thrown: Error) => thrown,
			);
		expect(error?.message).toContain('The Base URL http://linkrapi.com/api/v1 uses plain http://');
		expect(error?.message).not.toContain(KEY_A);
	});

	it('keeps every key in a password field', () => {
		const holds = credential.properties.find((property) => property.name === 'holds');
		const values = (holds?.options?.[0] as { values: Array<{ name: string; typeOptions?: { password?: boolean } }> })
			.values;
		expect(values.find((value) => value.name === 'apiKey')?.typeOptions?.password).toBe(true);
	});
});
