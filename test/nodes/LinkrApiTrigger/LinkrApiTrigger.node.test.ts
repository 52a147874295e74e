import nock from 'nock';

import { LinkrApiTrigger } from '../../../nodes/LinkrApiTrigger/LinkrApiTrigger.node';
import { API_HOST, API_KEY, CDN_HOST } from '../../helpers/execute-context';
import { completedGrid, failedTask, PNG_BYTES, runningTask, TASK_ID } from '../../helpers/fixtures';
import { createWebhookContext, type WebhookRequest } from '../../helpers/webhook-context';

const trigger = new LinkrApiTrigger();
const TOKEN = 's3cret-token';

async function deliver(request: WebhookRequest) {
	const fake = createWebhookContext({ token: TOKEN, body: { task_id: TASK_ID, status: 'completed' }, ...request });
	const result = await trigger.webhook.call(fake.context);
	return { result, fake };
}

const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('LinkrAPI Trigger', () => {
	it('emits the re-fetched task, not the callback body', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		const { result } = await deliver({
			body: { task_id: TASK_ID, status: 'completed', image_url: 'https://evil.example/x.png' },
		});

		expect(result.workflowData?.[0][0].json).toMatchObject({ task_id: TASK_ID, image_url: completedGrid().image_url });
	});

	it.each([
		['a wrong token', 'wrong-token-xx'],
		['no token', undefined],
		['a token of another length', 's3cret'],
	])('refuses %s with 401 and starts nothing', async (_name, token) => {
		const { result, fake } = await deliver({ token });
		expect(fake.response.statusCode).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
	});

	it('refuses everything while no secret token is configured', async () => {
		const { fake } = await deliver({ token: '', params: { secretToken: '' } });
		expect(fake.response.statusCode).toBe(401);
	});

	it('refuses a task id unknown to the credential’s key with 404', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(404, { detail: 'Task not found' });

		const { result, fake } = await deliver({});

		expect(fake.response.statusCode).toBe(404);
		expect(result.workflowData).toBeUndefined();
	});

	it('answers 502 without the key when verification fails, and starts nothing', async () => {
		api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(401, { detail: `bad key ${API_KEY}` });

		const { result, fake } = await deliver({});

		expect(fake.response.statusCode).toBe(502);
		expect(result.workflowData).toBeUndefined();
		expect(JSON.stringify([fake.response, fake.warnings])).not.toContain(API_KEY.slice(4));
	});

	it.each([
		['not an object', 'hello'],
		['an object without task id', { status: 'completed' }],
		['an array', [{ task_id: TASK_ID }]],
	])('answers 400 to a body that is %s', async (_name, body) => {
		const { fake } = await deliver({ body });
		expect(fake.response.statusCode).toBe(400);
	});

	it('answers 413 to an oversized body before reading it', async () => {
		const { fake } = await deliver({ headers: { 'content-length': String(10 * 1024 * 1024) } });
		expect(fake.response.statusCode).toBe(413);
	});

	it('finds the task id in nested callback shapes', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		const { result } = await deliver({ body: { event: 'done', data: { task_id: TASK_ID } }, workflowId: 'wf-nested' });
		expect(result.workflowData?.[0][0].json.task_id).toBe(TASK_ID);
	});

	it('ignores a task that has not finished yet', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('processing', 50));
		const { result, fake } = await deliver({});
		expect(fake.response.statusCode).toBe(202);
		expect(result.workflowData).toBeUndefined();
	});

	it('filters by the selected events', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).times(2).reply(200, failedTask('Banned prompt'));

		const completedOnly = await deliver({ params: { events: ['completed'] } });
		expect(completedOnly.result.workflowData).toBeUndefined();

		const failedToo = await deliver({ params: { events: ['failed'] }, workflowId: 'wf-failed' });
		expect(failedToo.result.workflowData?.[0][0].json).toMatchObject({ status: 'failed', error: 'Banned prompt' });
	});

	it('starts one execution for repeated deliveries of the same task and status', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).times(3).reply(200, completedGrid());
		const staticData = {};

		const first = await deliver({ staticData, workflowId: 'wf-dup' });
		const second = await deliver({ staticData, workflowId: 'wf-dup' });
		const afterRestart = await deliver({ staticData: { ...staticData }, workflowId: 'wf-dup-restarted' });

		expect(first.result.workflowData).toHaveLength(1);
		expect(second.result.workflowData).toBeUndefined();
		expect(second.fake.response.body).toMatchObject({ ignored: 'duplicate delivery' });
		expect(afterRestart.result.workflowData).toBeUndefined();
	});

	it('keeps its memory of deliveries bounded', async () => {
		const staticData: { seenDeliveries?: string[] } = {
			seenDeliveries: Array.from({ length: 500 }, (_, i) => `old-${i}:completed`),
		};
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		await deliver({ staticData, workflowId: 'wf-bounded' });

		expect(staticData.seenDeliveries).toHaveLength(500);
		expect(staticData.seenDeliveries?.at(-1)).toBe(`${TASK_ID}:completed`);
		expect(staticData.seenDeliveries?.[0]).toBe('old-1:completed');
	});

	it('can trust the body when verification is off', async () => {
		const { result } = await deliver({
			params: { verifyWithApi: false },
			body: { ...completedGrid(), task_id: 'unverified-1' },
			workflowId: 'wf-trust',
		});
		expect(result.workflowData?.[0][0].json.task_id).toBe('unverified-1');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('downloads the image without the API key', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		const headers: unknown[] = [];
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(function () {
				headers.push(this.req.headers.authorization);
				return [200, PNG_BYTES, { 'Content-Type': 'image/png' }];
			});

		const { result } = await deliver({ params: { options: { downloadImage: true } }, workflowId: 'wf-binary' });

		expect(result.workflowData?.[0][0].binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: `${TASK_ID}.png`,
		});
		expect(headers).toEqual([undefined]);
	});

	it('declares no-op lifecycle methods, as LinkrAPI has nothing to register', async () => {
		const hooks = trigger.webhookMethods.default;
		const context = {} as never;
		await expect(hooks.checkExists.call(context)).resolves.toBe(true);
		await expect(hooks.create.call(context)).resolves.toBe(true);
		await expect(hooks.delete.call(context)).resolves.toBe(true);
	});
});
