import nock from 'nock';

import { API_HOST, BASE_URL } from '../../../helpers/execute-context';
import { completedGrid, imagineParameters, runningTask, submitted } from '../../../helpers/fixtures';
import { runNode } from '../../../helpers/run-node';
import { median, serveTimedJobs, type TimedTask } from '../../../helpers/timed-api';
import type { VirtualClock } from '../../../helpers/virtual-clock';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const JOB_MS = 6000;
const INTERVAL_S = 5;
const INTERVAL_MS = INTERVAL_S * 1000;
/** What one request's turn in the budget (3 per second) may add to a poll that is due */
const BUDGET_SLACK_MS = 1000;
const options = { pollInterval: INTERVAL_S, maxWait: 30 };
const imagine = imagineParameters({ options });

function upscaleEach(grids: TimedTask[]) {
	return grids.map((grid) => ({
		resource: 'task',
		operation: 'action',
		taskId: grid.id,
		action: 'upsample1',
		callbackUrl: '',
		waitMode: 'poll',
		options,
	}));
}

const holdCredentials = (apiKey: string) => ({ credentials: { apiKey, baseUrl: BASE_URL } });
const FAST_HOLD = `lkr_${'a'.repeat(32)}`;
const RELAX_HOLD = `lkr_${'b'.repeat(32)}`;

describe('waiting on a batch like a Midjourney account runs it', () => {
	it('notices a job of a fresh n8n within one Poll Interval, and promptly once it learned the job time', async () => {
		const first = serveTimedJobs(clock, JOB_MS, 3);
		await runNode({ params: imagine, items: 1 });
		expect(first.detectionDelays()[0]).toBeLessThanOrEqual(INTERVAL_MS);

		const later = serveTimedJobs(clock, JOB_MS, 3);
		await runNode({ params: imagine, items: 3 });
		expect(Math.max(...later.detectionDelays())).toBeLessThan(1000);
	});

	it('polls the first jobs while later items are still being submitted', async () => {
		const jobs = serveTimedJobs(clock, 1000, 3);

		await runNode({
			params: { ...imagine, options: { ...options, pollInterval: 2, maxRequestsPerSecond: 1 } },
			items: 8,
		});

		const lastSubmit = jobs.tasks[jobs.tasks.length - 1].submittedAt;
		expect(jobs.tasks[0].polls[0]).toBeLessThan(lastSubmit);
	});

	it('runs 30 jobs to their end on a 3-job account close to the physical limit', async () => {
		serveTimedJobs(clock, JOB_MS, 3);
		await runNode({ params: imagine, items: 3 });
		const jobs = serveTimedJobs(clock, JOB_MS, 3);
		const started = clock.now();

		const { output } = await runNode({ params: imagine, items: 30 });

		expect(jobs.tasks).toHaveLength(30);
		expect(output.every((item) => item.json.status === 'completed')).toBe(true);
		const limitMs = Math.ceil(30 / 3) * JOB_MS;
		expect(clock.now() - started).toBeLessThanOrEqual(1.1 * limitMs + INTERVAL_MS);
	});

	it('never leaves a running job unpolled for more than one Poll Interval, whatever it was expected to take', async () => {
		const runTimes = [20000, 3000, 14000, 4000, 24000, 6000, 9000, 3500, 17000, 5000, 12000, 7000];
		const jobs = serveTimedJobs(clock, ({ index }) => runTimes[index % runTimes.length], 3);

		await runNode({ params: imagine, items: 24 });

		for (const task of jobs.tasks) {
			expect(jobs.longestGapWhileRunning(task)).toBeLessThanOrEqual(INTERVAL_MS + BUDGET_SLACK_MS);
		}
		expect(Math.max(...jobs.detectionDelays())).toBeLessThanOrEqual(INTERVAL_MS + BUDGET_SLACK_MS);
	});

	it('notices a fast job after slow ones within one Poll Interval, and the estimate comes down', async () => {
		serveTimedJobs(clock, 20000, 3);
		await runNode({ params: imagine, items: 6 });

		const fast = serveTimedJobs(clock, 4000, 3);
		await runNode({ params: imagine, items: 3 });
		expect(Math.max(...fast.detectionDelays())).toBeLessThanOrEqual(INTERVAL_MS);

		const fastAgain = serveTimedJobs(clock, 4000, 3);
		await runNode({ params: imagine, items: 3 });
		expect(Math.max(...fastAgain.detectionDelays())).toBeLessThan(1000);
	});

	it('follows a slow spell: each slow job is noticed within one Poll Interval, and soon promptly', async () => {
		serveTimedJobs(clock, JOB_MS, 3);
		await runNode({ params: imagine, items: 6 });

		const slow = serveTimedJobs(clock, 15000, 3);
		await runNode({ params: imagine, items: 6 });
		expect(Math.max(...slow.detectionDelays())).toBeLessThanOrEqual(INTERVAL_MS + BUDGET_SLACK_MS);

		const slowAgain = serveTimedJobs(clock, 15000, 3);
		await runNode({ params: imagine, items: 3 });
		expect(Math.max(...slowAgain.detectionDelays())).toBeLessThan(1000);
	});

	it('does not wait for the grid time to poll an upscale, and learns the upscale time apart', async () => {
		const jobs = serveTimedJobs(clock, ({ action }) => (action === 'imagine' ? 20000 : 3000), 3);
		await runNode({ params: imagine, items: 6 });
		const grids = [...jobs.tasks];

		await runNode({ params: upscaleEach(grids) });

		const upscales = jobs.tasks.filter((task) => task.action === 'upsample1');
		expect(upscales).toHaveLength(6);
		for (const delay of jobs.detectionDelays(upscales)) expect(delay).toBeLessThanOrEqual(INTERVAL_MS);
		// The second wave of upscales ran after the first taught the upscale time.
		expect(median(jobs.detectionDelays(upscales.slice(3)))).toBeLessThan(1000);
		// …and the grids' time was not taught by the upscales.
		const moreGrids = serveTimedJobs(clock, 20000, 3);
		await runNode({ params: imagine, items: 3 });
		expect(Math.max(...moreGrids.detectionDelays())).toBeLessThan(1000);
	});

	it('learns the job time of each hold apart: a relax hold does not slow down a fast one', async () => {
		const jobs = serveTimedJobs(clock, ({ key }) => (key.endsWith(RELAX_HOLD) ? 18000 : 4000), 3);
		await runNode({ params: imagine, items: 3, ...holdCredentials(FAST_HOLD) });
		await runNode({ params: imagine, items: 3, ...holdCredentials(RELAX_HOLD) });
		const learnedBoth = jobs.tasks.length;

		await runNode({ params: imagine, items: 3, ...holdCredentials(FAST_HOLD) });
		await runNode({ params: imagine, items: 3, ...holdCredentials(RELAX_HOLD) });

		const fastAfter = jobs.tasks.slice(learnedBoth).filter((task) => task.key.endsWith(FAST_HOLD));
		const relaxAfter = jobs.tasks.slice(learnedBoth).filter((task) => task.key.endsWith(RELAX_HOLD));
		expect(Math.max(...jobs.detectionDelays(fastAfter))).toBeLessThan(1000);
		expect(Math.max(...jobs.detectionDelays(relaxAfter))).toBeLessThan(1000);
		// The relax hold's jobs are polled at its own pace, not at the fast hold's 4 s.
		expect(jobs.requestsPerTask(relaxAfter)).toBeLessThanOrEqual(18000 / INTERVAL_MS + 2);
	});

	it('polls a job deep in the queue about when the jobs ahead of it should have run, not every few seconds', async () => {
		const longJobMs = 45000;
		serveTimedJobs(clock, longJobMs, 3);
		await runNode({ params: { ...imagine, options: { ...options, maxWait: 60 } }, items: 3 });
		const jobs = serveTimedJobs(clock, longJobMs, 3);

		await runNode({ params: { ...imagine, options: { ...options, maxWait: 60 } }, items: 30 });

		expect(jobs.tasks.every((task) => task.noticedAt !== undefined)).toBe(true);
		const waitedLongest = jobs.tasks[29];
		const pollsWhileQueued = waitedLongest.polls.filter((at) => at < waitedLongest.startsAt);
		expect(pollsWhileQueued.length).toBeLessThanOrEqual(2);
	});

	it('polls a queued task every Poll Interval when no job of this execution runs ahead of it', async () => {
		const { requestTimes } = serveQueuedThenRunning(clock, 4, 2);

		await runNode({ params: imagine });

		const gaps = requestTimes.slice(1).map((at, index) => at - requestTimes[index]);
		expect(gaps.every((gap) => gap <= INTERVAL_MS)).toBe(true);
	});

	it('still notices every job when LinkrAPI starts queued jobs out of order', async () => {
		const jobs = serveJobsNewestFirst(clock, JOB_MS);

		const { output } = await runNode({ params: imagine, items: 5 });

		expect(output.map((item) => item.json.status)).toEqual(Array(5).fill('completed'));
		// The hand-over starts the wrong (oldest) task, so the others are found by their planned queued polls.
		expect(Math.max(...jobs.detectionDelays())).toBeLessThanOrEqual(30_000 + INTERVAL_MS);
	});
});

/** One task, shown queued for `queuedPolls` polls (another workflow's jobs hold the slots), then running. */
function serveQueuedThenRunning(clock: VirtualClock, queuedPolls: number, runningPolls: number) {
	const requestTimes: number[] = [];
	const statuses = [...Array(queuedPolls).fill('queued'), ...Array(runningPolls).fill('processing')];
	nock.cleanAll();
	nock(API_HOST)
		.post('/api/v1/imagine')
		.reply(200, submitted())
		.get(/\/api\/v1\/fetch\/.+/)
		.times(queuedPolls + runningPolls + 1)
		.reply(() => {
			requestTimes.push(clock.now());
			const status = statuses[requestTimes.length - 1];
			return [200, status ? runningTask(status, 0) : completedGrid()];
		});
	return { requestTimes };
}

/** A one-slot account that runs the first job, then the queued ones newest first. */
function serveJobsNewestFirst(clock: VirtualClock, durationMs: number) {
	const submittedAt: number[] = [];
	const noticedAt: Array<number | undefined> = [];
	const endOf = (index: number): number => {
		const order = [
			0,
			...submittedAt
				.map((_, i) => i)
				.slice(1)
				.reverse(),
		];
		return submittedAt[0] + (order.indexOf(index) + 1) * durationMs;
	};
	nock.cleanAll();
	nock(API_HOST)
		.persist()
		.post('/api/v1/imagine')
		.reply(() => {
			submittedAt.push(clock.now());
			return [200, submitted(`job-${submittedAt.length}`)];
		})
		.get(/\/api\/v1\/fetch\/job-\d+$/)
		.reply((uri) => {
			const index = Number(uri.split('-').pop()) - 1;
			const now = clock.now();
			const end = endOf(index);
			if (now >= end) {
				noticedAt[index] ??= now;
				return [200, completedGrid(`job-${index + 1}`)];
			}
			return [200, runningTask(now < end - durationMs ? 'queued' : 'processing', 0, `job-${index + 1}`)];
		});
	return { detectionDelays: () => submittedAt.map((_, index) => (noticedAt[index] ?? Infinity) - endOf(index)) };
}
