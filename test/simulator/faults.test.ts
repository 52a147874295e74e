import type { AxiosInstance } from 'axios';

import { HUGE_IMAGE_BYTES, parsePromptFaults, redirectLocation } from '../../simulator/faults';
import { fetchTask, imagine, useSimulator } from '../helpers/simulator';

describe('task outcome tokens in the prompt (manual clock, 1000 ms tasks)', () => {
	const h = useSimulator();

	async function at(id: string, ms: number) {
		h.clock!.now = h.sim.inspect().tasks.find((t) => t.task_id === id)!.createdAt + ms;
		return fetchTask(h.api, id);
	}

	it('[[fail]] ends failed halfway with a Midjourney error', async () => {
		const id = await imagine(h.api, 'a tower [[fail]]');
		expect(await at(id, 499)).toMatchObject({
			status: 'processing',
			error: null,
		});
		expect(await at(id, 500)).toMatchObject({
			status: 'failed',
			error: 'Midjourney: Banned prompt detected',
			image_url: null,
			components: null,
		});
	});

	it('[[fail:subscribe]] ends failed with the "Thank you for subscribing" embed', async () => {
		const id = await imagine(h.api, 'a tower [[fail:subscribe]]');
		const task = await at(id, 500);
		expect(task.status).toBe('failed');
		expect(task.error).toMatch(/^Thank you for subscribing to Midjourney!/);
	});

	it('[[timeout]] ends with status timeout and a null error', async () => {
		const id = await imagine(h.api, 'a tower [[timeout]]');
		expect(await at(id, 999)).toMatchObject({
			status: 'processing',
			progress: 47,
		});
		expect(await at(id, 1000)).toMatchObject({
			status: 'timeout',
			error: null,
			image_url: null,
		});
	});

	it('[[stuck]] stays processing forever', async () => {
		const id = await imagine(h.api, 'a tower [[stuck]]');
		expect(await at(id, 24 * 3600 * 1000)).toMatchObject({
			status: 'processing',
			progress: 47,
		});
		expect(h.sim.inspect().tasks[0].endedAt).toBeUndefined();
	});

	it('[[unknown-status]] passes through "moderating" before completing', async () => {
		const id = await imagine(h.api, 'a tower [[unknown-status]]');
		expect((await at(id, 700)).status).toBe('processing');
		expect((await at(id, 800)).status).toBe('moderating');
		expect((await at(id, 1000)).status).toBe('completed');
	});

	it('keeps the prompt verbatim, tokens included', async () => {
		const id = await imagine(h.api, 'a tower [[unknown-status]] --ar 2:3');
		expect((await fetchTask(h.api, id)).prompt).toBe('a tower [[unknown-status]] --ar 2:3');
	});
});

describe('submit tokens in the prompt', () => {
	const h = useSimulator();

	it.each([
		['[[401]]', 401, 'Invalid or missing API key'],
		['[[403]]', 403, 'Hold account is suspended'],
		['[[404]]', 404, 'Not Found'],
		['[[500]]', 500, 'Internal Server Error'],
		['[[502]]', 502, 'Failed to connect to Discord. Check your Discord token.'],
	])('%s makes the submit answer %i with a JSON detail and create no task', async (token, status, detail) => {
		const response = await h.api.post('/imagine', {
			prompt: `a tower ${token}`,
		});
		expect(response.status).toBe(status);
		expect(response.data).toEqual({ detail });
		expect(response.headers['retry-after']).toBeUndefined();
		expect(h.sim.inspect().tasks).toEqual([]);
	});

	it('[[429]] answers 429 with Retry-After: 1', async () => {
		const response = await h.api.post('/imagine', {
			prompt: 'a tower [[429]]',
		});
		expect(response.status).toBe(429);
		expect(response.headers['retry-after']).toBe('1');
	});

	it('[[502-html]] answers an HTML error page', async () => {
		const response = await h.api.post('/imagine', {
			prompt: 'a tower [[502-html]]',
		});
		expect(response.status).toBe(502);
		expect(response.headers['content-type']).toMatch(/^text\/html/);
		expect(response.data).toMatch(/^<html>[\s\S]*502 Bad Gateway/);
	});

	it('records which fault shaped the answer', async () => {
		await h.api.post('/imagine', { prompt: 'a tower [[502-html]]' });
		expect(h.sim.inspect().requests[0]).toMatchObject({
			status: 502,
			fault: '502-html',
		});
	});

	it('parses several tokens at once and ignores unknown ones', () => {
		expect(parsePromptFaults('x [[slow:250]] [[429]] [[stuck]] [[sparkles]]')).toEqual({
			submit: { slowMs: 250, status: 429, html: false },
			outcome: 'stuck',
		});
		expect(parsePromptFaults('[not a token] [[ 500 ]]')).toEqual({});
	});
});

describe('submit tokens that need real time', () => {
	const h = useSimulator({}, false);

	it('[[slow:300]] delays the submit answer, which still succeeds', async () => {
		const started = Date.now();
		const response = await h.api.post('/imagine', {
			prompt: 'a tower [[slow:300]]',
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(response.status).toBe(200);
	});

	it('[[drop]] closes the connection without an answer', async () => {
		await expect(h.api.post('/imagine', { prompt: 'a tower [[drop]]' })).rejects.toMatchObject({
			code: 'ECONNRESET',
		});
		expect(h.sim.inspect().requests[0]).toMatchObject({
			status: 0,
			fault: 'drop',
		});
		expect(h.sim.inspect().tasks).toEqual([]);
	});
});

describe('fault options', () => {
	const h = useSimulator({}, false);

	async function fetchStatuses(api: AxiosInstance, id: string, times: number): Promise<number[]> {
		const statuses: number[] = [];
		for (let i = 0; i < times; i++) statuses.push((await api.get(`/fetch/${id}`)).status);
		return statuses;
	}

	it('fetchFaults every: 3 answers every third fetch with 429 and the given Retry-After', async () => {
		const id = await imagine(h.api, 'a tower');
		h.sim.configure({
			fetchFaults: { status: 429, every: 3, retryAfterSeconds: 2 },
		});
		expect(await fetchStatuses(h.api, id, 6)).toEqual([200, 200, 429, 200, 200, 429]);
		const throttled = h.sim.inspect().requests.filter((r) => r.status === 429);
		expect(throttled).toHaveLength(2);
		h.sim.configure({ fetchFaults: { status: 429, retryAfterSeconds: 2 } });
		expect((await h.api.get(`/fetch/${id}`)).headers['retry-after']).toBe('2');
	});

	it('fetchFaults times: 2 fails the first two fetches with 500, then lets them through', async () => {
		const id = await imagine(h.api, 'a tower');
		h.sim.configure({ fetchFaults: { status: 500, times: 2 } });
		expect(await fetchStatuses(h.api, id, 4)).toEqual([500, 500, 200, 200]);
	});

	it('fetchFaults html answers a 502 HTML page', async () => {
		const id = await imagine(h.api, 'a tower');
		h.sim.configure({ fetchFaults: { status: 502, html: true } });
		const response = await h.api.get(`/fetch/${id}`);
		expect(response.status).toBe(502);
		expect(response.headers['content-type']).toMatch(/^text\/html/);
	});

	it('fetchFaults slowMs delays fetches', async () => {
		const id = await imagine(h.api, 'a tower');
		h.sim.configure({ fetchFaults: { slowMs: 250 } });
		const started = Date.now();
		expect((await h.api.get(`/fetch/${id}`)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(240);
	});

	it('fetchFaults drop destroys the connection', async () => {
		const id = await imagine(h.api, 'a tower');
		h.sim.configure({ fetchFaults: { drop: true, every: 2 } });
		expect((await h.api.get(`/fetch/${id}`)).status).toBe(200);
		await expect(h.api.get(`/fetch/${id}`)).rejects.toMatchObject({
			code: 'ECONNRESET',
		});
	});

	it('submitFaults act on /imagine and /action, before authentication', async () => {
		h.sim.configure({ submitFaults: { status: 503 } });
		expect((await h.api.post('/imagine', { prompt: 'a tower' })).status).toBe(503);
		expect((await h.api.post('/action', { task_id: 'x', action: 'upsample1' })).status).toBe(503);
		expect((await h.api.post('/imagine', { prompt: 'a tower' }, { headers: { Authorization: '' } })).status).toBe(503);
		expect((await h.api.get('/info')).status).toBe(200);
	});

	it('infoFaults act on /info only', async () => {
		h.sim.configure({ infoFaults: { status: 502 } });
		const response = await h.api.get('/info');
		expect(response.status).toBe(502);
		expect((await h.api.post('/imagine', { prompt: 'a tower' })).status).toBe(200);
	});

	it('taskFaults give every Nth new task a faulty outcome', async () => {
		h.sim.configure({
			taskDurationMs: 50,
			taskFaults: { outcome: 'fail', every: 2 },
		});
		const ids = [
			await imagine(h.api, 'a'),
			await imagine(h.api, 'b'),
			await imagine(h.api, 'c'),
			await imagine(h.api, 'd'),
		];
		await new Promise((resolve) => setTimeout(resolve, 80));
		const statuses = await Promise.all(ids.map(async (id) => (await fetchTask(h.api, id)).status));
		expect(statuses).toEqual(['completed', 'failed', 'completed', 'failed']);
	});

	it('clears a rule with null and restarts counting when a rule is replaced', async () => {
		const id = await imagine(h.api, 'a tower');
		h.sim.configure({ fetchFaults: { status: 500, every: 2 } });
		expect(await fetchStatuses(h.api, id, 1)).toEqual([200]);
		h.sim.configure({ fetchFaults: { status: 500, every: 2 } });
		expect(await fetchStatuses(h.api, id, 2)).toEqual([200, 500]);
		h.sim.configure({ fetchFaults: null });
		expect(await fetchStatuses(h.api, id, 2)).toEqual([200, 200]);
	});

	it('can be changed over HTTP with POST /__sim/config', async () => {
		const origin = new URL(h.sim.url).origin;
		const changed = await h.api.post(`${origin}/__sim/config`, {
			fetchFaults: { status: 429, retryAfterSeconds: 5 },
		});
		expect(changed.status).toBe(200);
		expect(changed.data.fetchFaults).toEqual({
			status: 429,
			retryAfterSeconds: 5,
		});
		const response = await h.api.get('/fetch/whatever');
		expect([response.status, response.headers['retry-after']]).toEqual([429, '5']);

		const rejected = await h.api.post(`${origin}/__sim/config`, {
			fetchFaults: { status: 200 },
		});
		expect(rejected.status).toBe(400);
		expect(rejected.data.detail).toMatch(/fetchFaults/);
	});
});

describe('hardening tokens: [[redirect]] and [[huge-image]]', () => {
	const h = useSimulator();

	it('parses both tokens', () => {
		expect(parsePromptFaults('a fox [[redirect]] [[huge-image]]')).toEqual({ redirect: true, hugeImage: true });
	});

	it('[[redirect]] answers the submit 307 to the same simulator under another origin, and creates no task', async () => {
		const response = await h.api.post('/imagine', { prompt: 'a fox [[redirect]]' }, { maxRedirects: 0 });

		expect(response.status).toBe(307);
		const location = new URL(response.headers.location as string);
		const simulator = new URL(h.sim.url);
		expect(location.origin).not.toBe(simulator.origin);
		expect(location.port).toBe(simulator.port);
		expect(location.hostname).toBe(simulator.hostname === 'localhost' ? '127.0.0.1' : 'localhost');
		expect(location.pathname).toBe(`/redirected${simulator.pathname.replace(/\/$/, '')}/imagine`);
		expect(h.sim.inspect().tasks).toEqual([]);
	});

	it('redirectLocation swaps localhost and 127.0.0.1 and keeps the port', () => {
		expect(redirectLocation('127.0.0.1:4010', '/api/v1/imagine')).toBe(
			'http://localhost:4010/redirected/api/v1/imagine',
		);
		expect(redirectLocation('localhost:4010', '/x')).toBe('http://127.0.0.1:4010/redirected/x');
		expect(redirectLocation(undefined, '/x')).toBe('http://localhost/redirected/x');
	});

	it('[[huge-image]] completes, and its image is streamed chunked, without Content-Length, past 50 MB', async () => {
		const id = await imagine(h.api, 'a fox [[huge-image]]');
		h.clock!.now += 1000;
		const task = await fetchTask(h.api, id);
		expect(task.status).toBe('completed');

		const response = await fetch(task.image_url as string);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-length')).toBeNull();
		let received = 0;
		for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
		expect(received).toBe(HUGE_IMAGE_BYTES);
		expect(HUGE_IMAGE_BYTES).toBeGreaterThan(50 * 1024 * 1024);
	});
});
