import { assertExecutionStatus, nodeError, nodeOutput, pollUntil, withNodeParameters } from '../../real-n8n/harness';
import {
	countExecutionsAfter,
	deployTrigger,
	retireTrigger,
	waitForExecutions,
	type DeployedTrigger,
} from '../helpers/e2e/callbacks';
import { E2E_TEST_TIMEOUT_MS, startTestbed, type Testbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const TRIGGER_WORKFLOW = 'trigger-on-finish.json';
const TRIGGER = 'LinkrAPI Trigger';

describe('Hardening, in a real n8n', () => {
	let bed: Testbed;
	let active: DeployedTrigger[] = [];

	beforeAll(async () => {
		bed = await startTestbed({ taskDurationMs: 300 });
	});

	afterAll(async () => {
		await bed?.stop();
	});

	beforeEach(() => {
		bed.sim.reset();
	});

	afterEach(async () => {
		const retiring = active;
		active = [];
		for (const trigger of retiring) await retireTrigger(bed.n8n, trigger);
	});

	it('a LinkrAPI that redirects to another origin fails the node, and nothing (no key) follows the redirect', async () => {
		const run = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a fox [[redirect]]' });

		assertExecutionStatus(run.execution, 'error');
		const error = nodeError(run.execution, 'Imagine');
		expect(error?.message).toMatch(
			/^LinkrAPI redirected the request to http:\/\/(localhost|127\.0\.0\.1):\d+ \(HTTP 307\)$/,
		);
		expect(error?.description).toContain('was not followed');
		const requests = bed.sim.inspect().requests;
		expect(requests.filter((request) => request.path.includes('/redirected'))).toEqual([]);
		expect(requests.filter((request) => request.route === 'POST /imagine')).toHaveLength(1);
		expect(JSON.stringify(run.execution)).not.toContain(bed.apiKey);
	});

	it('an image over the 50 MB default, sent chunked, fails the item naming the task; n8n stops reading it', async () => {
		const downloading = await bed.deploy('imagine.json', (json) =>
			withNodeParameters(json, 'Imagine', { options: { pollInterval: 2, maxWait: 2, downloadImage: true } }),
		);

		const run = await bed.run(downloading, { prompt: 'a fox [[huge-image]]' });

		assertExecutionStatus(run.execution, 'error');
		const [task] = bed.sim.inspect().tasks;
		expect(task.status).toBe('completed');
		const error = nodeError(run.execution, 'Imagine');
		expect(error?.message).toMatch(
			new RegExp(`^The image of task ${task.task_id} from 127\\.0\\.0\\.1:\\d+ is larger than the 50 MB limit$`),
		);
	});

	it('the Trigger forgets a callback whose image it could not download: it answers 502 each time, so retries are handled', async () => {
		const trigger = await deployTrigger(bed, TRIGGER_WORKFLOW, { options: { downloadImage: true, maxImageSizeMb: 1 } });
		active.push(trigger);
		const submit = await bed.deploy('trigger-submit.json');

		const submitted = await bed.run(submit, { prompt: 'a fox [[huge-image]]', callbackUrl: trigger.url });
		assertExecutionStatus(submitted.execution, 'success');
		const [{ json }] = nodeOutput(submitted.execution, 'Imagine');
		const taskId = json.task_id as string;

		// The simulator retries a 5xx answer (after 200 ms and 1 s): every attempt must be handled, none "duplicate".
		const deliveries = await pollUntil('two answered callback attempts', () => {
			const attempts = bed.sim
				.inspect()
				.webhookDeliveries.filter((delivery) => delivery.taskId === taskId && delivery.statusCode !== undefined);
			return attempts.length >= 2 ? attempts : undefined;
		});
		expect(deliveries.slice(0, 2).map((delivery) => delivery.statusCode)).toEqual([502, 502]);
		expect(await countExecutionsAfter(bed.n8n, trigger.workflow.id)).toBe(0);
	});

	it('with Run Without the Image, the Trigger starts the workflow with download_error instead', async () => {
		const trigger = await deployTrigger(bed, TRIGGER_WORKFLOW, {
			options: { downloadImage: true, maxImageSizeMb: 1, onDownloadFailure: 'runWithoutImage' },
		});
		active.push(trigger);
		const submit = await bed.deploy('trigger-submit.json');

		await bed.run(submit, { prompt: 'a fox [[huge-image]]', callbackUrl: trigger.url });

		const [execution] = await waitForExecutions(bed.n8n, trigger.workflow.id, 1);
		assertExecutionStatus(execution, 'success');
		const [item] = nodeOutput(execution, TRIGGER);
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			status: 'completed',
			download_error: expect.stringContaining('larger than the 1 MB limit'),
		});
	});
});
