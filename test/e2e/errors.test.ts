import {
	assertExecutionStatus,
	executionError,
	nodeError,
	nodeOutput,
	withNodeSettings,
	type WorkflowJson,
} from '../../real-n8n/harness';
import { E2E_TEST_TIMEOUT_MS, useTestbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const continueOnFail = (workflow: WorkflowJson) =>
	withNodeSettings(workflow, 'Imagine', { onError: 'continueRegularOutput' });

/** Message and description of the node error, as the editor shows them. */
function shownError(run: { execution: Parameters<typeof executionError>[0] }): string {
	const error = nodeError(run.execution, 'Imagine') ?? executionError(run.execution);
	return `${error?.message ?? ''}\n${error?.description ?? ''}`;
}

describe('Errors from LinkrAPI and from tasks, in a real n8n', () => {
	const bed = useTestbed();

	beforeEach(() => {
		bed.sim.configure({ submitFaults: null, fetchFaults: null });
		bed.sim.reset();
	});

	describe('content policy (400 on submit)', () => {
		const prompt = 'a gore scene in a castle';

		it('fails the execution with the content-policy message', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt });

			assertExecutionStatus(run.execution, 'error');
			expect(run.httpStatus).toBe(500);
			expect(nodeError(run.execution, 'Imagine')?.message).toMatch(/content policy/i);
			expect(bed.sim.inspect().counts['POST /imagine']).toBe(1);
		});

		it('outputs the message as an item with continueOnFail', async () => {
			const run = await bed.run(await bed.deploy('imagine.json', continueOnFail), { prompt });

			assertExecutionStatus(run.execution, 'success');
			const [item] = nodeOutput(run.execution, 'Imagine');
			expect(item.json.error).toMatch(/content policy/i);
			expect(item.json.task_id).toBeUndefined(); // rejected before a task existed
		});
	});

	describe('failed task', () => {
		const prompt = 'a lighthouse [[fail]]';

		it('fails the execution naming the task and Midjourney’s reason', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt });

			assertExecutionStatus(run.execution, 'error');
			const [task] = bed.sim.inspect().tasks;
			expect(task.status).toBe('failed');
			expect(shownError(run)).toContain(task.task_id);
			expect(shownError(run)).toMatch(/Banned prompt detected/);
		});

		it('outputs { error, task_id } with continueOnFail', async () => {
			const run = await bed.run(await bed.deploy('imagine.json', continueOnFail), { prompt });

			assertExecutionStatus(run.execution, 'success');
			const [task] = bed.sim.inspect().tasks;
			const [item] = nodeOutput(run.execution, 'Imagine');
			expect(item.json).toMatchObject({ task_id: task.task_id, error: expect.stringMatching(/Banned prompt|failed/i) });
		});

		it('reports a task that ended with status "timeout" on LinkrAPI’s side', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a slow river [[timeout]]' });

			assertExecutionStatus(run.execution, 'error');
			const [task] = bed.sim.inspect().tasks;
			expect(task.status).toBe('timeout');
			expect(shownError(run)).toContain(task.task_id);
			expect(shownError(run)).toMatch(/time/i);
		});
	});

	describe('Max Wait exceeded (task never finishes)', () => {
		const prompt = 'an endless staircase [[stuck]]';
		const maxWait = 0.05; // minutes = 3 s, the node's minimum

		it('fails naming the task when On Timeout is "Error"', async () => {
			const started = Date.now();
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt, maxWait });

			assertExecutionStatus(run.execution, 'error');
			const [task] = bed.sim.inspect().tasks;
			expect(shownError(run)).toContain(task.task_id);
			expect(Date.now() - started).toBeLessThan(20_000);
		});

		it('outputs the last status with wait_timed_out when On Timeout is "Output Last Status"', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt, maxWait, onTimeout: 'output' });

			assertExecutionStatus(run.execution, 'success');
			const [task] = bed.sim.inspect().tasks;
			const [item] = nodeOutput(run.execution, 'Imagine');
			expect(item.json).toMatchObject({ task_id: task.task_id, wait_timed_out: true });
			expect(['completed', 'failed', 'timeout']).not.toContain(item.json.status);
		});
	});

	describe('429 and 5xx answers', () => {
		it('waits for Retry-After and succeeds when LinkrAPI answers 429 once', async () => {
			bed.sim.configure({ submitFaults: { status: 429, retryAfterSeconds: 1, times: 1 } });

			const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a quiet harbour' });

			assertExecutionStatus(run.execution, 'success');
			const submits = bed.sim.inspect().requests.filter((request) => request.route === 'POST /imagine');
			expect(submits).toHaveLength(2);
			expect(submits[0].status).toBe(429);
			expect(submits[1].status).toBeLessThan(300);
			expect(submits[1].at - submits[0].at).toBeGreaterThanOrEqual(900);
		});

		it('gives up with a rate-limit message when every submit answers 429', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a busy market [[429]]' });

			assertExecutionStatus(run.execution, 'error');
			expect(nodeError(run.execution, 'Imagine')?.message).toMatch(/rate limit/i);
			expect(bed.sim.inspect().counts['POST /imagine']).toBeGreaterThan(1);
		});

		it('does not resubmit after a 500, which may already have started a job', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a stormy sea [[500]]' });

			assertExecutionStatus(run.execution, 'error');
			expect(nodeError(run.execution, 'Imagine')?.message).toMatch(/500/);
			expect(bed.sim.inspect().counts['POST /imagine']).toBe(1);
		});

		it('shows a 502 HTML error page as text, not markup', async () => {
			const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a mountain pass [[502-html]]' });

			assertExecutionStatus(run.execution, 'error');
			expect(nodeError(run.execution, 'Imagine')?.message).toMatch(/502/);
			expect(shownError(run)).not.toMatch(/<[a-z!/]/i);
		});

		it('retries status checks that answer 502 and still completes', async () => {
			bed.sim.configure({ fetchFaults: { status: 502, html: true, times: 2 } });

			const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a night train' });

			assertExecutionStatus(run.execution, 'success');
			const fetches = bed.sim.inspect().requests.filter((request) => request.route === 'GET /fetch');
			expect(fetches.filter((request) => request.status === 502)).toHaveLength(2);
			expect(nodeOutput(run.execution, 'Imagine')[0].json.status).toBe('completed');
		});
	});
});
