import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { pollUntil, sleep } from '../../real-n8n/harness';
import type { Simulator } from '../../simulator';
import { Task } from '../../simulator/contract';
import { action, fetchTask, imagine, SIMULATOR_POLL, useSimulator } from '../helpers/simulator';

interface Received {
	body: Record<string, unknown>;
	headers: Record<string, unknown>;
	at: number;
}

/** A webhook receiver that answers the given status codes in turn (then 200). */
async function receiver(statuses: number[] = []) {
	const received: Received[] = [];
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			received.push({
				body: JSON.parse(Buffer.concat(chunks).toString()),
				headers: request.headers,
				at: Date.now(),
			});
			response.writeHead(statuses.shift() ?? 200);
			response.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-path`;
	return {
		url,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** What the receiver got, once it got a callback. */
async function callbacksTo(hook: { received: Received[] }): Promise<Received[]> {
	return await pollUntil('a callback', () => (hook.received.length > 0 ? hook.received : undefined), SIMULATOR_POLL);
}

/** The simulator's record of its callback attempts, once there are three. */
async function threeDeliveries(sim: Simulator) {
	return await pollUntil(
		'three callback attempts',
		() => {
			const found = sim.inspect().webhookDeliveries;
			return found.length === 3 ? found : undefined;
		},
		SIMULATOR_POLL,
	);
}

describe('webhook_url callbacks (real time, 200 ms tasks, retries after 50 and 100 ms)', () => {
	const h = useSimulator({ taskDurationMs: 200, webhookRetryDelaysMs: [50, 100] }, false);

	it('POSTs the fetch-shaped task once when it completes', async () => {
		const hook = await receiver();
		try {
			const id = await imagine(h.api, 'a green parrot', {
				webhook_url: hook.url,
			});
			await callbacksTo(hook);
			await sleep(100);

			expect(hook.received).toHaveLength(1);
			const [{ body, headers, at }] = hook.received;
			expect(headers['content-type']).toBe('application/json');
			expect(Task.parse(body)).toMatchObject({
				task_id: id,
				status: 'completed',
				progress: 100,
			});
			expect(body).toEqual(await fetchTask(h.api, id));

			const task = h.sim.inspect().tasks[0];
			expect(at).toBeGreaterThanOrEqual(task.completedAt!);
			expect(task.webhook_url).toBe(hook.url);
			expect(h.sim.inspect().webhookDeliveries).toEqual([
				{
					url: hook.url,
					taskId: id,
					status: 'completed',
					attempt: 1,
					copy: 1,
					at: expect.any(Number),
					statusCode: 200,
				},
			]);
		} finally {
			await hook.close();
		}
	});

	it.each([
		['[[fail]]', 'failed'],
		['[[timeout]]', 'timeout'],
	])('also calls back when a task ends %s', async (token, status) => {
		const hook = await receiver();
		try {
			await imagine(h.api, `a green parrot ${token}`, {
				webhook_url: hook.url,
			});
			const [{ body }] = await callbacksTo(hook);
			expect(body.status).toBe(status);
		} finally {
			await hook.close();
		}
	});

	it('calls back for action tasks', async () => {
		const hook = await receiver();
		try {
			const id = await imagine(h.api, 'a green parrot');
			await pollUntil(
				`task ${id} to complete`,
				async () => ((await fetchTask(h.api, id)).status === 'completed' ? true : undefined),
				SIMULATOR_POLL,
			);
			const response = await h.api.post('/action', {
				task_id: id,
				action: 'upsample4',
				webhook_url: hook.url,
			});
			const [{ body }] = await callbacksTo(hook);
			expect(body).toMatchObject({
				task_id: response.data.task_id,
				action: 'upsample4',
				status: 'completed',
			});
		} finally {
			await hook.close();
		}
	});

	it('retries after each configured delay while the receiver answers non-2xx', async () => {
		const hook = await receiver([500, 503]);
		try {
			await imagine(h.api, 'a green parrot', { webhook_url: hook.url });
			// The simulator records an attempt once the receiver has answered, so wait on its record.
			const deliveries = await threeDeliveries(h.sim);
			expect(hook.received).toHaveLength(3);
			expect(deliveries.map((d) => [d.attempt, d.statusCode])).toEqual([
				[1, 500],
				[2, 503],
				[3, 200],
			]);
			expect(deliveries[1].at - deliveries[0].at).toBeGreaterThanOrEqual(50);
			expect(deliveries[2].at - deliveries[1].at).toBeGreaterThanOrEqual(100);
		} finally {
			await hook.close();
		}
	});

	it('sends each callback twice at once with webhookCopies 2, and retries each copy on its own', async () => {
		h.sim.configure({ webhookCopies: 2 });
		const hook = await receiver([500]);
		try {
			const id = await imagine(h.api, 'a green parrot', { webhook_url: hook.url });
			const deliveries = await threeDeliveries(h.sim);
			await sleep(200);

			expect(hook.received).toHaveLength(3);
			expect(hook.received.every(({ body }) => body.task_id === id)).toBe(true);
			// whichever copy got the 500 is retried; the other was answered 200 at once
			const refused = deliveries.find((d) => d.statusCode === 500);
			const byCopy = (copy: number) => deliveries.filter((d) => d.copy === copy).map((d) => [d.attempt, d.statusCode]);
			expect(refused?.attempt).toBe(1);
			expect(byCopy(refused?.copy ?? 0)).toEqual([
				[1, 500],
				[2, 200],
			]);
			expect(byCopy(refused?.copy === 1 ? 2 : 1)).toEqual([[1, 200]]);
		} finally {
			h.sim.configure({ webhookCopies: 1 });
			await hook.close();
		}
	});

	it('gives up after 1 + retries attempts and records network errors', async () => {
		const hook = await receiver();
		await hook.close(); // nothing listens there any more
		await imagine(h.api, 'a green parrot', { webhook_url: hook.url });
		const deliveries = await threeDeliveries(h.sim);
		await sleep(200);
		expect(h.sim.inspect().webhookDeliveries).toHaveLength(3);
		expect(deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
		expect(deliveries.every((d) => d.statusCode === undefined && /ECONNREFUSED/.test(d.error ?? ''))).toBe(true);
	});

	it('never calls back for a stuck task', async () => {
		const hook = await receiver();
		try {
			await imagine(h.api, 'a green parrot [[stuck]]', {
				webhook_url: hook.url,
			});
			await sleep(400);
			expect(hook.received).toEqual([]);
		} finally {
			await hook.close();
		}
	});

	it('drops pending callbacks on reset', async () => {
		const hook = await receiver();
		try {
			await imagine(h.api, 'a green parrot', { webhook_url: hook.url });
			h.sim.reset();
			await sleep(350);
			expect(hook.received).toEqual([]);
		} finally {
			await hook.close();
		}
	});
});

describe('webhooks with a manual clock', () => {
	const h = useSimulator({ webhookRetryDelaysMs: [] });

	it('delivers once the clock reaches the end of the task', async () => {
		const hook = await receiver();
		try {
			const id = await imagine(h.api, 'a green parrot', {
				webhook_url: hook.url,
			});
			await sleep(100);
			expect(hook.received).toEqual([]);
			h.clock!.advance(1000);
			const [{ body }] = await callbacksTo(hook);
			expect(body).toMatchObject({ task_id: id, status: 'completed' });
			expect(await action(h.api, id, 'reroll')).toHaveProperty('status', 200);
		} finally {
			await hook.close();
		}
	});
});
