import * as path from 'node:path';

import {
	assertExecutionStatus,
	capabilitiesOf,
	type CreatedWorkflow,
	type Execution,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	nodeOutput,
	pollUntil,
} from '../../real-n8n/harness';
import type { WebhookDelivery } from '../../simulator';
import { msBetween, postJson, waitForExecutionStatus } from '../helpers/e2e/callbacks';
import { startHoldingProxy } from '../helpers/e2e/holding-proxy';
import { E2E_TEST_TIMEOUT_MS, useTestbed, WORKFLOWS_DIR } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const finished = (status: string) => status === 'success' || status === 'error';
/** A callback n8n took: the node's 200, or its 202 "accepted" when the handling outlasted its answer budget. */
const accepted = (statusCode?: number) => statusCode === 200 || statusCode === 202;
const PAUSE_WORKFLOW = 'pause-until-callback.json';
/** Long enough that the node pauses instead of finding the task already finished at its one early check. */
const RUNNING_TASK_MS = 2500;

describe('Pause Until Callback: the execution waits and LinkrAPI’s callback resumes it, in a real n8n', () => {
	const bed = useTestbed({ taskDurationMs: RUNNING_TASK_MS });
	/** What differs on older n8n (README "Compatibility"): resume-URL token, custom data in node contexts. */
	const n8nHas = () => capabilitiesOf(bed.n8n.connection.n8nVersion);

	beforeEach(() => {
		bed.sim.configure({ taskDurationMs: RUNNING_TASK_MS, webhookRetryDelaysMs: [200, 1000, 3000], webhookCopies: 1 });
		bed.sim.reset();
	});

	/** Starts the workflow (its Webhook answers at once) and returns the execution as soon as n8n saved it as waiting. */
	async function startWaiting(workflow: CreatedWorkflow, prompt: string): Promise<Execution> {
		const run = await bed.n8n.runWorkflow(workflow, {
			body: { prompt },
			settled: (status) => status === 'waiting' || finished(status),
			executionTimeoutMs: 30_000,
		});
		expect(run.execution.status).toBe('waiting');
		return run.execution;
	}

	const resumeUrl = () => {
		const submit = bed.sim.inspect().requests.find((request) => request.route === 'POST /imagine');
		const url = (submit?.body as { webhook_url?: string } | undefined)?.webhook_url;
		if (!url) throw new Error('Imagine sent no webhook_url');
		return url;
	};

	const deliveriesOf = (taskId: string): WebhookDelivery[] =>
		bed.sim.inspect().webhookDeliveries.filter((delivery) => delivery.taskId === taskId);

	/**
	 * The callback attempts once n8n accepted one: n8n may mark the resumed execution finished before the
	 * simulator has recorded n8n's answer to the callback.
	 */
	const acceptedDeliveriesOf = async (taskId: string): Promise<WebhookDelivery[]> =>
		await pollUntil('an accepted callback', () => {
			const deliveries = deliveriesOf(taskId);
			return deliveries.some((delivery) => accepted(delivery.statusCode)) ? deliveries : undefined;
		});

	/** Logs and returns ms from the task's end in the simulator to the end of the resumed execution in n8n. */
	function measureResume(label: string, taskId: string, execution: Execution): number {
		const task = bed.sim.inspect().tasks.find((candidate) => candidate.task_id === taskId);
		const endedAt = task?.completedAt ?? task?.endedAt;
		if (endedAt === undefined) throw new Error(`task ${taskId} has not ended in the simulator`);
		const ms = msBetween(endedAt, execution.stoppedAt);
		const delivered = deliveriesOf(taskId).find((delivery) => accepted(delivery.statusCode));
		console.log(
			`[measure] pause (${label}): task ${task?.status} in the simulator → execution stoppedAt ${ms} ms` +
				(delivered
					? ` (task end → accepted callback ${delivered.at - endedAt} ms, callback → stoppedAt ` +
						`${msBetween(delivered.at, execution.stoppedAt)} ms)`
					: ''),
		);
		return ms;
	}

	it('is "waiting" while the task runs, then resumes with the finished task and its image', async () => {
		const workflow = await bed.deploy(PAUSE_WORKFLOW);

		const waiting = await startWaiting(workflow, 'a hot air balloon over fields');
		// Saved as waiting while Midjourney still works, with a wait limit past Max Wait (1 min) + 60 s of grace.
		const [running] = bed.sim.inspect().tasks;
		// The task id is in the execution's custom data (the executions list shows it), on every version.
		expect((waiting as Execution & { customData?: Record<string, unknown> }).customData).toMatchObject({
			linkrapi_task_id: running.task_id,
		});
		expect(['queued', 'sending', 'starting', 'processing', 'uploading']).toContain(running.status);
		expect(deliveriesOf(running.task_id)).toEqual([]);
		expect(waiting.finished).toBe(false);
		const waitTill = Date.parse((waiting as Execution & { waitTill?: string }).waitTill ?? '');
		expect(waitTill - Date.now()).toBeGreaterThan(60_000);
		expect(waitTill - Date.now()).toBeLessThan(130_000);
		expect(nodeOutput(waiting, 'Done')).toEqual([]);
		// n8n 2.14+ adds a per-execution signature to the resume URL; the node adds its resume token for this one pause.
		const token = [n8nHas().signedResumeUrls ? '\\?signature=[^&]+' : '', '[?&]linkrapi_check=[0-9a-f]{64}'].join('');
		expect(resumeUrl()).toMatch(new RegExp(`/webhook-waiting/${waiting.id}${token}$`));

		const execution = await waitForExecutionStatus(bed.n8n, waiting.id, finished, 30_000);

		assertExecutionStatus(execution, 'success');
		const [task] = bed.sim.inspect().tasks;
		expect(task.status).toBe('completed');
		expect(await acceptedDeliveriesOf(task.task_id)).toEqual([
			expect.objectContaining({ url: resumeUrl(), status: 'completed', attempt: 1, statusCode: expect.any(Number) }),
		]);
		const [item] = nodeOutput(execution, 'Imagine');
		expect(item.json).toMatchObject({
			task_id: task.task_id,
			status: 'completed',
			prompt: 'a hot air balloon over fields',
			image_url: expect.stringContaining(bed.sim.cdnUrl),
		});
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileName: `${task.task_id}.png` });
		const fromCdn = Buffer.from(await (await fetch(item.json.image_url as string)).arrayBuffer());
		expect((await bed.n8n.readBinary(item.binary!.data)).equals(fromCdn)).toBe(true);
		expect(nodeOutput(execution, 'Done')).toHaveLength(1);
		expect(JSON.stringify(execution)).not.toContain(bed.apiKey);

		const ms = measureResume('task running 2.5 s', task.task_id, execution);
		expect(ms).toBeGreaterThan(0);
		expect(ms).toBeLessThan(15_000);
	});

	it('resumes with an error item when the task failed', async () => {
		const workflow = await bed.deploy(PAUSE_WORKFLOW);

		const run = await bed.n8n.runWorkflow(workflow, {
			body: { prompt: 'a hot air balloon [[fail]]' },
			settled: finished,
			executionTimeoutMs: 60_000,
		});

		assertExecutionStatus(run.execution, 'success');
		const [task] = bed.sim.inspect().tasks;
		const last = (await acceptedDeliveriesOf(task.task_id)).at(-1);
		expect(last).toMatchObject({ url: resumeUrl() });
		expect(accepted(last?.statusCode)).toBe(true);
		const [item] = nodeOutput(run.execution, 'Imagine');
		expect(item.json).toMatchObject({
			task_id: task.task_id,
			status: 'failed',
			error: expect.any(String),
			description: expect.any(String),
		});
		expect(item.binary).toBeUndefined();
	});

	it('keeps final_prompt, output before the pause, in the resumed item, as Poll mode outputs it', async () => {
		bed.sim.configure({ taskDurationMs: 1000 });
		const workflow = await bed.deploy(PAUSE_WORKFLOW);
		const waiting = await startWaiting(workflow, 'a red kite');
		expect(nodeOutput(waiting, 'Imagine')[0].json).toMatchObject({
			status: 'waiting_for_callback',
			final_prompt: 'a red kite',
		});

		const execution = await waitForExecutionStatus(bed.n8n, waiting.id, finished, 30_000);

		assertExecutionStatus(execution, 'success');
		const [resumed] = nodeOutput(execution, 'Imagine');
		expect(resumed.json).toMatchObject({ status: 'completed' });
		// Rebuilt from the node's parameters after the pause, on every n8n version.
		expect(resumed.json.final_prompt).toBe('a red kite');
	});

	it('keeps waiting when its resume URL is called for another task, or without the signature', async () => {
		const recallsTask = n8nHas().nodeCustomData;
		// Older n8n lets two resume calls in at once: the own task must not end (and call back) during this test.
		if (!recallsTask) bed.sim.configure({ taskDurationMs: 120_000 });
		const workflow = await bed.deploy(PAUSE_WORKFLOW);
		const waiting = await startWaiting(workflow, 'a lantern in the fog');
		const url = resumeUrl();
		const [own] = bed.sim.inspect().tasks;
		// Another task of the same key, already finished: a callback with it must not resume this execution.
		bed.sim.configure({ taskDurationMs: 0 });
		const submitted = await fetch(`${bed.sim.url}/imagine`, {
			method: 'POST',
			headers: { 'authorization': `Bearer ${bed.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'a different picture' }),
		});
		const { task_id: otherId } = (await submitted.json()) as { task_id: string };
		const other = await pollUntil('the other task to end', async () => {
			const response = await fetch(`${bed.sim.url}/fetch/${otherId}`, {
				headers: { authorization: `Bearer ${bed.apiKey}` },
			});
			const task = (await response.json()) as { status: string };
			return task.status === 'completed' ? task : undefined;
		});

		const unsigned = await postJson(url.replace(/\?.*$/, ''), { task_id: own.task_id, status: 'completed' });
		// n8n's own signature (?signature=), or before n8n 2.14 the node's own resume token (?linkrapi_check=)
		expect(unsigned.status).toBe(401);
		const otherTask = await postJson(url, other);
		if (!recallsTask) {
			// Documented limitation of n8n before 2.16 (README "Compatibility"): the node cannot recall which task this
			// execution waits for, so a callback to the URL LinkrAPI was given that names another finished task of the
			// same account, verified with LinkrAPI, resumes it with that task.
			expect(otherTask.status).toBeLessThan(300);
			const resumed = await pollUntil('the execution to end after its last node', async () => {
				const execution = await bed.n8n.getExecution(waiting.id);
				return finished(execution.status) && nodeOutput(execution, 'Done').length > 0 ? execution : undefined;
			});
			assertExecutionStatus(resumed, 'success');
			expect(nodeOutput(resumed, 'Imagine')[0].json).toMatchObject({ task_id: otherId, status: 'completed' });
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
		const after = await bed.n8n.getExecution(waiting.id);

		expect({
			answer: otherTask,
			status: after.status,
			imagineOutputsTask: nodeOutput(after, 'Imagine')[0]?.json.task_id,
		}).toEqual({
			answer: { status: 409, body: { error: expect.any(String) } },
			status: 'waiting',
			imagineOutputsTask: own.task_id,
		});
		const execution = await waitForExecutionStatus(bed.n8n, waiting.id, finished, 30_000);
		assertExecutionStatus(execution, 'success');
		expect(nodeOutput(execution, 'Imagine')[0].json).toMatchObject({ task_id: own.task_id, status: 'completed' });
	});

	it('Imagine (Pause) → Upscale Image 2 (Pause), every callback delivered twice: each pause resumes once, with Poll’s item', async () => {
		bed.sim.configure({ taskDurationMs: RUNNING_TASK_MS, upscaleDurationMs: 4000, webhookCopies: 2 });
		const workflow = await bed.deploy('pause-imagine-then-upscale.json');
		const waiting = await startWaiting(workflow, 'a paper boat');

		const [grid] = bed.sim.inspect().tasks;
		const gridUrl = resumeUrl();
		const inUpscale = await pollUntil('the execution to wait in Upscale', async () => {
			const execution = await bed.n8n.getExecution(waiting.id);
			return execution.status === 'waiting' && nodeOutput(execution, 'Upscale').length > 0 ? execution : undefined;
		});
		const upscaleSubmit = bed.sim.inspect().requests.find((request) => request.route === 'POST /action');
		const upscaleUrl = (upscaleSubmit?.body as { webhook_url?: string } | undefined)?.webhook_url ?? '';
		// Each pause has its own resume URL: n8n's signature is the execution's, the node's resume token is the pause's.
		expect(new URL(upscaleUrl).searchParams.get('linkrapi_check')).not.toBe(
			new URL(gridUrl).searchParams.get('linkrapi_check'),
		);
		// The grid's callback again, late, while the execution waits in Upscale: refused, the execution keeps waiting.
		const gridDone = (await (
			await fetch(`${bed.sim.url}/fetch/${grid.task_id}`, { headers: { authorization: `Bearer ${bed.apiKey}` } })
		).json()) as Record<string, unknown>;
		const late = await postJson(gridUrl, gridDone);
		expect(late.status).toBe(401);
		expect((await bed.n8n.getExecution(waiting.id)).status).toBe('waiting');
		expect(nodeOutput(inUpscale, 'Upscale')[0].json).toMatchObject({ status: 'waiting_for_callback' });

		const execution = await waitForExecutionStatus(bed.n8n, waiting.id, finished, 60_000);

		assertExecutionStatus(execution, 'success');
		const upscale = bed.sim.inspect().tasks.find((task) => task.task_id !== grid.task_id);
		const [imagineItem] = nodeOutput(execution, 'Imagine');
		const [upscaleItem] = nodeOutput(execution, 'Upscale');
		expect(imagineItem.json).toMatchObject({
			task_id: grid.task_id,
			status: 'completed',
			final_prompt: 'a paper boat',
		});
		expect(imagineItem.json).not.toHaveProperty('source_task_id');
		expect(upscaleItem.json).toMatchObject({
			task_id: upscale?.task_id,
			status: 'completed',
			source_task_id: grid.task_id,
		});
		expect(upscaleItem.json).not.toHaveProperty('final_prompt');
		expect(upscaleItem.binary?.data).toMatchObject({ mimeType: 'image/png' });
		expect(nodeOutput(execution, 'Done')).toHaveLength(1);
		// Both copies of each callback were answered; one job each was submitted, whatever came twice.
		for (const task of [grid, upscale]) {
			const deliveries = await pollUntil(`both copies of ${task?.task_id}'s callback answered`, () => {
				const all = deliveriesOf(task?.task_id ?? '');
				const copies = new Set(all.filter((delivery) => delivery.statusCode !== undefined).map((d) => d.copy));
				return copies.size === 2 ? all : undefined;
			});
			expect(deliveries.some((delivery) => accepted(delivery.statusCode))).toBe(true);
		}
		const submits = bed.sim.inspect().requests.filter((request) => /^POST \/(imagine|action)$/.test(request.route));
		expect(submits.map((request) => request.route)).toEqual(['POST /imagine', 'POST /action']);
		const executions = await bed.n8n.listExecutions(workflow.id);
		expect(executions).toHaveLength(1);
		console.log(
			`[observe] two pauses, callbacks twice: ${[grid, upscale]
				.map(
					(task) =>
						`${task?.action}: ${deliveriesOf(task?.task_id ?? '')
							.map((delivery) => `copy ${delivery.copy} #${delivery.attempt} → ${delivery.statusCode}`)
							.join(', ')}`,
				)
				.join('; ')}`,
		);
	});

	it('pauses once per prompt in a Loop Over Items, each pause resumed by its own callback', async () => {
		bed.sim.configure({ taskDurationMs: 1500 });
		const workflow = await bed.deploy('pause-in-a-loop.json');
		const prompts = ['a kite', 'a boat', 'a lamp'];

		const run = await bed.n8n.runWorkflow(workflow, {
			body: { prompts },
			settled: finished,
			executionTimeoutMs: 90_000,
		});

		assertExecutionStatus(run.execution, 'success');
		const runs = prompts.map((_, runIndex) => nodeOutput(run.execution, 'Imagine', runIndex)[0]?.json);
		expect(runs.map((json) => [json?.status, json?.final_prompt])).toEqual(
			prompts.map((prompt) => ['completed', prompt]),
		);
		const tasks = bed.sim.inspect().tasks;
		expect(new Set(runs.map((json) => json?.task_id))).toEqual(new Set(tasks.map((task) => task.task_id)));
		const checks = bed.sim
			.inspect()
			.requests.filter((request) => request.route === 'POST /imagine')
			.map((request) =>
				new URL((request.body as { webhook_url: string }).webhook_url).searchParams.get('linkrapi_check'),
			);
		expect(new Set(checks).size).toBe(3);
		// every pause took its own callback at the first attempt
		for (const task of tasks) {
			const [first] = await acceptedDeliveriesOf(task.task_id);
			expect(first.attempt).toBe(1);
			expect(accepted(first.statusCode)).toBe(true);
		}
		expect(nodeOutput(run.execution, 'Done')).toHaveLength(3);
	});

	describe('a callback that comes before n8n saved the execution as waiting', () => {
		it('a very short task (100 ms): the execution still ends with the completed task', async () => {
			// Short retry delays only so the test need not wait 4 s for the last attempt.
			bed.sim.configure({ taskDurationMs: 100, webhookRetryDelaysMs: [100, 300, 600] });
			const workflow = await bed.deploy(PAUSE_WORKFLOW);

			const run = await bed.n8n.runWorkflow(workflow, {
				body: { prompt: 'a spark' },
				settled: finished,
				executionTimeoutMs: 30_000,
			});

			assertExecutionStatus(run.execution, 'success');
			const [task] = bed.sim.inspect().tasks;
			const [item] = nodeOutput(run.execution, 'Imagine');
			expect(item.json).toMatchObject({ task_id: task.task_id, status: 'completed' });
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/png' });
			// What happened: the node waited and a callback resumed it (the first one, or a retry after a 409 that came
			// too early), or the node's one check before waiting already saw the task finished and output it directly.
			const deliveries = await pollUntil('the callback attempts to settle', () => {
				const all = deliveriesOf(task.task_id);
				const last = all.at(-1);
				return last && (accepted(last.statusCode) || last.attempt === 4) ? all : undefined;
			});
			const fetches = bed.sim
				.inspect()
				.requests.filter((request) => request.route === 'GET /fetch' && request.path.endsWith(task.task_id));
			// One fetch only (no check on resume), made after the task had ended.
			const ownCheckSawItFinished = fetches.length === 1 && fetches[0].at >= (task.endedAt ?? Infinity);
			const at = (time: number | undefined) => `+${(time ?? NaN) - task.createdAt} ms`;
			console.log(
				`[observe] 100 ms task: node's check before waiting ${at(fetches[0]?.at)}, task ended ${at(task.endedAt)}; ` +
					`callback attempts: ${deliveries
						.map((delivery) => `#${delivery.attempt} ${at(delivery.at)} → ${delivery.statusCode ?? delivery.error}`)
						.join(', ')}; ` +
					(ownCheckSawItFinished
						? 'the node’s own check saw the task finished (it never waited)'
						: `the node waited; resumed by callback #${deliveries.find((delivery) => accepted(delivery.statusCode))?.attempt}`),
			);
			if (ownCheckSawItFinished) {
				expect(deliveries.every((delivery) => delivery.statusCode === 409)).toBe(true);
			} else {
				expect(accepted(deliveries.at(-1)?.statusCode)).toBe(true);
			}
			measureResume(ownCheckSawItFinished ? '100 ms task, never waited' : '100 ms task', task.task_id, run.execution);
		});

		it('a callback answered 409 while the node still runs is retried and resumes the waiting execution', async () => {
			// A proxy between n8n and the simulator holds back the answer to the node's check before it waits: the check
			// sees the task still running, and meanwhile the task ends and LinkrAPI calls back, into an execution that is
			// still "running". Released after that first callback got its answer, the node goes to wait.
			bed.sim.configure({ taskDurationMs: 1000 });
			let holdNextFetch = true; // only the node's check before waiting; its check on resume passes
			const proxy = await startHoldingProxy({
				target: bed.sim.url,
				hold: ({ method, path: route }) => {
					if (!holdNextFetch || method !== 'GET' || !route.includes('/fetch/')) return false;
					holdNextFetch = false;
					return true;
				},
			});
			try {
				const credential = await bed.n8n.createCredential('LinkrAPI via holding proxy', LINKRAPI_CREDENTIAL_TYPE, {
					apiKey: bed.apiKey,
					baseUrl: proxy.url,
				});
				const workflow = await bed.n8n.deployWorkflow(loadWorkflow(path.join(WORKFLOWS_DIR, PAUSE_WORKFLOW)), {
					credential,
				});
				const started = bed.n8n.runWorkflow(workflow, {
					body: { prompt: 'an early bird' },
					settled: finished,
					executionTimeoutMs: 30_000,
				});

				const preWaitCheck = await proxy.nextHeld();
				expect(preWaitCheck.body).toMatchObject({ status: expect.not.stringMatching(/^(completed|failed|timeout)$/) });
				const [task] = bed.sim.inspect().tasks;
				const early = await pollUntil('the first callback attempt', () => deliveriesOf(task.task_id)[0], {
					timeoutMs: 10_000,
					intervalMs: 10,
				});
				preWaitCheck.release();
				const run = await started;

				assertExecutionStatus(run.execution, 'success');
				expect(early).toMatchObject({ attempt: 1, statusCode: 409 });
				// The 409 is n8n's own: the execution was still "running" when the first callback came.
				expect(bed.n8n.readLog()).toContain(`The execution "${run.execution.id}" is running already`);
				const deliveries = await pollUntil('the accepted callback', () => {
					const all = deliveriesOf(task.task_id);
					return accepted(all.at(-1)?.statusCode) ? all : undefined;
				});
				expect(deliveries.length).toBeGreaterThanOrEqual(2);
				// It really waited: its check before waiting, then the check of the callback that resumed it.
				const fetches = bed.sim
					.inspect()
					.requests.filter((request) => request.route === 'GET /fetch' && request.path.endsWith(task.task_id));
				expect(fetches).toHaveLength(2);
				const [item] = nodeOutput(run.execution, 'Imagine');
				expect(item.json).toMatchObject({ task_id: task.task_id, status: 'completed' });
				expect(item.binary?.data).toMatchObject({ mimeType: 'image/png' });
				console.log(
					`[observe] held pre-wait check: callback attempts ` +
						deliveries.map((delivery) => `#${delivery.attempt} → ${delivery.statusCode ?? delivery.error}`).join(', '),
				);
				measureResume('callback too early, then retried', task.task_id, run.execution);
			} finally {
				await proxy.stop();
			}
		});
	});
});
