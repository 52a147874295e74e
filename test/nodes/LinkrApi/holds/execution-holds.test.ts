import nock from 'nock';

import { API_HOST, BASE_URL } from '../../../helpers/execute-context';
import { imagineParameters } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { serveTimedJobs, type TimedHolds, type TimedTask } from '../../../helpers/timed-api';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';
import { sleep } from 'n8n-workflow';
import { FIRST_REST_MS } from '../../../../nodes/shared/hold-ledger';
import { HAND_OVER_EARLY_MS } from '../../../../nodes/LinkrApi/holds/placement';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const KEYS = {
	fast1: 'lkr_11111111111111111111111111111111',
	fast2: 'lkr_22222222222222222222222222222222',
	relax: 'lkr_33333333333333333333333333333333',
	fast3: 'lkr_44444444444444444444444444444444',
};
const holdOfKey = (bearer: string) => (Object.entries(KEYS).find(([, key]) => bearer === `Bearer ${key}`) ?? ['?'])[0];

const pool = (...names: Array<keyof typeof KEYS>) => ({
	baseUrl: BASE_URL,
	holds: { hold: names.map((name) => ({ name, apiKey: KEYS[name], jobsAtOnce: 3, jobsWaiting: 0 })) },
});
const onPool = (extra: Record<string, unknown> = {}) =>
	imagineParameters({ authentication: 'holdPool', hold: '', options: { pollInterval: 5 }, ...extra });

/** Fast holds run a grid in 6 s; the relax hold three times slower. */
const runTime = ({ key }: { key: string }) => (holdOfKey(key) === 'relax' ? 18_000 : 6_000);

function serve(holds: TimedHolds = {}) {
	return serveTimedJobs(clock, runTime, 3, holds);
}

const jobsOf = (tasks: TimedTask[], hold: string) => tasks.filter((task) => holdOfKey(task.key) === hold);
const jobsPerHold = (tasks: TimedTask[], ...holds: string[]) => holds.map((hold) => jobsOf(tasks, hold).length);
const fetchOnPool = (taskId: string) => ({
	resource: 'task',
	operation: 'fetch',
	authentication: 'holdPool',
	hold: '',
	taskId,
	waitMode: 'none',
	options: {},
});
const threeFast = () => pool('fast1', 'fast2', 'fast3');
/** Single-item executions started at once, each its own context, as n8n runs concurrent webhook calls. */
const concurrentRuns = async (count: number, options: Parameters<typeof runNode>[0]) =>
	await Promise.all(
		Array.from({ length: count }, async (_, index) => await runNode({ ...options, executionId: `e${index}` })),
	);

describe('Hold pool: a batch shared out among holds', () => {
	it('gives 6 prompts to 2 holds of 3 slots at once, each item naming its hold, each hold polled with its own key', async () => {
		const jobs = serve();

		const { output } = await runNode({ params: onPool(), items: 6, pool: pool('fast1', 'fast2') });

		expect(jobsOf(jobs.tasks, 'fast1')).toHaveLength(3);
		expect(jobsOf(jobs.tasks, 'fast2')).toHaveLength(3);
		expect(Math.max(...jobs.tasks.map((task) => task.startsAt - task.submittedAt))).toBe(0);
		expect(output.map((item) => item.json.status)).toEqual(Array(6).fill('completed'));
		for (const item of output) {
			const task = jobs.tasks.find((candidate) => candidate.id === item.json.task_id) as TimedTask;
			expect(item.json.hold).toBe(holdOfKey(task.key));
			// every poll of a task went to its own hold (another hold's key would have been answered 404)
			expect(task.noticedAt).toBeDefined();
		}
	});

	it('reads and checks the pool once for the whole execution, however many requests it sends', async () => {
		serve();

		const { fake } = await runNode({ params: onPool(), items: 6, pool: pool('fast1', 'fast2') });

		expect(fake.authenticatedCalls).toBeGreaterThan(12);
		expect(fake.credentialReads).toEqual(['linkrApiHoldPoolApi']);
	});

	it('hands jobs out late: the 7th and 8th prompts go out only when a slot frees, nothing waits in a hold’s own queue', async () => {
		const jobs = serve();

		const { output } = await runNode({ params: onPool(), items: 8, pool: pool('fast1', 'fast2') });

		expect(output).toHaveLength(8);
		const [seventh, eighth] = jobs.tasks.slice(6);
		const firstEnd = Math.min(...jobs.tasks.slice(0, 6).map((task) => task.endsAt));
		expect(seventh.submittedAt).toBeGreaterThanOrEqual(firstEnd);
		expect(eighth.submittedAt).toBeGreaterThanOrEqual(firstEnd);
		// never queued at Midjourney: each started as it was submitted
		expect(jobs.tasks.every((task) => task.startsAt === task.submittedAt)).toBe(true);
	});

	it('once job times are learned, hands the next job over just before a slot frees, so the account starts it at once', async () => {
		const jobs = serve();

		await runNode({ params: onPool(), items: 12, pool: pool('fast1') });

		const handedEarly = jobs.tasks.filter(
			(task) => task.startsAt > task.submittedAt && jobs.tasks.some((earlier) => earlier.endsAt === task.startsAt),
		);
		expect(handedEarly.length).toBeGreaterThan(0);
		// a second before the learned end, which may itself be a little early: never long in the account's queue
		for (const task of jobs.tasks) expect(task.startsAt - task.submittedAt).toBeLessThanOrEqual(2 * HAND_OVER_EARLY_MS);
	});

	it('gives a relax hold fewer jobs once it is found slower, and ends sooner than a round robin would', async () => {
		const jobs = serve();
		const started = clock.now();

		await runNode({ params: onPool(), items: 18, pool: pool('fast1', 'fast2', 'relax') });

		const wall = clock.now() - started;
		const relaxJobs = jobsOf(jobs.tasks, 'relax').length;
		expect(relaxJobs).toBeLessThan(6);
		// Round robin: 6 jobs on the relax hold alone take 2 × 18 s.
		expect(wall).toBeLessThan(36_000);
	});
});

describe('Hold pool: failover', () => {
	it('moves past a suspended hold (403) and a disconnected one (502): nothing is lost, later items skip them', async () => {
		const refusals: Record<string, [number, Record<string, unknown>]> = {
			[`Bearer ${KEYS.fast1}`]: [403, { detail: 'Hold account is suspended' }],
			[`Bearer ${KEYS.fast2}`]: [502, { detail: 'Failed to connect to Discord' }],
		};
		const jobs = serve({ refuseSubmit: (key) => refusals[key] });

		const { output } = await runNode({ params: onPool(), items: 4, pool: pool('fast1', 'fast2', 'relax') });

		expect(output.map((item) => [item.json.status, item.json.hold])).toEqual(Array(4).fill(['completed', 'relax']));
		expect(jobs.tasks).toHaveLength(4);
		expect(jobsOf(jobs.tasks, 'relax')).toHaveLength(4);
	});

	it('names every hold and why it is out when none is left, and the tasks already submitted', async () => {
		let fast1Submits = 0;
		const jobs = serve({
			refuseSubmit: (key) => {
				if (key === `Bearer ${KEYS.fast2}`) return [502, { detail: 'Failed to connect to Discord' }];
				// the first prompt runs on fast1; then fast1 is suspended too
				return key === `Bearer ${KEYS.fast1}` && fast1Submits++ > 0
					? [403, { detail: 'Hold account is suspended' }]
					: undefined;
			},
		});

		const error = await runNodeError({ params: onPool(), items: 2, pool: pool('fast1', 'fast2') });

		expect(error.message).toBe('No hold of the hold pool is left to take the job');
		expect(error.description).toContain('fast1: its hold is suspended (HTTP 403)');
		expect(error.description).toContain('fast2: LinkrAPI could not reach its Discord account (HTTP 502)');
		expect(error.description).toContain(`item 0: ${jobs.tasks[0].id}`);
	});

	it('takes a hold whose account Midjourney refused out of rotation for later items; that item is reported as failed', async () => {
		const jobs = serve({
			failJob: (key) =>
				key === `Bearer ${KEYS.fast1}`
					? 'Midjourney: Account banned. This Discord account has been banned.'
					: undefined,
		});

		const { output } = await runNode({
			params: onPool(),
			items: 9,
			pool: pool('fast1', 'fast2'),
			continueOnFail: true,
		});

		const failed = output.filter((item) => typeof item.json.error === 'string');
		expect(failed.length).toBeGreaterThan(0);
		expect(failed.every((item) => item.json.hold === 'fast1')).toBe(true);
		// once the first failure was seen, every later job went to fast2
		const firstFailureNoticed = Math.min(...jobsOf(jobs.tasks, 'fast1').map((task) => task.noticedAt ?? Infinity));
		expect(
			jobs.tasks.filter((task) => task.submittedAt > firstFailureNoticed && holdOfKey(task.key) === 'fast1'),
		).toEqual([]);
	});
});

describe('Hold pool: follow-ups go to the hold that owns the task', () => {
	const upscale = (extra: Record<string, unknown> = {}) => ({
		resource: 'task',
		operation: 'action',
		authentication: 'holdPool',
		hold: '',
		taskId: '={{ $json.task_id }}',
		action: 'upsample1',
		customId: '',
		callbackUrl: '',
		waitMode: 'poll',
		options: { pollInterval: 5 },
		...extra,
	});

	it('presses the button with the key of the hold the input item names', async () => {
		const jobs = serve();
		const grid = await runNode({ params: onPool(), items: 1, pool: pool('fast1', 'fast2') });
		const { task_id: taskId, hold } = grid.output[0].json as { task_id: string; hold: string };

		const { output } = await runNode({
			params: upscale({ taskId }),
			pool: pool('fast1', 'fast2'),
			inputJson: [{ task_id: taskId, hold }],
		});

		const upscaleTask = jobs.tasks.find((task) => task.id === output[0].json.task_id) as TimedTask;
		expect(holdOfKey(upscaleTask.key)).toBe(hold);
		expect(output[0].json).toMatchObject({ source_task_id: taskId, hold, status: 'completed' });
	});

	it('finds the owner by asking the holds in turn (404: not this one) when the input names none', async () => {
		const jobs = serve();
		const grid = await runNode({ params: onPool({ hold: 'fast2' }), pool: pool('fast1', 'fast2') });
		const taskId = grid.output[0].json.task_id as string;
		expect(grid.output[0].json.hold).toBe('fast2');

		const { output } = await runNode({ params: fetchOnPool(taskId), pool: pool('fast1', 'fast2') });

		expect(output[0].json).toMatchObject({ task_id: taskId, hold: 'fast2', status: 'completed' });
		expect(jobs.tasks).toHaveLength(1);
	});
});

describe('Hold pool: bad input, before any request', () => {
	it.each([
		['a Hold naming no hold of the pool', { hold: 'gone' }, pool('fast1'), 'The Hold "gone" is not a hold of the pool'],
		[
			'duplicate hold names',
			{},
			{
				baseUrl: BASE_URL,
				holds: {
					hold: [
						{ name: 'a', apiKey: KEYS.fast1 },
						{ name: 'A', apiKey: KEYS.fast2 },
					],
				},
			},
			'Two holds of the hold pool are named "A"',
		],
		['an empty pool', {}, { baseUrl: BASE_URL, holds: {} }, 'The hold pool has no holds'],
		[
			'a key without lkr_',
			{},
			{ baseUrl: BASE_URL, holds: { hold: [{ name: 'a', apiKey: 'sk-1' }] } },
			'The API Key of Hold "a" does not start with lkr_',
		],
		[
			'jobs at once outside 1–15',
			{},
			{ baseUrl: BASE_URL, holds: { hold: [{ name: 'a', apiKey: KEYS.fast1, jobsAtOnce: 16 }] } },
			'Jobs at Once of Hold "a" must be a whole number from 1 to 15',
		],
	])('refuses %s', async (_case, extra, credential, message) => {
		nock.disableNetConnect();
		const error = await runNodeError({ params: onPool(extra), pool: credential });
		expect(error.message).toBe(message);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('refuses a Hold set with a one-hold credential, naming the field', async () => {
		const error = await runNodeError({ params: imagineParameters({ hold: 'fast1' }) });
		expect(error.message).toBe('The Hold field is set, but the node uses one hold');
	});
});

describe('Hold pool: Get Info', () => {
	it('outputs an item per hold; a hold that fails says why, the others still answer', async () => {
		const info = { status: 'SUCCESS', data: { subscription: 'Standard', job_mode: 'fast' } };
		nock(API_HOST)
			.get('/api/v1/info')
			.times(2)
			.reply(function () {
				return this.req.headers.authorization === `Bearer ${KEYS.fast2}`
					? [403, { detail: 'Hold account is suspended' }]
					: [200, info];
			});

		const { output } = await runNode({
			params: { resource: 'account', operation: 'getInfo', authentication: 'holdPool' },
			pool: pool('fast1', 'fast2'),
		});

		expect(output.map((item) => item.json.hold)).toEqual(['fast1', 'fast2']);
		expect(output[0].json).toMatchObject({ data: { subscription: 'Standard' } });
		expect(output[1].json).toMatchObject({ error: 'The LinkrAPI hold (Discord account) is suspended' });
	});
});

describe('Hold pool: one hold ledger for every execution of the process', () => {
	it('spreads 9 concurrent single-item executions over 3 holds: 3 each, none waits in an account’s queue', async () => {
		const jobs = serve();
		const started = clock.now();

		const runs = await concurrentRuns(9, { params: onPool(), items: 1, pool: threeFast() });

		expect(runs.map((run) => run.output[0].json.status)).toEqual(Array(9).fill('completed'));
		expect(jobsPerHold(jobs.tasks, 'fast1', 'fast2', 'fast3')).toEqual([3, 3, 3]);
		expect(jobs.tasks.every((task) => task.startsAt === task.submittedAt)).toBe(true);
		// one job time (6 s) and its detection (the Poll Interval, 5 s)
		expect(clock.now() - started).toBeLessThanOrEqual(11_000);
	});

	it('keeps the 10th to 12th concurrent executions in n8n until a slot frees anywhere (Jobs Allowed to Wait 0)', async () => {
		const jobs = serve();

		await concurrentRuns(12, { params: onPool(), items: 1, pool: threeFast() });

		expect(jobs.tasks).toHaveLength(12);
		expect(jobs.tasks.every((task) => task.startsAt === task.submittedAt)).toBe(true);
		const firstEnd = Math.min(...jobs.tasks.slice(0, 9).map((task) => task.endsAt));
		expect(Math.min(...jobs.tasks.slice(9).map((task) => task.submittedAt))).toBeGreaterThanOrEqual(firstEnd);
	});

	it('spreads a Don’t Wait batch by expected end: jobs nobody waits for still count on their hold', async () => {
		const jobs = serve();

		const { output } = await runNode({ params: onPool({ waitMode: 'none' }), items: 18, pool: threeFast() });

		expect(jobsPerHold(jobs.tasks, 'fast1', 'fast2', 'fast3')).toEqual([6, 6, 6]);
		for (const item of output) {
			const task = jobs.tasks.find((candidate) => candidate.id === item.json.task_id) as TimedTask;
			expect(item.json.hold).toBe(holdOfKey(task.key));
		}
	});

	it('counts a Don’t Wait batch of an earlier execution when the next one places its jobs', async () => {
		const jobs = serve();
		await runNode({ params: onPool({ waitMode: 'none', hold: 'fast1' }), items: 3, pool: pool('fast1', 'fast2') });
		expect(jobsPerHold(jobs.tasks, 'fast1', 'fast2')).toEqual([3, 0]);

		await runNode({ params: onPool(), items: 3, pool: pool('fast1', 'fast2') });

		expect(jobsPerHold(jobs.tasks, 'fast1', 'fast2')).toEqual([3, 3]);
	});

	it('counts the jobs of a one-hold credential for a pool that has the same key', async () => {
		const jobs = serve();
		await runNode({
			params: imagineParameters({ waitMode: 'none' }),
			items: 3,
			credentials: { apiKey: KEYS.fast1, baseUrl: BASE_URL },
		});

		await runNode({ params: onPool(), items: 3, pool: pool('fast1', 'fast2') });

		expect(jobsPerHold(jobs.tasks, 'fast1', 'fast2')).toEqual([3, 3]);
		expect(jobs.tasks.every((task) => task.startsAt === task.submittedAt)).toBe(true);
	});

	it('rests a refused hold for every execution, then tries it again once its rest is over', async () => {
		let refusing = true;
		const submitsTo = { fast1: 0 };
		const jobs = serve({
			refuseSubmit: (key) => {
				if (key !== `Bearer ${KEYS.fast1}`) return undefined;
				submitsTo.fast1++;
				return refusing ? [403, { detail: 'Hold account is suspended' }] : undefined;
			},
		});
		const first = await runNode({ params: onPool(), items: 1, pool: pool('fast1', 'fast2') });
		expect(first.output[0].json.hold).toBe('fast2');
		expect(submitsTo.fast1).toBe(1);
		expect(first.fake.warnings.join('\n')).toMatch(
			/Hold "fast1" rests until \d\d:\d\d:\d\d UTC for every execution: its hold is suspended \(HTTP 403\)/,
		);
		refusing = false;

		await runNode({ params: onPool(), items: 1, pool: pool('fast1', 'fast2'), executionId: 'another' });
		expect(submitsTo.fast1).toBe(1);

		clock.advance(FIRST_REST_MS);
		const third = await runNode({ params: onPool(), items: 1, pool: pool('fast1', 'fast2'), executionId: 'later' });
		expect(third.output[0].json.hold).toBe('fast1');
		expect(submitsTo.fast1).toBe(2);
		expect(jobs.tasks.map((task) => holdOfKey(task.key))).toEqual(['fast2', 'fast2', 'fast1']);
	});

	it('names each hold and the time its rest ends when every hold rests', async () => {
		serve({ refuseSubmit: () => [502, { detail: 'Failed to connect to Discord' }] });
		await runNodeError({ params: onPool(), items: 1, pool: pool('fast1', 'fast2') });

		const error = await runNodeError({ params: onPool(), items: 1, pool: pool('fast1', 'fast2'), executionId: 'b' });

		expect(error.message).toBe('No hold of the hold pool is left to take the job');
		expect(error.description).toMatch(
			/^fast1: LinkrAPI could not reach its Discord account \(HTTP 502\), rests until \d\d:\d\d:\d\d UTC; fast2: /,
		);
	});

	it('counts a hold busy while a job of ours waits in its queue although ours leave slots free: someone else uses it', async () => {
		const jobs = serve();
		jobs.othersSubmit(`Bearer ${KEYS.fast1}`, 3);
		const ours = runNode({ params: onPool(), items: 1, pool: pool('fast1', 'fast2'), executionId: 'first' });
		// The first job went to fast1 (empty as far as this process knows) and waits behind the other user's jobs.
		await sleepUntil(() => jobs.tasks[3]?.polls.some((at) => at < jobs.tasks[3].startsAt) ?? false);

		await runNode({ params: onPool(), items: 2, pool: pool('fast1', 'fast2'), executionId: 'second' });
		await ours;

		expect(holdOfKey(jobs.tasks[3].key)).toBe('fast1');
		expect(jobs.tasks.slice(4).map((task) => holdOfKey(task.key))).toEqual(['fast2', 'fast2']);
	});
});

describe('Hold pool: the owner of a task is the key that made it', () => {
	const twoPools = {
		teamA: {
			baseUrl: BASE_URL,
			holds: {
				hold: [
					{ name: 'main', apiKey: KEYS.fast1 },
					{ name: 'extra', apiKey: KEYS.fast2 },
				],
			},
		},
		teamB: {
			baseUrl: BASE_URL,
			holds: {
				hold: [
					{ name: 'main', apiKey: KEYS.fast3 },
					{ name: 'other', apiKey: KEYS.fast1 },
				],
			},
		},
	};
	it('finds a task made through another pool whose hold of the same name is another account', async () => {
		serve();
		const grid = await runNode({ params: onPool({ hold: 'main' }), pool: twoPools.teamA });
		const taskId = grid.output[0].json.task_id as string;
		const { output, fake } = await runNode({
			params: fetchOnPool(taskId),
			pool: twoPools.teamB,
			inputJson: [{ hold: 'main' }],
		});

		expect(output[0].json).toMatchObject({ task_id: taskId, hold: 'other', status: 'completed' });
		// the named "main" of this pool (another key) answered 404, then the remembered maker
		expect(fake.authenticatedOptions.map((options) => options.headers?.['x-linkrapi-hold'])).toEqual(['main', 'other']);
	});

	it('asks every hold once and names them all when none has the task', async () => {
		serve();

		const error = await runNodeError({
			params: fetchOnPool('job-404'),
			pool: twoPools.teamB,
			inputJson: [{ hold: 'other' }],
		});

		expect(error.message).toBe('Task "job-404" was not found on any hold of the pool');
		expect(error.description).toMatch(/^Asked other, main: each answered 404/);
	});
});

async function sleepUntil(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(250);
}
