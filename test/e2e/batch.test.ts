import { assertExecutionStatus, nodeOutput } from '../../real-n8n/harness';
import { E2E_TEST_TIMEOUT_MS, useTestbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const DEFAULT_MAX_REQUESTS_PER_SECOND = 3;

describe('A batch of 20 prompts through one Imagine node, in a real n8n', () => {
	const bed = useTestbed({ taskDurationMs: 500, concurrency: 3 });

	it('outputs one completed task per input item, in input order, within the request budget', async () => {
		const workflow = await bed.deploy('batch.json');

		const run = await bed.run(workflow, { count: 20 });

		assertExecutionStatus(run.execution, 'success');
		const items = nodeOutput(run.execution, 'Imagine');
		expect(items).toHaveLength(20);
		items.forEach((item, index) => {
			expect(item.json).toMatchObject({ status: 'completed', prompt: `batch prompt ${index + 1} --ar 1:1` });
			expect(item.pairedItem).toEqual({ item: index });
		});
		expect(new Set(items.map((item) => item.json.task_id)).size).toBe(20);

		const seen = bed.sim.inspect();
		expect(seen.counts['POST /imagine']).toBe(20);
		expect(seen.tasks.every((task) => task.status === 'completed')).toBe(true);
		// The node's default "Max Requests per Second" (3) holds for the whole batch: submits and status checks.
		for (const peak of Object.values(seen.peakRequestsPerSecond)) {
			expect(peak).toBeLessThanOrEqual(DEFAULT_MAX_REQUESTS_PER_SECOND);
		}
		const arrivals = seen.requests.map((request) => request.at);
		const spanSeconds = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
		expect((arrivals.length - 1) / spanSeconds).toBeLessThanOrEqual(DEFAULT_MAX_REQUESTS_PER_SECOND * 1.02);
	});

	it('finishes a 24-item batch through injected 429s on submit and 500s on status checks, with no duplicate job', async () => {
		bed.sim.reset();
		bed.sim.configure({
			submitFaults: { status: 429, retryAfterSeconds: 1, every: 5 },
			fetchFaults: { status: 500, every: 4 },
		});
		try {
			const workflow = await bed.deploy('batch.json');

			const run = await bed.run(workflow, { count: 24 });

			assertExecutionStatus(run.execution, 'success');
			const items = nodeOutput(run.execution, 'Imagine');
			expect(items.map((item) => item.json.status)).toEqual(Array(24).fill('completed'));
			const seen = bed.sim.inspect();
			const answered = (route: string, status: number) =>
				seen.requests.filter((request) => `${request.method} ${request.path}`.includes(route) && request.status === status).length;
			expect(answered('POST /api/v1/imagine', 429)).toBeGreaterThan(0);
			expect(answered('GET /api/v1/fetch', 500)).toBeGreaterThan(0);
			// A 429 means no job was created: the node resubmits it, and LinkrAPI ends up with exactly one task per prompt.
			expect(seen.tasks).toHaveLength(24);
			expect(new Set(seen.tasks.map((task) => task.prompt)).size).toBe(24);
			for (const peak of Object.values(seen.peakRequestsPerSecond)) {
				expect(peak).toBeLessThanOrEqual(DEFAULT_MAX_REQUESTS_PER_SECOND);
			}
		} finally {
			bed.sim.configure({ submitFaults: null, fetchFaults: null });
		}
	});
});
