import axios from 'axios';

import { DEFAULT_KEY, maskKey, startSimulator } from '../../simulator';
import { apiClient, fetchTask, imagine, OTHER_KEY, useSimulator } from '../helpers/simulator';

describe('inspection (manual clock)', () => {
	const h = useSimulator();
	const control = (path: string) => `${new URL(h.sim.url).origin}/__sim/${path}`;

	it('records method, path, body, masked headers, arrival time, status and masked key', async () => {
		await h.api.post('/imagine', { prompt: 'a koi pond' }, { headers: { 'X-Trace': 'abc' } });
		const [request] = h.sim.inspect().requests;
		expect(request).toMatchObject({
			method: 'POST',
			path: '/api/v1/imagine',
			body: { prompt: 'a koi pond' },
			at: h.clock!.now,
			status: 200,
			key: 'lkr_…ffee',
			route: 'POST /imagine',
		});
		expect(request.headers.authorization).toBe('Bearer lkr_…ffee');
		expect(request.headers['x-trace']).toBe('abc');
	});

	it('never holds a full key, wherever a client put it', async () => {
		const unknownKey = `lkr_${'a'.repeat(32)}`;
		await h.api.post('/imagine', { prompt: `leaked ${DEFAULT_KEY}` });
		await h.api.get(`/fetch/${OTHER_KEY}?key=${DEFAULT_KEY}`, {
			headers: { 'X-Api-Key': DEFAULT_KEY },
		});
		await apiClient(h.sim, unknownKey).get('/info');
		await apiClient(h.sim, 'not-an-lkr-secret-value').get('/info');
		await axios.get(`${h.sim.cdnUrl}/attachments/1/2/x.png`, {
			headers: { Authorization: `Bearer ${DEFAULT_KEY}` },
			validateStatus: () => true,
		});

		const text = JSON.stringify(h.sim.inspect());
		const overHttp = JSON.stringify((await axios.get(control('inspect'))).data);
		for (const secret of [DEFAULT_KEY, OTHER_KEY, unknownKey, 'not-an-lkr-secret-value']) {
			expect(text).not.toContain(secret);
			expect(overHttp).not.toContain(secret);
		}
		expect(text).toContain('lkr_…ffee');
		expect(text).toContain('…alue');
	});

	it('masks keys as lkr_… plus the last four characters', () => {
		expect(maskKey(DEFAULT_KEY)).toBe('lkr_…ffee');
		expect(maskKey('short')).toBe('…');
	});

	it('counts requests per endpoint', async () => {
		const id = await imagine(h.api, 'a koi pond');
		await fetchTask(h.api, id);
		await fetchTask(h.api, id);
		await h.api.post('/action', { task_id: id, action: 'upsample1' });
		await h.api.get('/info');
		expect(h.sim.inspect().counts).toEqual({
			'POST /imagine': 1,
			'GET /fetch': 2,
			'POST /action': 1,
			'GET /info': 1,
		});
	});

	it('measures the peak requests per second per key over a sliding 1-second window', async () => {
		const other = apiClient(h.sim, OTHER_KEY);
		for (const step of [0, 300, 300, 300, 300, 1000]) {
			h.clock!.advance(step); // arrivals at 0, 300, 600, 900, 1200, 2200 ms
			await h.api.get('/info');
		}
		await other.get('/info');
		await other.get('/info');
		await apiClient(h.sim, null).get('/info');
		// (200, 1200] holds 300, 600, 900, 1200 → 4; the first 1000 ms hold 4 too; never 5.
		expect(h.sim.inspect().peakRequestsPerSecond).toEqual({
			'lkr_…ffee': 4,
			'lkr_…beef': 2,
			'(none)': 1,
		});
	});

	it('lists tasks with start, completion and first-noticed times', async () => {
		const id = await imagine(h.api, 'a koi pond', {
			webhook_url: 'http://127.0.0.1:9/hook',
		});
		const createdAt = h.clock!.now;
		expect(h.sim.inspect().tasks).toEqual([
			{
				task_id: id,
				action: 'imagine',
				status: 'sending',
				prompt: 'a koi pond',
				key: 'lkr_…ffee',
				createdAt,
				runMs: 1000,
				startedAt: createdAt,
				webhook_url: 'http://127.0.0.1:9/hook',
			},
		]);
		h.clock!.advance(1500);
		expect(h.sim.inspect().tasks[0]).toMatchObject({
			status: 'completed',
			completedAt: createdAt + 1000,
			endedAt: createdAt + 1000,
		});
		expect(h.sim.inspect().tasks[0].noticedAt).toBeUndefined();
		await fetchTask(h.api, id);
		h.clock!.advance(100);
		await fetchTask(h.api, id);
		expect(h.sim.inspect().tasks[0].noticedAt).toBe(createdAt + 1500);
	});

	it('gives no completedAt to a failed task, but an endedAt', async () => {
		await imagine(h.api, 'a koi pond [[fail]]');
		h.clock!.advance(1000);
		const [task] = h.sim.inspect().tasks;
		expect(task.completedAt).toBeUndefined();
		expect(task.endedAt).toBe(task.createdAt + 500);
	});

	it('does not record /__sim/ requests, which need no key', async () => {
		const inspect = await axios.get(control('inspect'));
		expect(inspect.status).toBe(200);
		expect(inspect.data.requests).toEqual([]);
		expect((await axios.get(control('health'))).data).toEqual({ ok: true });
	});

	it('reset clears records and tasks over HTTP and in the library', async () => {
		const id = await imagine(h.api, 'a koi pond');
		expect((await axios.post(control('reset'))).status).toBe(200);
		const { holds, ...records } = h.sim.inspect();
		expect(records).toEqual({
			requests: [],
			counts: {},
			peakRequestsPerSecond: {},
			cdnRequests: [],
			webhookDeliveries: [],
			tasks: [],
		});
		expect(holds['lkr_…ffee']).toMatchObject({ requests: 0, counts: {}, tasks: 0, peakRunning: 0, peakQueued: 0 });
		expect((await h.api.get(`/fetch/${id}`)).status).toBe(404);
	});

	it('shows the runtime config with masked keys and refuses startup-only options', async () => {
		const config = (await axios.get(control('config'))).data;
		expect(config).toMatchObject({
			keys: ['lkr_…ffee', 'lkr_…beef'],
			taskDurationMs: 1000,
			concurrency: 3,
			vocabulary: 'new',
		});
		expect(() => h.sim.configure({ port: 1234 })).toThrow('port can only be set when the simulator starts');
		expect(() => h.sim.configure({ concurrency: 0 })).toThrow(/concurrency/);
		const rejected = await axios.post(control('config'), { host: '0.0.0.0' }, { validateStatus: () => true });
		expect(rejected.status).toBe(400);
	});
});

describe('startSimulator', () => {
	it('listens on free ports by default and exposes the base URL with /api/v1', async () => {
		const sim = await startSimulator();
		try {
			expect(sim.url).toBe(`http://127.0.0.1:${sim.port}/api/v1`);
			expect(sim.cdnUrl).toBe(`http://127.0.0.1:${sim.cdnPort}`);
			expect(sim.port).toBeGreaterThan(0);
			expect(sim.cdnPort).not.toBe(sim.port);
		} finally {
			await sim.stop();
		}
	});

	it('uses a default key shaped like a real one', () => {
		expect(DEFAULT_KEY).toMatch(/^lkr_[0-9a-f]{32}$/);
	});

	it('rejects invalid options at start', async () => {
		await expect(startSimulator({ taskDurationMs: -1 })).rejects.toThrow(/taskDurationMs/);
	});

	it('stops promptly while a slow answer is pending', async () => {
		const sim = await startSimulator({ infoDelayMs: 10_000 });
		const pending = apiClient(sim)
			.get('/info')
			.catch((error: Error) => error);
		await new Promise((resolve) => setTimeout(resolve, 50));
		const started = Date.now();
		await sim.stop();
		expect(Date.now() - started).toBeLessThan(1000);
		expect(await pending).toBeInstanceOf(Error);
	});
});
