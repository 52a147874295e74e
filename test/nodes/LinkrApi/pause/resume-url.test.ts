import nock from 'nock';

import { LinkrApi } from '../../../../nodes/LinkrApi/LinkrApi.node';
import { resumeToken } from '../../../../nodes/LinkrApi/pause/resume-token';
import { API_HOST, BASE_URL, EXECUTION_ID, node } from '../../../helpers/execute-context';
import { completedGrid, imagineParameters, runningTask, submitted, TASK_ID } from '../../../helpers/fixtures';
import { runNode } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';
import { createWebhookContext } from '../../../helpers/webhook-context';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();
const KEY_A = 'lkr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const KEY_B = 'lkr_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const RESUME_URL = 'https://n8n.example.com/webhook-waiting/42?signature=abc123';
const pool = {
	baseUrl: BASE_URL,
	holds: {
		hold: [
			{ name: 'a', apiKey: KEY_A, jobsAtOnce: 3, jobsWaiting: 0 },
			{ name: 'b', apiKey: KEY_B, jobsAtOnce: 3, jobsWaiting: 0 },
		],
	},
};
const asHold = (key: string) => nock(API_HOST).matchHeader('authorization', `Bearer ${key}`);

/** Imagine over the pool, pinned to hold b, in the given wait mode; what it sent as webhook_url. */
async function submitOnB(waitMode: string, callbackUrl = ''): Promise<URL> {
	let webhookUrl = '';
	asHold(KEY_B)
		.post('/api/v1/imagine', (body: { webhook_url: string }) => {
			webhookUrl = body.webhook_url;
			return true;
		})
		.reply(200, submitted())
		.get(`/api/v1/fetch/${TASK_ID}`)
		.reply(200, runningTask('processing', 10));
	await runNode({
		params: imagineParameters({ authentication: 'holdPool', hold: 'b', waitMode, callbackUrl }),
		pool,
		resumeUrl: RESUME_URL,
	});
	return new URL(webhookUrl);
}

describe('Hold pool: callbacks name the hold', () => {
	it('adds the hold to the user’s Callback URL (Don’t Wait + a LinkrAPI Trigger)', async () => {
		const url = await submitOnB('none', 'https://n8n.example.com/webhook/abc/callback?token=secret-token-1234567');
		expect(url.searchParams.get('token')).toBe('secret-token-1234567');
		expect(url.searchParams.get('linkrapi_hold')).toBe('b');
	});

	it('pauses with a resume URL that names the hold, its token made under that hold’s key', async () => {
		const url = await submitOnB('callback');
		expect(url.searchParams.get('linkrapi_hold')).toBe('b');
		const pause = { nodeId: node.id, runSource: 'Webhook/0/0' };
		expect(url.searchParams.get('linkrapi_check')).toBe(resumeToken(KEY_B, EXECUTION_ID, pause));
		expect(url.searchParams.get('linkrapi_check')).not.toBe(resumeToken(KEY_A, EXECUTION_ID, pause));
	});

	it('resumes with the task verified with that hold’s key, the item naming the hold', async () => {
		const url = await submitOnB('callback');
		asHold(KEY_B).get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		const fake = createWebhookContext({
			body: { task_id: TASK_ID },
			query: Object.fromEntries(url.searchParams),
			node,
			pool,
			params: { authentication: 'holdPool', operation: 'imagine', prompt: 'a cat', options: {} },
		});

		const result = await new LinkrApi().webhook.call(fake.context);

		expect(result.workflowData?.[0][0].json).toMatchObject({ task_id: TASK_ID, hold: 'b', final_prompt: 'a cat' });
	});

	it.each([
		['names another hold of the pool', { linkrapi_hold: 'a' }],
		['names no hold', { linkrapi_hold: undefined }],
		['names a hold the pool does not have', { linkrapi_hold: 'z' }],
	])('keeps waiting (401) on a callback whose URL %s', async (_case, change) => {
		const url = await submitOnB('callback');
		const query: Record<string, string> = Object.fromEntries(url.searchParams);
		if (change.linkrapi_hold === undefined) delete query.linkrapi_hold;
		else query.linkrapi_hold = change.linkrapi_hold;
		const fake = createWebhookContext({
			body: { task_id: TASK_ID },
			query,
			node,
			pool,
			params: { authentication: 'holdPool', operation: 'imagine', prompt: 'a cat', options: {} },
		});

		const result = await new LinkrApi().webhook.call(fake.context);

		expect(fake.response.statusCode).toBe(401);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});
});
