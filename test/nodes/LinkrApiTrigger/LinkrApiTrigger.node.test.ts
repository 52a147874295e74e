import nock from 'nock';

import { LinkrApiTrigger } from '../../../nodes/LinkrApiTrigger/LinkrApiTrigger.node';
import { holdLedger, rememberOwner } from '../../../nodes/shared/hold-ledger';
import { holdsOfPool } from '../../../nodes/shared/transport';
import { API_HOST, API_KEY, BASE_URL, CDN_HOST } from '../../helpers/execute-context';
import { completedGrid, failedTask, PNG_BYTES, runningTask, TASK_ID } from '../../helpers/fixtures';
import { createWebhookContext, type WebhookRequest } from '../../helpers/webhook-context';

const trigger = new LinkrApiTrigger();
const TOKEN = 's3cret-token-0123456789';

/** Tasks that started a run are remembered for the process: each delivery is to a workflow of its own unless named. */
let workflows = 0;

async function deliver(request: WebhookRequest) {
	const fake = createWebhookContext({
		token: TOKEN,
		body: { task_id: TASK_ID, status: 'completed' },
		workflowId: `wf-${++workflows}`,
		...request,
	});
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

	it('registers nothing on activation (LinkrAPI has no registration API), but checks the secret first', async () => {
		const hooks = trigger.webhookMethods.default;
		const context = { getNodeParameter: () => TOKEN, getNode: () => ({ name: 'LinkrAPI Trigger' }) } as never;
		await expect(hooks.checkExists.call(context)).resolves.toBe(true);
		await expect(hooks.create.call(context)).resolves.toBe(true);
		await expect(hooks.delete.call(context)).resolves.toBe(true);
	});
});

describe('LinkrAPI Trigger hardening', () => {
	const imageHost = () => nock(CDN_HOST).get(/grid\.png$/);

	it('a delivery whose image download failed is not remembered: it answers 502 and the retry runs', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).times(3).reply(200, completedGrid());
		imageHost().reply(503, 'busy');
		imageHost().reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });
		const staticData = {};
		const params = { options: { downloadImage: true } };

		const failed = await deliver({ params, staticData, workflowId: 'wf-retry' });
		const retried = await deliver({ params, staticData, workflowId: 'wf-retry' });
		const duplicate = await deliver({ params, staticData, workflowId: 'wf-retry' });

		expect(failed.fake.response).toEqual({
			statusCode: 502,
			body: { error: 'The image of the task could not be downloaded; retry later', task_id: TASK_ID },
		});
		expect(failed.result.workflowData).toBeUndefined();
		expect(failed.fake.warnings.join('\n')).toContain('HTTP 503');
		expect(retried.result.workflowData?.[0][0].binary?.data).toBeDefined();
		expect(duplicate.fake.response.body).toMatchObject({ ignored: 'duplicate delivery' });
	});

	it('with On Image Download Failure = Run Without the Image, starts the workflow with download_error', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		imageHost().reply(404, 'gone');

		const { result } = await deliver({
			params: { options: { downloadImage: true, onDownloadFailure: 'runWithoutImage' } },
			workflowId: 'wf-without-image',
		});

		const item = result.workflowData?.[0][0];
		expect(item?.binary).toBeUndefined();
		expect(item?.json).toMatchObject({ task_id: TASK_ID, status: 'completed' });
		expect(item?.json.download_error).toBe(`Could not download the image of task ${TASK_ID}`);
	});

	it('a duplicate that arrives while the first delivery is still being handled is not run twice', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).times(2).reply(200, completedGrid());
		imageHost().delay(50).reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });
		const params = { options: { downloadImage: true } };

		const [first, second] = await Promise.all([
			deliver({ params, workflowId: 'wf-concurrent' }),
			deliver({ params, workflowId: 'wf-concurrent' }),
		]);

		const started = [first, second].filter((delivery) => delivery.result.workflowData);
		expect(started).toHaveLength(1);
	});

	it('measures the body n8n hands over: a chunked body over 256 KB (no Content-Length) gets 413', async () => {
		const { fake, result } = await deliver({
			body: { task_id: TASK_ID, padding: 'x'.repeat(300 * 1024) },
			workflowId: 'wf-chunked',
		});
		expect(fake.response.statusCode).toBe(413);
		expect(result.workflowData).toBeUndefined();
	});

	it('uses the raw body n8n kept when there is one', async () => {
		const { fake } = await deliver({ rawBody: Buffer.alloc(300 * 1024), workflowId: 'wf-raw' });
		expect(fake.response.statusCode).toBe(413);
	});

	it.each([
		['.', 'a path segment'],
		['..', 'a path segment'],
		['a/b', 'contains a "/"'],
		['\ud800abc', 'not valid Unicode'],
		['id\nwith-newline', 'may contain only'],
		['x'.repeat(129), 'longer than 128'],
	])('answers 400 to the task id %j before any request (%s)', async (taskId, reason) => {
		const { fake, result } = await deliver({ body: { task_id: taskId }, workflowId: 'wf-bad-id' });

		expect(fake.response.statusCode).toBe(400);
		expect(String((fake.response.body as { error: string }).error)).toContain(reason);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('escapes what it logs about a callback: LinkrAPI text with line breaks stays on one line', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(403, { detail: 'suspended\nINFO forged log line' });

		const { fake } = await deliver({ workflowId: 'wf-log' });

		expect(fake.warnings).toHaveLength(1);
		expect(fake.warnings[0]).not.toContain('\n');
		expect(fake.warnings[0]).toContain(`"${TASK_ID}"`);
	});

	it.each(['', 'short-secret'])('refuses to activate with the secret %j (under 16 characters)', async (secret) => {
		const context = { getNodeParameter: () => secret, getNode: () => ({ name: 'LinkrAPI Trigger' }) } as never;
		await expect(trigger.webhookMethods.default.checkExists.call(context)).rejects.toThrow(
			'The Secret Token must be at least 16 characters long',
		);
		await expect(trigger.webhookMethods.default.create.call(context)).rejects.toThrow('at least 16 characters');
	});

	it('without a credential (Verify With API off), downloads judge addresses strictly: loopback images are refused', async () => {
		const fake = createWebhookContext({
			token: TOKEN,
			params: { verifyWithApi: false, options: { downloadImage: true, onDownloadFailure: 'runWithoutImage' } },
			body: { ...completedGrid(), image_url: 'http://127.0.0.1:5678/rest/settings' },
			workflowId: 'wf-no-credential',
		});
		fake.context.getCredentials = async () => {
			throw new Error('Node does not have any credentials set');
		};

		const result = await trigger.webhook.call(fake.context);

		expect(result.workflowData?.[0][0].json.download_error).toContain('Refused to download the image');
	});

	it('with Verify With API off, a body that is not a task is answered 400', async () => {
		const { fake } = await deliver({
			params: { verifyWithApi: false },
			body: { taskId: TASK_ID },
			workflowId: 'wf-not-task',
		});
		expect(fake.response).toEqual({ statusCode: 400, body: { error: 'The callback body is not a task' } });
	});

	it('refuses callbacks while the secret is too short, even with the matching token', async () => {
		const { fake } = await deliver({ token: 'short-secret', params: { secretToken: 'short-secret' } });
		expect(fake.response.statusCode).toBe(401);
		expect((fake.response.body as { error: string }).error).toContain('shorter than 16 characters');
	});
});

describe('LinkrAPI Trigger over a hold pool', () => {
	const KEY_A = 'lkr_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
	const KEY_B = 'lkr_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
	const pool = {
		baseUrl: BASE_URL,
		holds: {
			hold: [
				{ name: 'a', apiKey: KEY_A },
				{ name: 'b', apiKey: KEY_B },
			],
		},
	};
	const [holdA, holdB] = holdsOfPool(pool);
	const asked: string[] = [];
	const fetchOn = (key: string, status: number, body: object) =>
		nock(API_HOST)
			.matchHeader('authorization', `Bearer ${key}`)
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(() => {
				asked.push(key === KEY_A ? 'a' : 'b');
				return [status, body];
			});
	const onPool = { params: { authentication: 'holdPool' }, pool };

	beforeEach(() => (asked.length = 0));

	it('asks the hold remembered making the task first, then the others', async () => {
		rememberOwner(TASK_ID, holdB.id);
		fetchOn(KEY_B, 200, completedGrid());

		const { result } = await deliver(onPool);

		expect(asked).toEqual(['b']);
		expect(result.workflowData?.[0][0].json).toMatchObject({ task_id: TASK_ID, hold: 'b' });
	});

	it('answers 404 naming every hold asked, each once, when none has the task', async () => {
		rememberOwner(TASK_ID, holdA.id);
		fetchOn(KEY_A, 404, { detail: 'Task not found' });
		fetchOn(KEY_B, 404, { detail: 'Task not found' });

		const { fake } = await deliver({ ...onPool, query: { linkrapi_hold: 'b' } });

		expect(asked).toEqual(['b', 'a']);
		expect(fake.response).toEqual({
			statusCode: 404,
			body: { error: 'This task is unknown to every hold asked: b, a' },
		});
	});

	it('frees the ended job’s place in the hold ledger for every execution of the process', async () => {
		holdLedger.add(holdA.id, TASK_ID, { kind: 'grid', acceptedAt: Date.now(), countedUntil: Date.now() + 600_000 });
		fetchOn(KEY_A, 200, completedGrid());

		await deliver(onPool);

		expect(holdLedger.jobsOn(holdA.id, Date.now())).toEqual([]);
	});
});
