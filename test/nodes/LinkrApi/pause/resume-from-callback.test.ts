import type { INode, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';
import nock from 'nock';

import { LinkrApi } from '../../../../nodes/LinkrApi/LinkrApi.node';
import { ANSWER_WITHIN_MS } from '../../../../nodes/shared/callback';
import { API_HOST, API_KEY, CDN_HOST, node } from '../../../helpers/execute-context';
import {
	completedGrid,
	completedUpscale,
	failedTask,
	imagineParameters,
	PNG_BYTES,
	runningTask,
	submitted,
	TASK_ID,
	UPSCALE_TASK_ID,
} from '../../../helpers/fixtures';
import { runNode } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';
import { createWebhookContext, type FakeWebhook, type WebhookRequest } from '../../../helpers/webhook-context';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const RESUME_URL = 'https://n8n.example.com/webhook-waiting/42?signature=abc123';
const UPSCALE_NODE: INode = { ...node, id: 'node-2', name: 'Upscale' };
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);

const imagineParams = (extra: Record<string, unknown> = {}) =>
	imagineParameters({
		waitMode: 'callback',
		midjourneyParameters: { aspectRatio: '16:9' },
		options: { downloadImage: true },
		...extra,
	});
const upscaleCreativeParams = (waitMode: string) => ({
	resource: 'task',
	operation: 'action',
	taskId: UPSCALE_TASK_ID,
	action: 'upscale_creative',
	customId: '',
	callbackUrl: '',
	waitMode,
	options: {},
});
const CREATIVE_TASK_ID = 'c0c0c0c0-0000-4000-8000-000000000001';

interface Paused {
	executionId: string;
	query: Record<string, string>;
	awaitedTaskId?: string;
	node: INode;
	runSource: string;
	params: Record<string, unknown>;
	withoutCustomData?: boolean;
}

interface PauseSetup {
	params: Record<string, unknown>;
	/** The submit call and its answer, set up by the test */
	submit: (webhookUrl: (url: string) => void) => void;
	taskId: string;
	node?: INode;
	runSource?: string;
	withoutCustomData?: boolean;
	/** Default: an execution of its own (pauses this process resumed are remembered by execution) */
	executionId?: string;
}

let executions = 0;

/** Runs the node until it pauses, and returns what it sent LinkrAPI as webhook_url and kept in the execution. */
async function pause(setup: PauseSetup): Promise<Paused> {
	let webhookUrl = '';
	const executionId = setup.executionId ?? `exec-${++executions}`;
	setup.submit((url) => (webhookUrl = url));
	api()
		.get(`/api/v1/fetch/${setup.taskId}`)
		.reply(200, runningTask('processing', 10, setup.taskId));
	const { fake } = await runNode({
		params: setup.params,
		resumeUrl: RESUME_URL,
		node: setup.node,
		runSource: setup.runSource,
		withoutCustomData: setup.withoutCustomData,
		executionId,
	});
	expect(fake.waitTill).toBeInstanceOf(Date);
	return {
		executionId,
		query: Object.fromEntries(new URL(webhookUrl).searchParams),
		awaitedTaskId: fake.customData.linkrapi_task_id,
		node: setup.node ?? node,
		runSource: setup.runSource ?? 'Webhook/0/0',
		params: setup.params,
		withoutCustomData: setup.withoutCustomData,
	};
}

const pauseImagine = async (extra: Partial<PauseSetup> = {}) =>
	await pause({
		params: imagineParams(),
		taskId: TASK_ID,
		submit: (keep) =>
			api()
				.post('/api/v1/imagine', (body: { webhook_url: string }) => {
					keep(body.webhook_url);
					return true;
				})
				.reply(200, submitted()),
		...extra,
	});

/** Calls the webhook n8n routes the resume URL to, on the node the execution waits in. */
async function callback(
	paused: Paused,
	request: Partial<WebhookRequest> = {},
): Promise<{ result: IWebhookResponseData; fake: FakeWebhook }> {
	const fake = createWebhookContext({
		body: { task_id: paused.awaitedTaskId },
		query: paused.query,
		submittedTaskId: paused.awaitedTaskId,
		node: paused.node,
		runSource: paused.runSource,
		params: paused.params,
		withoutCustomData: paused.withoutCustomData,
		executionId: paused.executionId,
		...request,
	});
	return { result: await new LinkrApi().webhook.call(fake.context), fake };
}

const itemOf = (result: IWebhookResponseData): INodeExecutionData | undefined => result.workflowData?.[0][0];

describe('Pause Until Callback: resuming', () => {
	it('resumes Imagine with exactly the item Poll mode outputs: the task as re-fetched, its image, final_prompt', async () => {
		const paused = await pauseImagine();
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });
		const { result } = await callback(paused, {
			body: { task_id: TASK_ID, image_url: 'https://evil.example/x.png' },
		});

		api().post('/api/v1/imagine').reply(200, submitted()).get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });
		const polled = await runNode({ params: imagineParams({ waitMode: 'poll' }) });

		const resumed = itemOf(result);
		expect(resumed?.json).toEqual(polled.output[0].json);
		expect(resumed?.json).toMatchObject({ final_prompt: 'a cat --ar 16:9', image_url: completedGrid().image_url });
		expect(resumed?.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${TASK_ID}.png` });
		expect(resumed?.pairedItem).toEqual({ item: 0 });
	});

	it('resumes an Upscale (Creative) with the item Poll mode outputs: source_task_id, button, custom_id, no final_prompt', async () => {
		const creativeId = completedUpscale().components.find((c) => /creative/.test(c.custom_id))?.custom_id;
		const paused = await pause({
			params: upscaleCreativeParams('callback'),
			taskId: CREATIVE_TASK_ID,
			node: UPSCALE_NODE,
			submit: (keep) =>
				api()
					.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
					.reply(200, completedUpscale())
					.post('/api/v1/action', (body: { action: string; webhook_url: string }) => {
						keep(body.webhook_url);
						return body.action === creativeId;
					})
					.reply(200, submitted(CREATIVE_TASK_ID)),
		});
		const ended = { ...completedUpscale(CREATIVE_TASK_ID), action: 'upsample_v7_2x_creative' };
		// after the pause the node reads the source task again to name the button it pressed
		api()
			.get(`/api/v1/fetch/${CREATIVE_TASK_ID}`)
			.reply(200, ended)
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale());
		const { result } = await callback(paused);

		api()
			.get(`/api/v1/fetch/${UPSCALE_TASK_ID}`)
			.reply(200, completedUpscale())
			.post('/api/v1/action')
			.reply(200, submitted(CREATIVE_TASK_ID))
			.get(`/api/v1/fetch/${CREATIVE_TASK_ID}`)
			.reply(200, ended);
		const polled = await runNode({ params: upscaleCreativeParams('poll'), node: UPSCALE_NODE });

		expect(itemOf(result)?.json).toEqual(polled.output[0].json);
		expect(itemOf(result)?.json).toMatchObject({
			task_id: CREATIVE_TASK_ID,
			source_task_id: UPSCALE_TASK_ID,
			button: 'Upscale (Creative)',
			custom_id: creativeId,
		});
		expect(itemOf(result)?.json).not.toHaveProperty('final_prompt');
	});

	it('refuses a callback to the resume URL of another pause of the execution (Imagine’s, while Upscale waits)', async () => {
		const imagine = await pauseImagine({ executionId: 'exec-two-pauses' });
		const upscale = await pause({
			executionId: 'exec-two-pauses',
			params: { ...upscaleCreativeParams('callback'), action: 'upsample2', taskId: TASK_ID },
			taskId: UPSCALE_TASK_ID,
			node: UPSCALE_NODE,
			submit: (keep) =>
				api()
					.post('/api/v1/action', (body: { webhook_url: string }) => {
						keep(body.webhook_url);
						return true;
					})
					.reply(200, submitted(UPSCALE_TASK_ID)),
		});
		expect(imagine.query.signature).toBe(upscale.query.signature);
		expect(imagine.query.linkrapi_check).not.toBe(upscale.query.linkrapi_check);

		// the grid's late callback to Imagine's URL reaches the node the execution waits in now
		const late = await callback({ ...upscale, query: imagine.query }, { body: { task_id: TASK_ID } });

		expect(late.fake.response.statusCode).toBe(401);
		expect(late.result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('refuses a callback to the resume URL of an earlier run of the same node (a loop pausing again)', async () => {
		const first = await pauseImagine({ runSource: 'Loop Over Items/1/0', executionId: 'exec-loop' });
		const second = await pauseImagine({ runSource: 'Loop Over Items/1/1', executionId: 'exec-loop' });
		expect(first.query.linkrapi_check).not.toBe(second.query.linkrapi_check);

		const late = await callback({ ...second, query: first.query });

		expect(late.fake.response.statusCode).toBe(401);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it.each([
		['without the resume token', (query: Record<string, string>) => ({ signature: query.signature })],
		['with a wrong resume token', (query: Record<string, string>) => ({ ...query, linkrapi_check: 'f'.repeat(64) })],
		[
			'with a resume token of the right length in non-ASCII letters',
			(query: Record<string, string>) => ({
				...query,
				linkrapi_check: 'é'.repeat(64),
			}),
		],
	])('keeps waiting on a callback %s (401), before any request', async (_case, queryOf) => {
		const paused = await pauseImagine();

		const { result, fake } = await callback({ ...paused, query: queryOf(paused.query) });

		expect(fake.response.statusCode).toBe(401);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('keeps waiting when the callback names another task than the one the pause waits for (409)', async () => {
		const paused = await pauseImagine();
		const { result, fake } = await callback(paused, { body: { task_id: 'someone-else' } });
		expect(fake.response.statusCode).toBe(409);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('on n8n before 2.16 keeps the task id in custom data (executions list) and resumes on its own URL', async () => {
		const paused = await pauseImagine({ withoutCustomData: true });
		expect(paused.awaitedTaskId).toBe(TASK_ID);

		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });
		const own = await callback(paused);
		expect(itemOf(own.result)?.json).toMatchObject({ task_id: TASK_ID, final_prompt: 'a cat --ar 16:9' });
	});

	it('resumes once when the callback comes twice at the same moment and again later (n8n 1.123 would resume twice)', async () => {
		const paused = await pauseImagine({ params: imagineParams({ options: {} }) });
		api().get(`/api/v1/fetch/${TASK_ID}`).once().reply(200, completedGrid());

		const [first, second] = await Promise.all([callback(paused), callback(paused)]);
		const third = await callback(paused);

		expect(first.result.workflowData).toHaveLength(1);
		expect(second.result.workflowData).toBeUndefined();
		expect(second.fake.response).toMatchObject({
			statusCode: 200,
			body: { ignored: 'duplicate delivery: another callback of this pause is being handled' },
		});
		expect(third.result.workflowData).toBeUndefined();
		expect(third.fake.response).toMatchObject({ statusCode: 200, body: { ignored: 'this pause was resumed already' } });
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('keeps waiting while the task runs, then resumes on its next callback', async () => {
		const paused = await pauseImagine({ params: imagineParams({ options: {} }) });
		api()
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, runningTask('processing', 50))
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, completedGrid());

		const early = await callback(paused);
		const later = await callback(paused);

		expect(early.fake.response.statusCode).toBe(202);
		expect(early.result.workflowData).toBeUndefined();
		expect(itemOf(later.result)?.json).toMatchObject({ task_id: TASK_ID, status: 'completed' });
	});

	it('resumes a failed task with an error item that keeps the task id and the operation’s fields', async () => {
		const paused = await pauseImagine();
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, failedTask('Banned prompt'));

		const { result } = await callback(paused);

		expect(itemOf(result)?.json).toEqual({
			error: `Midjourney could not finish task ${TASK_ID}: Banned prompt`,
			description: expect.stringContaining(TASK_ID),
			task_id: TASK_ID,
			status: 'failed',
			final_prompt: 'a cat --ar 16:9',
		});
	});

	it.each(['..', '\ud800'])('answers 400 to the task id %j and stays paused, without a request', async (taskId) => {
		const paused = await pauseImagine();
		const { result, fake } = await callback(paused, { body: { task_id: taskId }, submittedTaskId: undefined });
		expect(fake.response.statusCode).toBe(400);
		expect(result.workflowData).toBeUndefined();
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('keeps waiting on a body without a task id, or a task unknown to the key', async () => {
		const paused = await pauseImagine();
		const empty = await callback(paused, { body: {} });
		expect(empty.fake.response.statusCode).toBe(400);

		api().get(`/api/v1/fetch/${TASK_ID}`).reply(404, { detail: 'Task not found' });
		const unknown = await callback(paused, { submittedTaskId: undefined });
		expect(unknown.fake.response.statusCode).toBe(404);
		expect(unknown.result.workflowData).toBeUndefined();
	});

	it('keeps waiting (502) when the image cannot be downloaded while LinkrAPI still waits for the answer', async () => {
		const paused = await pauseImagine();
		api().get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(503);

		const { result, fake } = await callback(paused);

		expect(fake.response).toMatchObject({ statusCode: 502, body: { task_id: TASK_ID } });
		expect(result.workflowData).toBeUndefined();
	});
});

describe('Pause Until Callback: a burst of callbacks', () => {
	it(`answers every callback within ${ANSWER_WITHIN_MS} ms while verification queues behind the hold's budget, and resumes each`, async () => {
		const pauses: Paused[] = [];
		const taskIds = Array.from({ length: 12 }, (_, n) => `b0b0b0b0-0000-4000-8000-${String(n).padStart(12, '0')}`);
		for (const [n, taskId] of taskIds.entries()) {
			const nodeOfPause = { ...node, id: `node-burst-${n}`, name: `Imagine ${n}` };
			pauses.push(
				await pauseImagine({
					taskId,
					node: nodeOfPause,
					params: imagineParams({ options: {} }),
					submit: (keep) =>
						api()
							.post('/api/v1/imagine', (body: { webhook_url: string }) => {
								keep(body.webhook_url);
								return true;
							})
							.reply(200, submitted(taskId)),
				}),
			);
		}
		for (const taskId of taskIds) api().get(`/api/v1/fetch/${taskId}`).reply(200, completedGrid(taskId));

		const arrivedAt = clock.now();
		const answers = await Promise.all(
			pauses.map(async (paused) => ({ ...(await callback(paused)), returnedAt: clock.now() })),
		);

		// 12 verifications at 3 per second take 4 s: the later ones are accepted early, then resumed all the same.
		// The node answers those itself; n8n answers the others when the webhook returns.
		const answeredAfter = answers.map(({ fake, returnedAt }) => (fake.answeredAt ?? returnedAt) - arrivedAt);
		const early = answers.filter(({ fake }) => fake.response.statusCode === 202);
		expect(Math.max(...answeredAfter)).toBeLessThanOrEqual(ANSWER_WITHIN_MS);
		expect(Math.max(...answers.map(({ returnedAt }) => returnedAt - arrivedAt))).toBeGreaterThan(3000);
		expect(early.length).toBeGreaterThan(0);
		for (const { fake } of early) expect(fake.response.body).toMatchObject({ accepted: expect.any(String) });
		expect(answers.map(({ result }) => itemOf(result)?.json.task_id)).toEqual(taskIds);
		for (const { result, fake } of answers) {
			expect(result.noWebhookResponse === true).toBe(fake.response.statusCode === 202);
		}
	});
});
