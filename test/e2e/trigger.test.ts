import {
	assertExecutionStatus,
	type CreatedWorkflow,
	executedNodes,
	newApiKey,
	nodeOutput,
	pollUntil,
} from '../../real-n8n/harness';
import type { WebhookDelivery } from '../../simulator';
import {
	countExecutionsAfter,
	type DeployedTrigger,
	deployTrigger as deployTriggerOn,
	executionsOf,
	msBetween,
	postJson,
	retireTrigger,
	waitForExecutions,
} from '../helpers/e2e/callbacks';
import { E2E_TEST_TIMEOUT_MS, startTestbed, type Testbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const TRIGGER = 'LinkrAPI Trigger';
const TRIGGER_WORKFLOW = 'trigger-on-finish.json';

describe('LinkrAPI Trigger: started by LinkrAPI’s callback to its production URL, in a real n8n', () => {
	let bed: Testbed;
	let submitWorkflow: CreatedWorkflow;

	/** Set when the first trigger never became reachable: every test then fails at once with the reason. */
	let unreachable: Error | undefined;
	/** Triggers deployed by the running test; deactivated after it, so each test starts with none active. */
	let active: DeployedTrigger[] = [];

	async function deployTrigger(parameters: Record<string, unknown> = {}): Promise<DeployedTrigger> {
		if (unreachable) throw unreachable;
		const trigger = await deployTriggerOn(bed, TRIGGER_WORKFLOW, parameters);
		active.push(trigger);
		return trigger;
	}

	beforeAll(async () => {
		bed = await startTestbed({ taskDurationMs: 500 });
		submitWorkflow = await bed.deploy('trigger-submit.json');
		// One trigger first: if n8n never serves its URL, the tests fail at once with the reason instead of each waiting.
		try {
			await retireTrigger(bed.n8n, await deployTriggerOn(bed, TRIGGER_WORKFLOW));
		} catch (error) {
			unreachable = error as Error;
		}
	});

	afterAll(async () => {
		await bed?.stop();
	});

	beforeEach(() => {
		bed.sim.configure({ keys: [bed.apiKey] });
		bed.sim.reset();
	});

	afterEach(async () => {
		const retiring = active;
		active = [];
		for (const trigger of retiring) await retireTrigger(bed.n8n, trigger);
	});

	/** Workflow A: Imagine with "Don't Wait", LinkrAPI calling `callbackUrl` (if any) when the task ends. */
	async function submitImagine(prompt: string, callbackUrl?: string): Promise<string> {
		const run = await bed.run(submitWorkflow, { prompt, ...(callbackUrl ? { callbackUrl } : {}) });
		assertExecutionStatus(run.execution, 'success');
		const [submitted] = nodeOutput(run.execution, 'Imagine');
		expect(submitted.json).toMatchObject({ status: 'submitted', task_id: expect.any(String) });
		return submitted.json.task_id as string;
	}

	/** The simulator's callback attempts for a task, once one of them got an answer `until` accepts. */
	async function deliveriesOf(
		taskId: string,
		until: (delivery: WebhookDelivery) => boolean = (delivery) => delivery.statusCode !== undefined,
	): Promise<WebhookDelivery[]> {
		return await pollUntil(`a callback for task ${taskId}`, () => {
			const deliveries = bed.sim.inspect().webhookDeliveries.filter((delivery) => delivery.taskId === taskId);
			return deliveries.some(until) ? deliveries : undefined;
		});
	}

	/** The task as GET /fetch shows it to `key` once it has ended: the body LinkrAPI's callback carries. */
	async function finishedTask(taskId: string, key = bed.apiKey): Promise<Record<string, unknown>> {
		await pollUntil(`task ${taskId} to end`, () => {
			const task = bed.sim.inspect().tasks.find((candidate) => candidate.task_id === taskId);
			return task?.endedAt === undefined ? undefined : task;
		});
		const response = await fetch(`${bed.sim.url}/fetch/${taskId}`, { headers: { authorization: `Bearer ${key}` } });
		expect(response.status).toBe(200);
		return (await response.json()) as Record<string, unknown>;
	}

	const fetchesOf = (taskId: string) =>
		bed.sim.inspect().requests.filter((request) => request.route === 'GET /fetch' && request.path.endsWith(taskId));

	it('starts exactly one execution with the task as re-fetched when the simulator calls back', async () => {
		const trigger = await deployTrigger({ options: { downloadImage: true } });

		const taskId = await submitImagine('a lighthouse at dusk', trigger.url);

		const [execution] = await waitForExecutions(bed.n8n, trigger.workflow.id, 1);
		assertExecutionStatus(execution, 'success');
		const submit = bed.sim.inspect().requests.find((request) => request.route === 'POST /imagine');
		expect(submit?.body).toMatchObject({ webhook_url: trigger.url });
		const deliveries = await deliveriesOf(taskId);
		expect(deliveries).toEqual([expect.objectContaining({ url: trigger.url, status: 'completed', statusCode: 200 })]);
		// The trigger verified the callback: it fetched the task with its own key after the delivery started.
		expect(fetchesOf(taskId).filter((request) => request.at >= deliveries[0].at)).toHaveLength(1);
		expect(executedNodes(execution)).toEqual([TRIGGER, 'Received']);
		const [item] = nodeOutput(execution, TRIGGER);
		const simTask = bed.sim.inspect().tasks.find((task) => task.task_id === taskId);
		expect(item.json).toMatchObject({
			task_id: taskId,
			status: 'completed',
			prompt: 'a lighthouse at dusk',
			image_url: expect.stringContaining(bed.sim.cdnUrl),
			progress: 100,
		});
		expect(simTask?.status).toBe('completed');
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${taskId}.png` });
		const fromCdn = Buffer.from(await (await fetch(item.json.image_url as string)).arrayBuffer());
		expect((await bed.n8n.readBinary(item.binary!.data)).equals(fromCdn)).toBe(true);
		expect(nodeOutput(execution, 'Received')).toHaveLength(1);
		expect(JSON.stringify(execution)).not.toContain(bed.apiKey);
		expect(JSON.stringify(item.json)).not.toContain(trigger.token);

		const deliveryToStart = msBetween(deliveries[0].at, execution.startedAt);
		const deliveryToEnd = msBetween(deliveries[0].at, execution.stoppedAt);
		console.log(
			`[measure] trigger: callback delivery → execution startedAt ${deliveryToStart} ms, → stoppedAt ` +
				`${deliveryToEnd} ms (task ended → delivery ${deliveries[0].at - (simTask?.endedAt ?? NaN)} ms; ` +
				`image download included)`,
		);
		expect(deliveryToStart).toBeGreaterThan(-1000); // clocks of one machine; n8n rounds to ms
		expect(deliveryToStart).toBeLessThan(10_000);
		expect(await countExecutionsAfter(bed.n8n, trigger.workflow.id)).toBe(1);
	});

	it('ignores a duplicate delivery of the same task and status: 200 "ignored", no second execution', async () => {
		const trigger = await deployTrigger();
		const taskId = await submitImagine('a quiet harbour', trigger.url);
		const [first] = await waitForExecutions(bed.n8n, trigger.workflow.id, 1);
		const [delivery] = await deliveriesOf(taskId, (attempt) => attempt.statusCode === 200);
		console.log(
			`[measure] trigger (no image download): callback delivery → execution startedAt ` +
				`${msBetween(delivery.at, first.startedAt)} ms, → stoppedAt ${msBetween(delivery.at, first.stoppedAt)} ms`,
		);
		const body = await finishedTask(taskId);

		// LinkrAPI delivering the same callback again (e.g. a retry after a lost answer), twice at once.
		const answers = await Promise.all([postJson(trigger.url, body), postJson(trigger.url, body)]);

		for (const answer of answers) {
			expect(answer).toEqual({ status: 200, body: { ignored: expect.stringMatching(/duplicate/i), task_id: taskId } });
		}
		expect(await countExecutionsAfter(bed.n8n, trigger.workflow.id)).toBe(1);
	});

	it('starts one execution when two first deliveries of a task arrive at the same moment', async () => {
		const trigger = await deployTrigger();
		const taskId = await submitImagine('twin lanterns'); // no Callback URL: the test delivers it
		const body = await finishedTask(taskId);

		const answers = await Promise.all([postJson(trigger.url, body), postJson(trigger.url, body)]);

		expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
		const duplicates = answers.filter((answer) => /duplicate/i.test(JSON.stringify(answer.body)));
		expect(duplicates).toHaveLength(1);
		await waitForExecutions(bed.n8n, trigger.workflow.id, 1);
		expect(await countExecutionsAfter(bed.n8n, trigger.workflow.id)).toBe(1);
	});

	it('outputs the task as LinkrAPI answers it, not the fields of a forged callback body', async () => {
		const trigger = await deployTrigger();
		const taskId = await submitImagine('a copper kettle');
		const real = await finishedTask(taskId);
		const forged = {
			...real,
			prompt: 'forged prompt',
			image_url: 'http://attacker.invalid/forged.png',
			images: ['http://attacker.invalid/1.png'],
			injected: 'forged field',
		};

		const answer = await postJson(trigger.url, forged);

		expect(answer.status).toBe(200);
		const [execution] = await waitForExecutions(bed.n8n, trigger.workflow.id, 1);
		assertExecutionStatus(execution, 'success');
		const [item] = nodeOutput(execution, TRIGGER);
		expect(item.json).toMatchObject({ task_id: taskId, prompt: 'a copper kettle', image_url: real.image_url });
		expect(fetchesOf(taskId).at(-1)).toMatchObject({ status: 200 }); // the trigger's own GET /fetch
		expect(JSON.stringify(item.json)).not.toContain('attacker.invalid');
		expect(item.json).not.toHaveProperty('injected');
	});

	it('answers a callback that starts a run with an empty 200 at once', async () => {
		const trigger = await deployTrigger();
		const taskId = await submitImagine('a brass compass');

		const answer = await postJson(trigger.url, await finishedTask(taskId));

		await waitForExecutions(bed.n8n, trigger.workflow.id, 1);
		// responseData 'noData': n8n answers before the workflow runs, with no body to echo the task to the sender.
		expect(answer).toEqual({ status: 200, body: '' });
	});

	it('refuses a callback with a wrong token: 401, no execution, no request to LinkrAPI', async () => {
		const trigger = await deployTrigger();
		const taskId = await submitImagine('a paper crane');
		const body = await finishedTask(taskId);
		const fetchesBefore = fetchesOf(taskId).length;
		const sameLength = `${trigger.token.slice(0, -1)}${trigger.token.endsWith('0') ? '1' : '0'}`;

		const answers = [
			await postJson(trigger.urlWithToken(sameLength), body),
			await postJson(trigger.urlWithToken('guess'), body),
		];

		for (const answer of answers) {
			expect(answer).toEqual({ status: 401, body: { error: expect.any(String) } });
		}
		expect(fetchesOf(taskId)).toHaveLength(fetchesBefore);
		expect(await countExecutionsAfter(bed.n8n, trigger.workflow.id)).toBe(0);
	});

	it('refuses a task of another API key, and an unknown task id: 404, no execution', async () => {
		const trigger = await deployTrigger();
		const otherKey = newApiKey();
		bed.sim.configure({ keys: [bed.apiKey, otherKey] });
		const submitted = await fetch(`${bed.sim.url}/imagine`, {
			method: 'POST',
			headers: { 'authorization': `Bearer ${otherKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'somebody else’s picture' }),
		});
		expect(submitted.status).toBe(200);
		const { task_id: otherTaskId } = (await submitted.json()) as { task_id: string };
		const otherTask = await finishedTask(otherTaskId, otherKey);

		const answers = [
			await postJson(trigger.url, otherTask),
			await postJson(trigger.url, { task_id: 'f0e1d2c3-0000-4000-8000-123456789abc', status: 'completed' }),
		];

		for (const answer of answers) {
			expect(answer).toEqual({ status: 404, body: { error: expect.stringMatching(/unknown/i) } });
		}
		// Both were checked with the trigger's own key, which LinkrAPI answered 404.
		const verifications = bed.sim.inspect().requests.filter((request) => request.route === 'GET /fetch');
		expect(verifications.filter((request) => request.status === 404)).toHaveLength(2);
		expect(await countExecutionsAfter(bed.n8n, trigger.workflow.id)).toBe(0);
	});

	it('a failed task starts a trigger filtered on "failed", and not one filtered on "completed"', async () => {
		const onCompleted = await deployTrigger({ events: ['completed'] });
		const ignoredTask = await submitImagine('a storm at sea [[fail]]', onCompleted.url);
		// The "completed"-only trigger answered the delivery (so LinkrAPI does not retry) and started nothing.
		expect(await deliveriesOf(ignoredTask)).toEqual([expect.objectContaining({ status: 'failed', statusCode: 200 })]);
		const again = await postJson(onCompleted.url, await finishedTask(ignoredTask));
		expect(again).toEqual({
			status: 200,
			body: { ignored: expect.stringContaining('"failed"'), task_id: ignoredTask },
		});
		expect(await countExecutionsAfter(bed.n8n, onCompleted.workflow.id)).toBe(0);
		await retireTrigger(bed.n8n, active.pop()!);

		const onFailed = await deployTrigger({ events: ['failed'] });
		const failedTask = await submitImagine('a storm at sea [[fail]]', onFailed.url);

		const [execution] = await waitForExecutions(bed.n8n, onFailed.workflow.id, 1);
		assertExecutionStatus(execution, 'success');
		expect(nodeOutput(execution, TRIGGER)[0].json).toMatchObject({
			task_id: failedTask,
			status: 'failed',
			error: 'Midjourney: Banned prompt detected',
			image_url: null,
		});
		expect(await deliveriesOf(failedTask)).toEqual([expect.objectContaining({ status: 'failed', statusCode: 200 })]);
		expect(await countExecutionsAfter(bed.n8n, onFailed.workflow.id)).toBe(1);
	});

	it('two trigger workflows can be active at once, each started by its own callbacks', async () => {
		const onCompleted = await deployTrigger({ events: ['completed'] });
		const onFailed = await deployTrigger({ events: ['failed'] });

		const completedTask = await submitImagine('a calm sea', onCompleted.url);
		const failedTask = await submitImagine('a rough sea [[fail]]', onFailed.url);

		const [completed] = await waitForExecutions(bed.n8n, onCompleted.workflow.id, 1);
		const [failed] = await waitForExecutions(bed.n8n, onFailed.workflow.id, 1);
		expect(nodeOutput(completed, TRIGGER)[0].json).toMatchObject({ task_id: completedTask, status: 'completed' });
		expect(nodeOutput(failed, TRIGGER)[0].json).toMatchObject({ task_id: failedTask, status: 'failed' });
		expect(await countExecutionsAfter(bed.n8n, onCompleted.workflow.id)).toBe(1);
		expect(await executionsOf(bed.n8n, onFailed.workflow.id)).toHaveLength(1);
	});
});
