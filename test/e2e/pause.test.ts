import { assertExecutionStatus, nodeOutput } from '../../e2e/harness';
import { E2E_TEST_TIMEOUT_MS, startTestbed, type Testbed } from './support/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const finished = (status: string) => status === 'success' || status === 'error';

describe('Pause Until Callback: the execution waits and LinkrAPI’s callback resumes it, in a real n8n', () => {
	let bed: Testbed;

	beforeAll(async () => {
		// Long enough that the node pauses instead of finding the task already finished at its one early check.
		bed = await startTestbed({ taskDurationMs: 2500 });
	});

	afterAll(async () => {
		await bed?.stop();
	});

	beforeEach(() => bed.sim.reset());

	it('resumes with the finished task and its image when the callback arrives', async () => {
		const workflow = await bed.deploy('pause-until-callback.json');

		const run = await bed.n8n.runWorkflow(workflow, {
			body: { prompt: 'a hot air balloon over fields' },
			settled: finished,
			executionTimeoutMs: 60_000,
		});

		assertExecutionStatus(run.execution, 'success');
		const [task] = bed.sim.inspect().tasks;
		const submit = bed.sim.inspect().requests.find((request) => request.route === 'POST /imagine');
		expect(submit?.body).toMatchObject({ webhook_url: expect.stringContaining('/webhook-waiting/') });
		const deliveries = bed.sim.inspect().webhookDeliveries;
		expect(deliveries.at(-1)).toMatchObject({ taskId: task.task_id, statusCode: 200 });
		const [item] = nodeOutput(run.execution, 'Imagine');
		expect(item.json).toMatchObject({ task_id: task.task_id, status: 'completed' });
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png' });
		expect(nodeOutput(run.execution, 'Done')).toHaveLength(1);
		expect(JSON.stringify(run.execution)).not.toContain(bed.apiKey);
	});

	it('resumes with an error item when the task failed', async () => {
		const workflow = await bed.deploy('pause-until-callback.json');

		const run = await bed.n8n.runWorkflow(workflow, {
			body: { prompt: 'a hot air balloon [[fail]]' },
			settled: finished,
			executionTimeoutMs: 60_000,
		});

		assertExecutionStatus(run.execution, 'success');
		const [task] = bed.sim.inspect().tasks;
		expect(bed.sim.inspect().webhookDeliveries.at(-1)).toMatchObject({ taskId: task.task_id, statusCode: 200 });
		const [item] = nodeOutput(run.execution, 'Imagine');
		expect(item.json).toMatchObject({ task_id: task.task_id, status: 'failed', error: expect.any(String) });
	});
});
