import { runNode } from '../../../helpers/run-node';
import { median, serveTimedJobs } from '../../../helpers/timed-api';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
const JOB_MS = 6000;
const INTERVAL_S = 5;
const imagine = {
	resource: 'task',
	operation: 'imagine',
	prompt: 'a cat',
	referenceImageUrl: '',
	callbackUrl: '',
	waitMode: 'poll',
	options: { pollInterval: INTERVAL_S, maxWait: 30 },
};

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
			params: { ...imagine, options: { ...imagine.options, pollInterval: 2, maxRequestsPerSecond: 1 } },
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

		await runNode({ params: { ...imagine, options: { ...imagine.options, pollInterval: 3 } }, items: 5 });

		for (const task of jobs.tasks) {
			const gaps = task.polls.slice(1).map((at, index) => at - task.polls[index]);
			for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2999);
		}
	});
});
