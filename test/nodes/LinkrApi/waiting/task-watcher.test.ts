import nock from 'nock';

import { API_HOST } from '../../../helpers/execute-context';
import { completedGrid, imagineParameters, runningTask, submitted } from '../../../helpers/fixtures';
import { runNode } from '../../../helpers/run-node';
import { median, serveTimedJobs } from '../../../helpers/timed-api';
import type { VirtualClock } from '../../../helpers/virtual-clock';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const JOB_MS = 6000;
const INTERVAL_S = 5;
const options = { pollInterval: INTERVAL_S, maxWait: 30 };
const imagine = imagineParameters({ options });

describe('waiting on a batch like a Midjourney account runs it', () => {
	it('learns the job time, then notices jobs end within a fraction of the poll interval', async () => {
		const first = serveTimedJobs(clock, JOB_MS, 3);
		await runNode({ params: imagine, items: 1 });
		// Nothing learned yet: polls at acceptance + 5 s and + 10 s, so the 6-second job is noticed 4 s late.
		expect(first.detectionDelays()[0]).toBeGreaterThan(3000);

		const delaysPerRun: number[] = [];
		for (let run = 0; run < 3; run++) {
			const jobs = serveTimedJobs(clock, JOB_MS, 3);
			await runNode({ params: imagine, items: 3 });
			expect(jobs.tasks).toHaveLength(3);
			delaysPerRun.push(Math.max(...jobs.detectionDelays()));
		}

		expect(delaysPerRun[2]).toBeLessThan(1000);
		expect(delaysPerRun[2]).toBeLessThan(first.detectionDelays()[0]);
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

	it('finishes 30 jobs on a 3-job account close to the physical limit, without polling queued jobs over and over', async () => {
		serveTimedJobs(clock, JOB_MS, 3);
		await runNode({ params: imagine, items: 3 });
		const jobs = serveTimedJobs(clock, JOB_MS, 3);
		const started = clock.now();

		const { output } = await runNode({ params: imagine, items: 30 });

		expect(jobs.tasks).toHaveLength(30);
		expect(output.every((item) => item.json.status === 'completed')).toBe(true);
		const limitMs = Math.ceil(30 / 3) * JOB_MS;
		expect(clock.now() - started).toBeLessThanOrEqual(1.1 * limitMs + INTERVAL_S * 1000);
		expect(jobs.requestsPerTask()).toBeLessThanOrEqual(JOB_MS / (INTERVAL_S * 1000) + 2);
		// Phase-locked polling would notice every 6-second job 4 s late, and queued ones far later; the benchmark
		// (npm run bench) measures the real figure against its target.
		expect(median(jobs.detectionDelays())).toBeLessThan(INTERVAL_S * 1000);
	});

	it('never polls one task more often than its poll interval', async () => {
		const jobs = serveTimedJobs(clock, 20000, 2);

		await runNode({ params: { ...imagine, options: { ...options, pollInterval: 3 } }, items: 5 });

		for (const task of jobs.tasks) {
			const gaps = task.polls.slice(1).map((at, index) => at - task.polls[index]);
			for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2999);
		}
	});

	it('spreads the first looks of a fresh batch to learn the job time, so even 10 jobs are noticed promptly', async () => {
		const jobs = serveTimedJobs(clock, JOB_MS, 3);
		const started = clock.now();

		await runNode({ params: imagine, items: 10 });

		// Nothing learned before: looking at every first job at +5 s and +10 s would notice each 6-second job 4 s late
		// and start the queued ones from that late notice.
		expect(median(jobs.detectionDelays())).toBeLessThanOrEqual((INTERVAL_S * 1000) / 2 + 500);
		expect(clock.now() - started).toBeLessThanOrEqual(1.25 * Math.ceil(10 / 3) * JOB_MS);
	});

	it('looks at a job deep in the queue about when the jobs ahead of it should have run, not every few seconds', async () => {
		const longJobMs = 45000;
		serveTimedJobs(clock, longJobMs, 3);
		await runNode({ params: { ...imagine, options: { ...options, maxWait: 60 } }, items: 3 });
		const jobs = serveTimedJobs(clock, longJobMs, 3);

		await runNode({ params: { ...imagine, options: { ...options, maxWait: 60 } }, items: 30 });

		expect(jobs.tasks.every((task) => task.noticedAt !== undefined)).toBe(true);
		const waitedLongest = jobs.tasks[29];
		const looksWhileQueued = waitedLongest.polls.filter((at) => at < waitedLongest.startsAt);
		expect(looksWhileQueued.length).toBeLessThanOrEqual(2);
		expect(jobs.requestsPerTask()).toBeLessThanOrEqual(longJobMs / (INTERVAL_S * 1000) + 2);
	});

	it('still notices every job when LinkrAPI starts queued jobs out of order', async () => {
		const jobs = serveJobsNewestFirst(clock, JOB_MS);

		const { output } = await runNode({ params: imagine, items: 5 });

		expect(output.map((item) => item.json.status)).toEqual(Array(5).fill('completed'));
		// The hand-over starts the wrong (oldest) task, so the others are found by their back-off looks instead.
		expect(Math.max(...jobs.detectionDelays())).toBeLessThanOrEqual(30_000 + INTERVAL_S * 1000);
	});
});

/** A one-slot account that runs the first job, then the queued ones newest first. */
function serveJobsNewestFirst(clock: VirtualClock, durationMs: number) {
	const submittedAt: number[] = [];
	const polls: number[][] = [];
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
			polls.push([]);
			return [200, submitted(`job-${submittedAt.length}`)];
		})
		.get(/\/api\/v1\/fetch\/job-\d+$/)
		.reply((uri) => {
			const index = Number(uri.split('-').pop()) - 1;
			const now = clock.now();
			polls[index].push(now);
			const end = endOf(index);
			if (now >= end) {
				noticedAt[index] ??= now;
				return [200, completedGrid(`job-${index + 1}`)];
			}
			return [200, runningTask(now < end - durationMs ? 'queued' : 'processing', 0, `job-${index + 1}`)];
		});
	return { detectionDelays: () => submittedAt.map((_, index) => (noticedAt[index] ?? Infinity) - endOf(index)) };
}
