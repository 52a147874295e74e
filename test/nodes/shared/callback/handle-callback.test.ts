import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';
import nock from 'nock';

import { LinkrApiTrigger } from '../../../../nodes/LinkrApiTrigger/LinkrApiTrigger.node';
import { ANSWER_WITHIN_MS } from '../../../../nodes/shared/callback';
import { API_HOST, API_KEY, CDN_HOST } from '../../../helpers/execute-context';
import { completedGrid, PNG_BYTES } from '../../../helpers/fixtures';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';
import { createWebhookContext, type FakeWebhook, type WebhookRequest } from '../../../helpers/webhook-context';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const trigger = new LinkrApiTrigger();
const TOKEN = 's3cret-token-0123456789';
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);
const taskIdOf = (n: number, prefix = 'b0b0b0b0') => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface Delivery {
	taskId: string;
	result?: IWebhookResponseData;
	error?: Error;
	fake: FakeWebhook;
	/** When the caller had its answer: the node's own, or n8n's once the webhook returned */
	answeredAt: number;
}

let workflows = 0;

/** Delivers callbacks all at once to one trigger of one workflow (one static data), as LinkrAPI would in a burst. */
async function deliverAtOnce(taskIds: string[], request: Partial<WebhookRequest> = {}): Promise<Delivery[]> {
	const staticData: IDataObject = {};
	const workflowId = `wf-burst-${++workflows}`;
	return await Promise.all(
		taskIds.map(async (taskId) => {
			const fake = createWebhookContext({
				token: TOKEN,
				body: { task_id: taskId },
				staticData,
				workflowId,
				...request,
			});
			try {
				const result = await trigger.webhook.call(fake.context);
				return { taskId, result, fake, answeredAt: fake.answeredAt ?? clock.now() };
			} catch (error) {
				return { taskId, error: error as Error, fake, answeredAt: clock.now() };
			}
		}),
	);
}

const runsOf = (deliveries: Delivery[]) =>
	deliveries.flatMap(({ result }) => (result?.workflowData?.[0] ?? []).map((item) => item.json.task_id));

describe('LinkrAPI Trigger: a burst of callbacks on one hold', () => {
	it(`answers each of 60 tasks delivered twice at once within ${ANSWER_WITHIN_MS} ms, runs each task once, asks LinkrAPI once per task`, async () => {
		const taskIds = Array.from({ length: 60 }, (_, n) => taskIdOf(n));
		const fetched: string[] = [];
		api()
			.get(/\/api\/v1\/fetch\/.*/)
			.times(60)
			.reply((uri) => {
				const taskId = uri.split('/').at(-1) ?? '';
				fetched.push(taskId);
				return [200, completedGrid(taskId)];
			});

		const startedAt = clock.now();
		const deliveries = await deliverAtOnce([...taskIds, ...taskIds]);

		expect(Math.max(...deliveries.map(({ answeredAt }) => answeredAt - startedAt))).toBeLessThanOrEqual(
			ANSWER_WITHIN_MS,
		);
		expect(runsOf(deliveries).sort()).toEqual([...taskIds].sort());
		expect(fetched.sort()).toEqual([...taskIds].sort());
		// 60 verifications at 3 per second: most first deliveries are accepted before their task is verified; the
		// second delivery of each task is answered at once, without a request of its own
		expect(deliveries.filter(({ fake }) => fake.response.statusCode === 202).length).toBeGreaterThan(50);
		expect(
			deliveries.filter(({ fake }) => (fake.response.body as { ignored?: string })?.ignored?.includes('being handled')),
		).toHaveLength(60);
		expect(clock.now() - startedAt).toBeGreaterThan(19_000);
	});

	it('starts nothing for forged callbacks in a burst (task ids unknown to the key), even once they were accepted', async () => {
		const real = Array.from({ length: 6 }, (_, n) => taskIdOf(n, 'c1c1c1c1'));
		const forged = Array.from({ length: 6 }, (_, n) => taskIdOf(n, 'f0f0f0f0'));
		api()
			.get(/\/api\/v1\/fetch\/c1c1c1c1-.*/)
			.times(6)
			.reply((uri) => [200, completedGrid(uri.split('/').at(-1))])
			.get(/\/api\/v1\/fetch\/f0f0f0f0-.*/)
			.times(6)
			.reply(404, { detail: 'Task not found' });

		const deliveries = await deliverAtOnce([...forged, ...real]);

		expect(runsOf(deliveries).sort()).toEqual(real.sort());
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('retries a verification that fails after the callback was accepted, until LinkrAPI answers', async () => {
		const taskIds = Array.from({ length: 6 }, (_, n) => taskIdOf(n, 'd2d2d2d2'));
		const last = taskIds[5];
		api()
			.get(/\/api\/v1\/fetch\/d2d2d2d2-.*0[0-4]$/)
			.times(5)
			.reply((uri) => [200, completedGrid(uri.split('/').at(-1))])
			.get(`/api/v1/fetch/${last}`)
			.times(8)
			.reply(502, { detail: 'Failed to connect to Discord' })
			.get(`/api/v1/fetch/${last}`)
			.reply(200, completedGrid(last));

		const deliveries = await deliverAtOnce(taskIds);

		const lastDelivery = deliveries.find(({ taskId }) => taskId === last);
		expect(lastDelivery?.fake.response.statusCode).toBe(202);
		expect(runsOf(deliveries).sort()).toEqual(taskIds.sort());
		expect(lastDelivery?.fake.warnings.join('\n')).toContain('retrying');
	});

	it('after accepting a callback, tries the image again, then runs without it (download_error) rather than losing it', async () => {
		const taskIds = Array.from({ length: 6 }, (_, n) => taskIdOf(n, 'e3e3e3e3'));
		api()
			.get(/\/api\/v1\/fetch\/e3e3e3e3-.*/)
			.times(6)
			.reply((uri) => [200, completedGrid(uri.split('/').at(-1))]);
		nock(CDN_HOST)
			.get(/e3e3e3e3-.*0[0-4]\/grid\.png$/)
			.times(5)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' })
			.get(/e3e3e3e3-.*05\/grid\.png$/)
			.times(3)
			.reply(503);

		const deliveries = await deliverAtOnce(taskIds, {
			params: { options: { downloadImage: true, onDownloadFailure: 'answerError' } },
		});

		const items = deliveries.flatMap(({ result }) => result?.workflowData?.[0] ?? []);
		expect(items.map((item) => item.json.task_id).sort()).toEqual(taskIds.sort());
		const withoutImage = items.find((item) => item.json.task_id === taskIds[5]);
		expect(withoutImage?.json.download_error).toEqual(expect.any(String));
		expect(withoutImage?.binary).toBeUndefined();
		expect(items.filter((item) => item.binary?.data)).toHaveLength(5);
		expect(nock.pendingMocks()).toEqual([]);
	});
});

describe('LinkrAPI Trigger: a callback whose parameters cannot be read', () => {
	it('holds nothing for it: LinkrAPI’s retry, once the expression works, starts the run', async () => {
		const taskId = taskIdOf(1, 'a4a4a4a4');
		const staticData: IDataObject = {};
		const fake = createWebhookContext({ token: TOKEN, body: { task_id: taskId }, staticData, workflowId: 'wf-throws' });
		const getNodeParameter = fake.context.getNodeParameter;
		fake.context.getNodeParameter = ((name: string, fallback?: unknown) => {
			if (name === 'options') throw new Error('Cannot read properties of undefined (the Options expression)');
			return getNodeParameter(name, fallback);
		}) as typeof fake.context.getNodeParameter;
		await expect(trigger.webhook.call(fake.context)).rejects.toThrow('Options expression');

		api().get(`/api/v1/fetch/${taskId}`).reply(200, completedGrid(taskId));
		const [retried] = await deliverAtOnce([taskId], { staticData, workflowId: 'wf-throws' });

		expect(runsOf([retried])).toEqual([taskId]);
	});
});
