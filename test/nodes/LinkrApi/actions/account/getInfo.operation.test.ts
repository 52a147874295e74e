import nock from 'nock';

import { API_HOST, API_KEY } from '../../../../helpers/execute-context';
import { runNode, runNodeError } from '../../../../helpers/run-node';

const params = { resource: 'account', operation: 'getInfo' };
const info = {
	status: 'SUCCESS',
	data: {
		user_id: '123456789012345678',
		subscription: 'Standard',
		job_mode: 'fast',
		visibility_mode: 'public',
		fast_time_remaining: '2:45:30',
		lifetime_usage: '1234',
		fast_usage: '567',
		turbo_usage: '12',
		relaxed_usage: '890',
		queued_jobs_fast: '0',
		queued_jobs_relax: '1',
		running_jobs: '2',
	},
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('Get Account Info', () => {
	it('keeps the API’s strings and adds parsed numbers', async () => {
		nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`).get('/api/v1/info').reply(200, info);

		const { output } = await runNode({ params });

		expect(output[0].json.data).toEqual(info.data);
		expect(output[0].json.parsed).toEqual({
			fast_time_remaining_seconds: 9930,
			lifetime_usage: 1234,
			fast_usage: 567,
			turbo_usage: 12,
			relaxed_usage: 890,
			queued_jobs_fast: 0,
			queued_jobs_relax: 1,
			running_jobs: 2,
		});
	});

	it('explains a 502 from Discord', async () => {
		nock(API_HOST).get('/api/v1/info').reply(502, { detail: 'Failed to get info' });

		const error = await runNodeError({ params });

		expect(error.message).toBe('LinkrAPI could not reach Discord/Midjourney (HTTP 502)');
		expect(error.description).toContain('Failed to get info');
	});

	it('rejects an answer without a data object', async () => {
		nock(API_HOST).get('/api/v1/info').reply(200, { status: 'SUCCESS' });

		const error = await runNodeError({ params });

		expect(error.message).toBe('LinkrAPI returned account info without a data object');
	});
});
