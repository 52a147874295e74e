import { assertExecutionStatus, nodeOutput } from '../../real-n8n/harness';
import { E2E_TEST_TIMEOUT_MS, FAST_TASKS, useTestbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

describe('Fetch, custom actions and account info, in a real n8n', () => {
	const bed = useTestbed();

	beforeEach(() => {
		bed.sim.configure({ vocabulary: 'new', taskDurationMs: FAST_TASKS.taskDurationMs });
		bed.sim.reset();
	});

	it('Fetch polls an existing task, submitted without waiting, until it completes', async () => {
		const workflow = await bed.deploy('imagine-then-fetch.json');

		const run = await bed.run(workflow, { prompt: 'a red fox in the snow' });

		assertExecutionStatus(run.execution, 'success');
		const [submitted] = nodeOutput(run.execution, 'Imagine');
		expect(submitted.json).toMatchObject({ status: 'submitted', task_id: expect.any(String) });
		const [fetched] = nodeOutput(run.execution, 'Fetch');
		expect(fetched.json).toMatchObject({
			task_id: submitted.json.task_id,
			status: 'completed',
			prompt: 'a red fox in the snow',
			image_url: expect.stringContaining(bed.sim.cdnUrl),
		});
		expect(bed.sim.inspect().counts['POST /imagine']).toBe(1);
		expect(bed.sim.inspect().counts['GET /fetch']).toBeGreaterThanOrEqual(1);
	});

	it('Fetch returns a finished task by its ID', async () => {
		const imagine = await bed.deploy('imagine.json');
		const created = await bed.run(imagine, { prompt: 'an old map of the sea' });
		assertExecutionStatus(created.execution, 'success');
		const taskId = nodeOutput(created.execution, 'Imagine')[0].json.task_id;
		const fetch = await bed.deploy('fetch.json');

		const run = await bed.run(fetch, { taskId });

		assertExecutionStatus(run.execution, 'success');
		expect(nodeOutput(run.execution, 'Fetch')[0].json).toMatchObject({
			task_id: taskId,
			status: 'completed',
			prompt: 'an old map of the sea',
		});
		expect(run.response).toMatchObject({ task_id: taskId, status: 'completed' });
	});

	it('Action "Custom" sends the raw custom_id of a button and waits for the new task', async () => {
		const workflow = await bed.deploy('custom-action.json');

		const run = await bed.run(workflow, { prompt: 'a glass teapot', button: 'variation3' });

		assertExecutionStatus(run.execution, 'success');
		const [grid] = nodeOutput(run.execution, 'Imagine');
		const button = (grid.json.actions as Array<{ name: string; custom_id: string }>).find(
			(action) => action.name === 'variation3',
		);
		expect(button?.custom_id).toMatch(/^MJ::JOB::variation::3::/);
		const actionRequest = bed.sim.inspect().requests.find((request) => request.route === 'POST /action');
		expect(actionRequest?.body).toEqual({ task_id: grid.json.task_id, action: button?.custom_id });
		const [varied] = nodeOutput(run.execution, 'Custom Action');
		expect(varied.json).toMatchObject({ status: 'completed' });
		expect(bed.sim.inspect().tasks.find((task) => task.task_id === varied.json.task_id)).toMatchObject({
			parent_task_id: grid.json.task_id,
		});
	});

	it('Account → Get Info returns the /info fields and parsed numbers', async () => {
		const workflow = await bed.deploy('account-info.json');

		const run = await bed.run(workflow);

		assertExecutionStatus(run.execution, 'success');
		const [info] = nodeOutput(run.execution, 'Account Info');
		expect(info.json).toMatchObject({
			status: 'SUCCESS',
			data: { subscription: 'Standard', job_mode: 'fast' },
			parsed: { fast_time_remaining_seconds: expect.any(Number), running_jobs: expect.any(Number) },
		});
		expect(bed.sim.inspect().counts['GET /info']).toBe(1);
	});

	it('understands the older status vocabulary (pending → processing → completed)', async () => {
		bed.sim.configure({ vocabulary: 'old', taskDurationMs: 1500 });
		const imagine = await bed.deploy('imagine.json');
		const fetch = await bed.deploy('fetch.json');

		const submitted = await bed.run(imagine, { prompt: 'a paper boat', waitMode: 'none' });
		assertExecutionStatus(submitted.execution, 'success');
		const early = await bed.run(fetch, { taskId: nodeOutput(submitted.execution, 'Imagine')[0].json.task_id });
		const waited = await bed.run(imagine, { prompt: 'a paper plane' });

		assertExecutionStatus(early.execution, 'success');
		expect(['pending', 'processing']).toContain(nodeOutput(early.execution, 'Fetch')[0].json.status);
		assertExecutionStatus(waited.execution, 'success');
		expect(nodeOutput(waited.execution, 'Imagine')[0].json).toMatchObject({ status: 'completed' });
	});
});
