import nock from 'nock';

import { LinkrApi } from '../../../../nodes/LinkrApi/LinkrApi.node';
import { API_HOST, API_KEY, CDN_HOST } from '../../../helpers/execute-context';
import {
	completedGrid,
	failedTask,
	imagineParameters,
	PNG_BYTES,
	runningTask,
	submitted,
	TASK_ID,
} from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';
import { createWebhookContext, type WebhookRequest } from '../../../helpers/webhook-context';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const RESUME_URL = 'https://n8n.example.com/webhook-waiting/42?signature=abc123';
const pauseImagine = (extra: Record<string, unknown> = {}) =>
	imagineParameters({ waitMode: 'callback', options: { maxWait: 20 }, ...extra });
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);

describe('Pause Until Callback: going to wait', () => {
	it('sends the execution’s resume URL as webhook_url and waits until Max Wait plus a grace minute', async () => {
		const scope = api()
			.post('/api/v1/imagine', { prompt: 'a cat', webhook_url: RESUME_URL })
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, runningTask('queued', 0));

		const { output, fake } = await runNode({ params: pauseImagine(), resumeUrl: RESUME_URL });

		expect(scope.isDone()).toBe(true);
		// remembered in the execution, where the resume webhook and the executions list find it
		expect(fake.customData).toEqual({ linkrapi_task_id: TASK_ID, linkrapi_final_prompt: 'a cat' });
		expect(output[0].json).toEqual({
			task_id: TASK_ID,
			status: 'waiting_for_callback',
			last_status: 'queued',
			final_prompt: 'a cat',
		});
		const waitMs = (fake.waitTill?.getTime() ?? 0) - clock.now();
		expect(waitMs).toBeGreaterThan(21 * 60000 - 1000);
		expect(waitMs).toBeLessThanOrEqual(21 * 60000);
	});

	it('outputs at once, as poll mode does, when the task already ended before going to wait', async () => {
		api()
			.post('/api/v1/imagine')
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, failedTask('Banned prompt'));

		const error = await runNodeError({ params: pauseImagine(), resumeUrl: RESUME_URL });

		expect(error.message).toBe(`Midjourney could not finish task ${TASK_ID}: Banned prompt`);
	});

	it('refuses several items before any request, suggesting Poll or Loop Over Items', async () => {
		const error = await runNodeError({ params: pauseImagine(), items: 3, resumeUrl: RESUME_URL });
		expect(error.message).toBe('"Pause Until Callback" handles one item per execution, and this node received 3');
		expect(error.description).toContain('Loop Over Items');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('refuses several items even when only a later item pauses (the mode set by an expression per item)', async () => {
		const poll = imagineParameters({ waitMode: 'poll' });
		const error = await runNodeError({
			params: [poll, poll, pauseImagine()],
			resumeUrl: RESUME_URL,
		});

		expect(error.message).toBe('"Pause Until Callback" handles one item per execution, and this node received 3');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('stopping the execution during the check before the wait names the submitted task', async () => {
		const controller = new AbortController();
		api()
			.post('/api/v1/imagine')
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(() => {
				controller.abort();
				return [200, runningTask('queued', 0)];
			});

		const error = await runNodeError({ params: pauseImagine(), resumeUrl: RESUME_URL, signal: controller.signal });

		expect(error.message).toBe('The execution was cancelled while waiting for LinkrAPI');
		expect(error.description).toContain(`item 0: ${TASK_ID}`);
	});

	it('registers nothing with LinkrAPI for its resume webhook (no registration API exists)', async () => {
		const hooks = new LinkrApi().webhookMethods.default;
		await expect(hooks.checkExists.call({} as never)).resolves.toBe(true);
		await expect(hooks.create.call({} as never)).resolves.toBe(true);
		await expect(hooks.delete.call({} as never)).resolves.toBe(true);
	});

	it('refuses a Callback URL of the user’s own in this mode, naming the field', async () => {
		const error = await runNodeError({
			params: pauseImagine({ callbackUrl: 'https://hooks.example.com/x' }),
			resumeUrl: RESUME_URL,
		});
		expect(error.message).toBe('Clear the "Callback URL" field to use "Pause Until Callback"');
	});

	it('refuses a localhost resume URL when LinkrAPI is a remote host that could never reach it', async () => {
		const error = await runNodeError({
			params: pauseImagine(),
			resumeUrl: 'http://localhost:5678/webhook-waiting/42?signature=abc',
		});
		expect(error.message).toBe('LinkrAPI cannot call back an n8n that is only reachable as localhost');
		expect(error.description).toContain('WEBHOOK_URL');
	});

	it('accepts a localhost resume URL with a local LinkrAPI such as the simulator', async () => {
		const local = 'http://127.0.0.1:4010';
		const localResume = 'http://127.0.0.1:5678/webhook-waiting/42?signature=abc';
		nock(local)
			.post('/api/v1/imagine', { prompt: 'a cat', webhook_url: localResume })
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, runningTask('sending', 0));

		const { output } = await runNode({
			params: pauseImagine(),
			resumeUrl: localResume,
			credentials: { apiKey: API_KEY, baseUrl: `${local}/api/v1` },
		});

		expect(output[0].json.status).toBe('waiting_for_callback');
	});

	it('also pauses for actions', async () => {
		api()
			.post('/api/v1/action', { task_id: TASK_ID, action: 'upsample1', webhook_url: RESUME_URL })
			.reply(200, submitted('up-1'))
			.get('/api/v1/fetch/up-1')
			.reply(200, runningTask('processing', 5, 'up-1'));

		const { fake } = await runNode({
			params: {
				resource: 'task',
				operation: 'action',
				taskId: TASK_ID,
				action: 'upsample1',
				customId: '',
				callbackUrl: '',
				waitMode: 'callback',
				options: {},
			},
			resumeUrl: RESUME_URL,
		});

		expect(fake.waitTill).toBeInstanceOf(Date);
	});
});

describe('Pause Until Callback: resuming', () => {
	const node = new LinkrApi();
	const resume = async (request: WebhookRequest) => {
		const fake = createWebhookContext({
			body: { task_id: TASK_ID },
			submittedTaskId: TASK_ID,
			params: { options: {} },
			...request,
		});
		return { result: await node.webhook.call(fake.context), fake };
	};

	it.each(['..', '\ud800'])('answers 400 to the task id %j and stays paused, without a request', async (taskId) => {
		const { result, fake } = await resume({ body: { task_id: taskId } });

		expect(fake.response.statusCode).toBe(400);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('re-fetches the task and resumes with what poll mode outputs', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });

		const { result } = await resume({
			body: { task_id: TASK_ID, image_url: 'https://evil.example/x.png' },
			params: { options: { downloadImage: true } },
		});

		const item = result.workflowData?.[0][0];
		expect(item?.json).toMatchObject({
			task_id: TASK_ID,
			status: 'completed',
			image_url: completedGrid().image_url,
			final_prompt: 'a cat --ar 16:9',
		});
		expect(item?.binary?.data).toMatchObject({ mimeType: 'image/png' });
		expect(item?.pairedItem).toEqual({ item: 0 });
	});

	it('resumes a failed task with an error item that keeps the task id', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, failedTask('Banned prompt'));

		const { result } = await resume({});

		expect(result.workflowData?.[0][0].json).toEqual({
			error: `Midjourney could not finish task ${TASK_ID}: Banned prompt`,
			description: expect.stringContaining(TASK_ID),
			task_id: TASK_ID,
			status: 'failed',
			final_prompt: 'a cat --ar 16:9',
		});
	});

	it('keeps waiting when the task has not finished', async () => {
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('processing', 50));
		const { result, fake } = await resume({});
		expect(result.workflowData).toBeUndefined();
		expect(fake.response.statusCode).toBe(202);
	});

	it('keeps waiting when the callback names another task than the one submitted', async () => {
		const { result, fake } = await resume({ body: { task_id: 'someone-else' } });
		expect(result.workflowData).toBeUndefined();
		expect(fake.response.statusCode).toBe(409);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('keeps waiting on a body without a task id, or a task unknown to the key', async () => {
		const empty = await resume({ body: {} });
		expect(empty.fake.response.statusCode).toBe(400);

		api().get(`/api/v1/fetch/${TASK_ID}`).reply(404, { detail: 'Task not found' });
		const unknown = await resume({ submittedTaskId: undefined });
		expect(unknown.fake.response.statusCode).toBe(404);
		expect(unknown.result.workflowData).toBeUndefined();
	});
});

describe('Pause Until Callback on n8n without custom data for nodes (before 2.16)', () => {
	const node = new LinkrApi();
	const OLD_RESUME_URL = 'https://n8n.example.com/webhook-waiting/42';

	async function pausedResumeUrl(): Promise<URL> {
		let webhookUrl = '';
		api()
			.post('/api/v1/imagine', (body: { webhook_url: string }) => {
				webhookUrl = body.webhook_url;
				return true;
			})
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, runningTask('queued', 0));
		await runNode({ params: pauseImagine(), resumeUrl: OLD_RESUME_URL, withoutCustomData: true });
		return new URL(webhookUrl);
	}

	const resume = async (query: Record<string, string>, body: unknown = { task_id: TASK_ID }) => {
		const fake = createWebhookContext({ body, query, withoutCustomData: true, params: { options: {} } });
		return { result: await node.webhook.call(fake.context), fake };
	};

	it('adds a check of its own to the resume URL it sends, keyed by the API key but not revealing it', async () => {
		const url = await pausedResumeUrl();

		expect(`${url.origin}${url.pathname}`).toBe(OLD_RESUME_URL);
		expect(url.searchParams.get('linkrapi_check')).toMatch(/^[0-9a-f]{64}$/);
		expect(url.toString()).not.toContain(API_KEY.slice(4));
	});

	it('resumes on a callback to the URL it sent', async () => {
		const check = (await pausedResumeUrl()).searchParams.get('linkrapi_check') ?? '';
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		const { result } = await resume({ linkrapi_check: check });

		expect(result.workflowData?.[0][0].json).toMatchObject({ task_id: TASK_ID, status: 'completed' });
	});

	it.each([
		['without the check', {}],
		['with a wrong check', { linkrapi_check: 'f'.repeat(64) }],
	])('keeps waiting on a callback %s, before any request', async (_case, query) => {
		const { result, fake } = await resume(query);

		expect(fake.response.statusCode).toBe(401);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});
});
