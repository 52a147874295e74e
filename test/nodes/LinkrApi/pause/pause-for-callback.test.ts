import nock from 'nock';

import { LinkrApi } from '../../../../nodes/LinkrApi/LinkrApi.node';
import { resumeToken, type PauseId } from '../../../../nodes/LinkrApi/pause/resume-token';
import { API_HOST, API_KEY, EXECUTION_ID, node } from '../../../helpers/execute-context';
import { failedTask, imagineParameters, runningTask, submitted, TASK_ID } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const RESUME_URL = 'https://n8n.example.com/webhook-waiting/42?signature=abc123';
/** The URL one pause sends: the execution's resume URL with the node's resume token for this node and run. */
const resumeUrlOf = (pause: PauseId, base = RESUME_URL) => {
	const url = new URL(base);
	url.searchParams.set('linkrapi_check', resumeToken(API_KEY, EXECUTION_ID, pause));
	return url.toString();
};
const pauseImagine = (extra: Record<string, unknown> = {}) =>
	imagineParameters({ waitMode: 'callback', options: { maxWait: 20 }, ...extra });
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);

describe('Pause Until Callback: going to wait', () => {
	it('sends the execution’s resume URL as webhook_url and waits until Max Wait plus a grace minute', async () => {
		const scope = api()
			.post('/api/v1/imagine', {
				prompt: 'a cat',
				webhook_url: resumeUrlOf({ nodeId: node.id, runSource: 'Webhook/0/0' }),
			})
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, runningTask('queued', 0));

		const { output, fake } = await runNode({ params: pauseImagine(), resumeUrl: RESUME_URL });

		expect(scope.isDone()).toBe(true);
		// remembered in the execution, where the resume webhook and the executions list find it
		expect(fake.customData).toEqual({ linkrapi_task_id: TASK_ID });
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
			.post('/api/v1/imagine', (body: { webhook_url: string }) => body.webhook_url.startsWith(`${localResume}&`))
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
			.post('/api/v1/action', {
				task_id: TASK_ID,
				action: 'upsample1',
				webhook_url: resumeUrlOf({ nodeId: node.id, runSource: 'Webhook/0/0' }),
			})
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
