import axios, { type AxiosInstance } from 'axios';

import {
	ACCOUNT_FAILURES,
	DEFAULT_KEY,
	FAILURE_MESSAGES,
	maskKey,
	QUEUE_FULL_DETAIL,
	startSimulator,
	type Simulator,
} from '../../simulator';
import { action, apiClient, fetchTask, imagine, ManualClock, OTHER_KEY, useSimulator } from '../helpers/simulator';

/** A third key, its last four characters unlike the others' so the masked forms differ. */
const THIRD_KEY = `lkr_${'2'.repeat(28)}cafe`;

async function statuses(api: AxiosInstance, ids: string[]): Promise<string[]> {
	return Promise.all(ids.map(async (id) => (await fetchTask(api, id)).status as string));
}

async function submitMany(api: AxiosInstance, count: number, prompt = 'castle'): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) ids.push(await imagine(api, `${prompt} ${i}`));
	return ids;
}

function control(sim: Simulator, path: string): string {
	return `${new URL(sim.url).origin}/__sim/${path}`;
}

describe('holds: each key runs its own jobs (manual clock, 1000 ms tasks)', () => {
	const h = useSimulator({
		holds: { [DEFAULT_KEY]: { concurrency: 2 }, [OTHER_KEY]: { concurrency: 1, mode: 'relax' } },
	});

	it('runs two holds with different slots and speeds side by side, neither waiting for the other', async () => {
		const relax = apiClient(h.sim, OTHER_KEY);
		const fast = await submitMany(h.api, 3);
		const slow = await submitMany(relax, 2);

		expect(await statuses(h.api, fast)).toEqual(['sending', 'sending', 'queued']);
		expect(await statuses(relax, slow)).toEqual(['sending', 'queued']);
		h.clock!.advance(1000);
		expect(await statuses(h.api, fast)).toEqual(['completed', 'completed', 'sending']);
		expect(await statuses(relax, slow)).toEqual(['processing', 'queued']);
		h.clock!.advance(1000);
		expect(await statuses(h.api, fast)).toEqual(['completed', 'completed', 'completed']);
		expect(await statuses(relax, slow)).toEqual(['processing', 'queued']);
		h.clock!.advance(1000); // the relax hold's first job ran 3 × 1000 ms
		expect(await statuses(relax, slow)).toEqual(['completed', 'sending']);
		h.clock!.advance(3000);
		expect(await statuses(relax, slow)).toEqual(['completed', 'completed']);
		expect(h.sim.inspect().tasks.map((task) => [task.key, task.runMs])).toEqual([
			['lkr_…ffee', 1000],
			['lkr_…ffee', 1000],
			['lkr_…ffee', 1000],
			['lkr_…beef', 3000],
			['lkr_…beef', 3000],
		]);
	});

	it('starts a hold’s job at once while another hold has a long queue', async () => {
		const busy = await submitMany(h.api, 6);
		const other = await imagine(apiClient(h.sim, OTHER_KEY), 'castle of the other hold');
		expect((await statuses(h.api, busy)).filter((status) => status === 'queued')).toHaveLength(4);
		expect(await statuses(apiClient(h.sim, OTHER_KEY), [other])).toEqual(['sending']);
	});

	it('runs a turbo hold at half the time; an explicit speed wins over the mode and over keySpeeds', async () => {
		h.sim.configure({
			keySpeeds: { [DEFAULT_KEY]: 5 },
			holds: { [DEFAULT_KEY]: { speed: 2 }, [OTHER_KEY]: { mode: 'turbo' } },
		});
		await imagine(h.api, 'castle');
		await imagine(apiClient(h.sim, OTHER_KEY), 'castle');
		expect(h.sim.inspect().tasks.map((task) => task.runMs)).toEqual([2000, 500]);
	});

	it('keeps keySpeeds for a key whose hold sets no speed', async () => {
		h.sim.configure({ keySpeeds: { [DEFAULT_KEY]: 4 } });
		await imagine(h.api, 'castle');
		expect(h.sim.inspect().tasks[0].runMs).toBe(4000);
	});

	it('applies a hold’s slots changed at runtime to its new tasks only', async () => {
		h.sim.configure({ holds: { [OTHER_KEY]: { concurrency: 2 } } });
		const relax = apiClient(h.sim, OTHER_KEY);
		expect(await statuses(relax, await submitMany(relax, 3))).toEqual(['sending', 'sending', 'queued']);
		expect(await statuses(h.api, await submitMany(h.api, 3))).toEqual(['sending', 'sending', 'queued']);
	});
});

describe('queue limit (manual clock, 4000 ms tasks)', () => {
	const h = useSimulator({ taskDurationMs: 4000, holds: { [DEFAULT_KEY]: { concurrency: 2, queueLimit: 1 } } });

	it('refuses a submit beyond the slots and the queue with 429, creating no task', async () => {
		await submitMany(h.api, 3);
		h.clock!.advance(1500);
		const refused = await h.api.post('/imagine', { prompt: 'one too many' });

		expect(refused.status).toBe(429);
		expect(refused.data).toEqual({ detail: QUEUE_FULL_DETAIL });
		expect(refused.headers['retry-after']).toBe('3'); // the waiting task starts at 4000 ms
		expect(h.sim.inspect().tasks).toHaveLength(3);
		expect(h.sim.inspect().requests.at(-1)).toMatchObject({ status: 429, fault: 'queue-full' });
	});

	it('takes a submit again once a place in the queue is free', async () => {
		await submitMany(h.api, 3);
		expect((await h.api.post('/imagine', { prompt: 'one too many' })).status).toBe(429);
		h.clock!.advance(4000); // two end, the waiting one starts: the queue is empty
		const ids = await submitMany(h.api, 2, 'again');
		expect(await statuses(h.api, ids)).toEqual(['sending', 'queued']);
		expect((await h.api.post('/imagine', { prompt: 'one too many' })).status).toBe(429);
	});

	it('refuses an action as well when the queue is full', async () => {
		h.sim.configure({ holds: { [DEFAULT_KEY]: { concurrency: 1, queueLimit: 0 } } });
		const grid = await imagine(h.api, 'castle');
		h.clock!.advance(4000);
		await imagine(h.api, 'castle again');
		const refused = await action(h.api, grid, 'upsample1');
		expect([refused.status, refused.data]).toEqual([429, { detail: QUEUE_FULL_DETAIL }]);
		expect(h.sim.inspect().tasks.map((task) => task.action)).toEqual(['imagine', 'imagine']);
	});

	it('limits only the hold it is set for', async () => {
		const other = apiClient(h.sim, OTHER_KEY);
		expect(await submitMany(other, 8)).toHaveLength(8);
	});

	it('applies the global queueLimit to every key without its own', async () => {
		h.sim.configure({ queueLimit: 0, concurrency: 1 });
		const other = apiClient(h.sim, OTHER_KEY);
		await imagine(other, 'castle');
		expect((await other.post('/imagine', { prompt: 'castle 2' })).status).toBe(429);
		// the hold's own limit (1 waiting) still wins for its key
		await submitMany(h.api, 3);
		expect((await h.api.post('/imagine', { prompt: 'castle 4' })).status).toBe(429);
	});
});

describe('per-hold submit faults: suspended (403) and Discord unreachable (502)', () => {
	const h = useSimulator({ holds: { [OTHER_KEY]: { submitFaults: { status: 403 } } } });

	it('answers a suspended hold’s imagine and action 403 and creates no task, other holds unaffected', async () => {
		const other = apiClient(h.sim, OTHER_KEY);
		const refused = await other.post('/imagine', { prompt: 'castle' });
		expect([refused.status, refused.data]).toEqual([403, { detail: 'Hold account is suspended' }]);
		expect((await other.post('/action', { task_id: 'x', action: 'upsample1' })).status).toBe(403);
		expect(h.sim.inspect().tasks).toEqual([]);

		await imagine(h.api, 'castle');
		expect(h.sim.inspect().tasks.map((task) => task.key)).toEqual(['lkr_…ffee']);
		expect(h.sim.inspect().requests[0]).toMatchObject({ key: 'lkr_…beef', status: 403, fault: '403' });
	});

	it('switches at runtime: 502 with the Discord detail, then back to working', async () => {
		const other = apiClient(h.sim, OTHER_KEY);
		expect((await other.post('/imagine', { prompt: 'castle' })).status).toBe(403);

		h.sim.configure({ holds: { [OTHER_KEY]: { submitFaults: { status: 502 } } } });
		const unreachable = await other.post('/imagine', { prompt: 'castle' });
		expect([unreachable.status, unreachable.data]).toEqual([
			502,
			{ detail: 'Failed to connect to Discord. Check your Discord token.' },
		]);
		expect(h.sim.inspect().tasks).toEqual([]);

		h.sim.configure({ holds: { [OTHER_KEY]: { submitFaults: null } } });
		const id = await imagine(other, 'castle');
		expect((await fetchTask(other, id)).status).toBe('sending');
	});

	it('still lets the suspended hold fetch the tasks it made before', async () => {
		h.sim.configure({ holds: { [OTHER_KEY]: { submitFaults: null } } });
		const other = apiClient(h.sim, OTHER_KEY);
		const id = await imagine(other, 'castle');
		h.sim.configure({ holds: { [OTHER_KEY]: { submitFaults: { status: 403 } } } });
		expect((await other.get(`/fetch/${id}`)).status).toBe(200);
	});

	it('acts after authentication: a wrong key still gets 401', async () => {
		const stranger = apiClient(h.sim, `lkr_${'9'.repeat(32)}`);
		expect((await stranger.post('/imagine', { prompt: 'castle' })).status).toBe(401);
	});

	it('can suspend a hold over HTTP with POST /__sim/config', async () => {
		const changed = await axios.post(control(h.sim, 'config'), {
			holds: { [DEFAULT_KEY]: { submitFaults: { status: 502, times: 1 } } },
		});
		expect(changed.data.holds).toEqual({
			'lkr_…ffee': { submitFaults: { status: 502, times: 1 } },
			'lkr_…beef': { submitFaults: { status: 403 } },
		});
		expect((await h.api.post('/imagine', { prompt: 'castle' })).status).toBe(502);
		expect((await h.api.post('/imagine', { prompt: 'castle' })).status).toBe(200);
	});
});

describe('account-level task failures (manual clock, 1000 ms tasks)', () => {
	const h = useSimulator({ holds: { [OTHER_KEY]: { concurrency: 1 } } });

	it.each(ACCOUNT_FAILURES.map((outcome) => [outcome]))(
		'%s: the task is created, then fails early with the account problem as its error',
		async (outcome) => {
			h.sim.configure({ holds: { [OTHER_KEY]: { taskFaults: { outcome } } } });
			const other = apiClient(h.sim, OTHER_KEY);
			const id = await imagine(other, 'castle');
			expect(await fetchTask(other, id)).toMatchObject({ status: 'sending', error: null });
			h.clock!.advance(100);
			expect(await fetchTask(other, id)).toMatchObject({
				status: 'failed',
				error: FAILURE_MESSAGES[outcome],
				image_url: null,
			});
		},
	);

	it('names the cause in each error text', () => {
		expect(FAILURE_MESSAGES['fail:subscription-inactive']).toMatch(/subscription/i);
		expect(FAILURE_MESSAGES['fail:account-banned']).toMatch(/banned/i);
		expect(FAILURE_MESSAGES['fail:account-restricted']).toMatch(/restricted/i);
	});

	it('fails the next N tasks of that hold only, then runs them again; the failed ones free their slot', async () => {
		h.sim.configure({ holds: { [OTHER_KEY]: { taskFaults: { outcome: 'fail:account-banned', times: 2 } } } });
		const other = apiClient(h.sim, OTHER_KEY);
		const ids = await submitMany(other, 3);
		const fine = await imagine(h.api, 'castle on a healthy hold');

		h.clock!.advance(200); // each banned task ends after 100 ms and hands its slot on
		expect(await statuses(other, ids)).toEqual(['failed', 'failed', 'sending']);
		h.clock!.advance(1000);
		expect(await statuses(other, ids)).toEqual(['failed', 'failed', 'completed']);
		expect(await statuses(h.api, [fine])).toEqual(['completed']);
	});

	it('fails every task of the hold, actions included, without times', async () => {
		const other = apiClient(h.sim, OTHER_KEY);
		const grid = await imagine(other, 'castle');
		h.clock!.advance(1000);
		h.sim.configure({ holds: { [OTHER_KEY]: { taskFaults: { outcome: 'fail:subscription-inactive' } } } });
		const upscale = (await action(other, grid, 'upsample1')).data.task_id as string;
		const next = await imagine(other, 'castle 2');
		h.clock!.advance(1000);
		expect(await statuses(other, [grid, upscale, next])).toEqual(['completed', 'failed', 'failed']);
	});

	it('is also reachable with a prompt token', async () => {
		const id = await imagine(h.api, 'castle [[fail:account-restricted]]');
		h.clock!.advance(100);
		expect((await fetchTask(h.api, id)).error).toBe(FAILURE_MESSAGES['fail:account-restricted']);
	});
});

describe('a task belongs to the key that created it', () => {
	const h = useSimulator();

	it('answers fetch and action of another hold’s task 404, creating nothing', async () => {
		const id = await imagine(h.api, 'castle');
		h.clock!.advance(1000);
		const other = apiClient(h.sim, OTHER_KEY);

		const fetched = await other.get(`/fetch/${id}`);
		expect([fetched.status, fetched.data]).toEqual([404, { detail: 'Task not found' }]);
		const pressed = await action(other, id, 'upsample1');
		expect([pressed.status, pressed.data]).toEqual([404, { detail: 'Task not found' }]);
		expect(h.sim.inspect().tasks).toHaveLength(1);

		expect((await action(h.api, id, 'upsample1')).status).toBe(200);
	});
});

describe('inspection per hold (manual clock, 1000 ms tasks)', () => {
	const h = useSimulator({ holds: { [DEFAULT_KEY]: { concurrency: 2 }, [OTHER_KEY]: { mode: 'relax' } } });

	it('names the masked key of the hold that ran each task, with when it was queued, started and ended', async () => {
		const mine = await submitMany(h.api, 3);
		const theirs = await imagine(apiClient(h.sim, OTHER_KEY), 'castle');
		const createdAt = h.clock!.now;
		h.clock!.advance(3000);
		const records = h.sim.inspect().tasks;
		expect(records.map((task) => [task.task_id, task.key])).toEqual([
			[mine[0], maskKey(DEFAULT_KEY)],
			[mine[1], maskKey(DEFAULT_KEY)],
			[mine[2], maskKey(DEFAULT_KEY)],
			[theirs, maskKey(OTHER_KEY)],
		]);
		expect(records[2]).toMatchObject({ createdAt, startedAt: createdAt + 1000, endedAt: createdAt + 2000 });
		expect(records[3]).toMatchObject({ createdAt, startedAt: createdAt, endedAt: createdAt + 3000 });
	});

	it('shows per hold its settings, requests, and peak running and waiting tasks', async () => {
		await submitMany(h.api, 5);
		const other = apiClient(h.sim, OTHER_KEY);
		const theirs = await imagine(other, 'castle');
		await fetchTask(other, theirs);
		h.clock!.advance(1000); // two end, two start at the same instant: still two running, not four
		await h.api.get('/info');
		h.clock!.advance(5000);

		const { holds } = h.sim.inspect();
		expect(holds['lkr_…ffee']).toEqual({
			mode: 'fast',
			concurrency: 2,
			queueLimit: null,
			speed: 1,
			requests: 6,
			counts: { 'POST /imagine': 5, 'GET /info': 1 },
			tasks: 5,
			running: 0,
			queued: 0,
			peakRunning: 2,
			peakQueued: 3,
		});
		expect(holds['lkr_…beef']).toMatchObject({
			mode: 'relax',
			concurrency: 3,
			speed: 3,
			requests: 2,
			counts: { 'POST /imagine': 1, 'GET /fetch': 1 },
			tasks: 1,
			peakRunning: 1,
			peakQueued: 0,
		});
	});

	it('shows what runs and waits now', async () => {
		await submitMany(h.api, 3);
		h.clock!.advance(500);
		expect(h.sim.inspect().holds['lkr_…ffee']).toMatchObject({ running: 2, queued: 1 });
	});
});

describe('keys of holds', () => {
	let sim: Simulator;
	const clock = new ManualClock();
	afterEach(async () => {
		await sim.stop();
	});

	it('accepts the holds’ keys without a keys option, and then not the default key', async () => {
		sim = await startSimulator({ clock: clock.read, holds: { [THIRD_KEY]: { mode: 'relax' } } });
		expect((await apiClient(sim, THIRD_KEY).post('/imagine', { prompt: 'castle' })).status).toBe(200);
		expect((await apiClient(sim, DEFAULT_KEY).post('/imagine', { prompt: 'castle' })).status).toBe(401);
		expect(Object.keys(sim.inspect().holds)).toEqual(['lkr_…cafe']);
	});

	it('accepts a hold added at runtime, forgets a removed one, and refuses to remove the last key', async () => {
		sim = await startSimulator({ clock: clock.read, holds: { [THIRD_KEY]: {} } });
		sim.configure({ holds: { [OTHER_KEY]: { concurrency: 12 } } });
		expect((await apiClient(sim, OTHER_KEY).get('/info')).status).toBe(200);
		sim.configure({ holds: { [OTHER_KEY]: null } });
		expect((await apiClient(sim, OTHER_KEY).get('/info')).status).toBe(401);
		expect(() => sim.configure({ holds: { [THIRD_KEY]: null } })).toThrow(/no key left/);
		expect((await apiClient(sim, THIRD_KEY).get('/info')).status).toBe(200);
	});

	it('accepts keys and holds together', async () => {
		sim = await startSimulator({ clock: clock.read, keys: [DEFAULT_KEY], holds: { [THIRD_KEY]: {} } });
		expect((await apiClient(sim, DEFAULT_KEY).get('/info')).status).toBe(200);
		expect((await apiClient(sim, THIRD_KEY).get('/info')).status).toBe(200);
	});

	it('never records a hold’s full key, though it is not in keys', async () => {
		sim = await startSimulator({ clock: clock.read, holds: { [THIRD_KEY]: {} } });
		const api = apiClient(sim, THIRD_KEY);
		await api.post('/imagine', { prompt: `leaked ${THIRD_KEY}` }, { headers: { 'X-Echo': THIRD_KEY } });
		const text = JSON.stringify(sim.inspect());
		const config = JSON.stringify((await axios.get(control(sim, 'config'))).data);
		expect(text).not.toContain(THIRD_KEY);
		expect(config).not.toContain(THIRD_KEY);
		expect(text).toContain('lkr_…cafe');
	});
});

describe('changing holds at runtime', () => {
	const h = useSimulator({ holds: { [DEFAULT_KEY]: { concurrency: 2, submitFaults: { status: 502, every: 2 } } } });

	it('merges a change into the hold, field by field; null goes back to the global option', async () => {
		expect((await h.api.post('/imagine', { prompt: 'castle' })).status).toBe(200);
		h.sim.configure({ holds: { [DEFAULT_KEY]: { mode: 'relax' } } });
		// the untouched rule counts on: this is its second submit
		expect((await h.api.post('/imagine', { prompt: 'castle' })).status).toBe(502);
		expect(h.sim.inspect().holds['lkr_…ffee']).toMatchObject({ mode: 'relax', concurrency: 2, speed: 3 });

		h.sim.configure({ holds: { [DEFAULT_KEY]: { concurrency: null } } });
		expect(h.sim.inspect().holds['lkr_…ffee']).toMatchObject({ mode: 'relax', concurrency: 3 });
	});

	it('rejects invalid hold settings, naming the field', () => {
		expect(() => h.sim.configure({ holds: { [DEFAULT_KEY]: { concurrency: 0 } } })).toThrow(/holds/);
		expect(() => h.sim.configure({ holds: { [DEFAULT_KEY]: { speed: -1 } } })).toThrow(/speed/);
		expect(() => h.sim.configure({ holds: { [DEFAULT_KEY]: { slots: 3 } as never } })).toThrow(/slots/);
		expect(() => h.sim.configure({ queueLimit: -1 })).toThrow(/queueLimit/);
	});
});

describe('/v1/info of a hold', () => {
	const h = useSimulator({
		holds: { [DEFAULT_KEY]: { concurrency: 12 }, [OTHER_KEY]: { mode: 'relax', concurrency: 1 } },
	});

	it('reports the hold’s mode, its plan by slots, and its waiting jobs in the counter of its mode', async () => {
		const relax = apiClient(h.sim, OTHER_KEY);
		await submitMany(relax, 3);
		expect((await relax.get('/info')).data.data).toMatchObject({
			subscription: 'Standard',
			job_mode: 'relax',
			running_jobs: '1',
			queued_jobs_relax: '2',
			queued_jobs_fast: '0',
		});
		expect((await h.api.get('/info')).data.data).toMatchObject({ subscription: 'Pro', job_mode: 'fast' });
	});
});
