import { assertExecutionStatus, nodeOutput } from '../../e2e/harness';
import { E2E_TEST_TIMEOUT_MS, startTestbed, type Testbed } from './support/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const DEFAULT_MAX_REQUESTS_PER_SECOND = 3;
/**
 * The node spaces requests exactly 1/rps apart when it sends them; transit jitter can still land a 4th arrival inside
 * one 1-second window at the simulator, so the peak gets one request of slack and the average is checked exactly.
 */
const ARRIVAL_JITTER_SLACK = 1;

describe('A batch of 20 prompts through one Imagine node, in a real n8n', () => {
	let bed: Testbed;

	beforeAll(async () => {
		bed = await startTestbed({ taskDurationMs: 500, concurrency: 3 });
	});

	afterAll(async () => {
		await bed?.stop();
	});

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
			expect(peak).toBeLessThanOrEqual(DEFAULT_MAX_REQUESTS_PER_SECOND + ARRIVAL_JITTER_SLACK);
		}
		const arrivals = seen.requests.map((request) => request.at);
		const spanSeconds = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
		expect((arrivals.length - 1) / spanSeconds).toBeLessThanOrEqual(DEFAULT_MAX_REQUESTS_PER_SECOND * 1.02);
	});
});
