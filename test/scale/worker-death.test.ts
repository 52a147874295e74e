import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	assertExecutionStatus,
	type CreatedWorkflow,
	type CredentialRef,
	type Execution,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKey,
	nodeOutput,
	REPO_ROOT,
	type WorkflowJson,
} from '../../e2e/harness';
import { executionsStartedBy, type N8nProcess, type QueueCluster, startQueueCluster } from '../../e2e/queue';
import { type Simulator, startSimulator } from '../../simulator';
import { waitFor, waitForExecutionStatus } from '../e2e/support/callbacks';

/**
 * README "If n8n restarts during a batch", queue mode: the worker running a batch's wait is killed with SIGKILL (a
 * crash, an OOM kill, a node going away). Its own cluster, with three workers: each test kills one, and a live worker
 * is needed both to notice a dead worker's job and to run the Retry.
 */

const WORKFLOWS_DIR = path.join(__dirname, 'workflows');
const LOGS_DIR = path.join(REPO_ROOT, '.e2e-tmp', 'scale-worker-death-logs');
const WORKERS = 3;
const PROMPTS = 6;
/** Far longer than submitting 6 prompts and the first status check: every job still runs when the worker dies. */
const TASK_MS = 45_000;
const FETCH_NODE = 'Wait for the images';
/** n8n 2.x fails a dead worker's job once its lock (60 s) has expired and a live worker's stalled check (every 30 s) saw it. */
const STALLED_JOB_FAILED_WITHIN_MS = 240_000;
const ended = (status: string) => !['new', 'running', 'waiting'].includes(status);

jest.setTimeout(420_000);

describe('n8n queue mode: the worker running a batch of 6 prompts dies (SIGKILL) during the wait', () => {
	let cluster: QueueCluster;
	let sim: Simulator;
	let apiKey: string;
	let credential: CredentialRef;

	beforeAll(async () => {
		fs.rmSync(LOGS_DIR, { recursive: true, force: true });
		cluster = await startQueueCluster({
			workers: WORKERS,
			concurrency: 5,
			log: (line) => console.log(`[queue] ${line}`),
		});
		apiKey = newApiKey();
		sim = await startSimulator({ keys: [apiKey], taskDurationMs: TASK_MS, concurrency: 2 * PROMPTS });
		credential = await cluster.main.createCredential('LinkrAPI simulator', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey,
			baseUrl: sim.url,
		});
	});

	afterAll(async () => {
		await sim?.stop();
		await cluster?.stop({ keepLogsIn: LOGS_DIR });
	});

	async function deploy(file: string, change: (workflow: WorkflowJson) => WorkflowJson = (w) => w) {
		return await cluster.main.deployWorkflow(change(loadWorkflow(path.join(WORKFLOWS_DIR, file))), { credential });
	}

	const submitsOf = (label: string) =>
		sim
			.inspect()
			.requests.filter(
				(request) =>
					request.route === 'POST /imagine' &&
					String((request.body as { prompt?: string }).prompt).startsWith(`${label} `),
			).length;

	/** Waits until every prompt of the batch was submitted and one of its tasks checked; returns the task ids. */
	async function submittedAndChecked(label: string): Promise<string[]> {
		return await waitFor(
			`${PROMPTS} submits and a status check of the "${label}" batch`,
			() => {
				const { tasks, requests } = sim.inspect();
				const ours = tasks.filter((task) => task.prompt.startsWith(`${label} `));
				const checked = requests.some(
					(request) => request.route === 'GET /fetch' && ours.some((task) => request.path.endsWith(`/${task.task_id}`)),
				);
				return ours.length === PROMPTS && checked ? ours.map((task) => task.task_id) : undefined;
			},
			60_000,
		);
	}

	/** Kills the worker whose log says it started `executionId`; every job of the batch is still running then. */
	async function killWorkerRunning(
		executionId: string,
		taskIds: string[],
	): Promise<{ worker: N8nProcess; at: number }> {
		const worker = await waitFor(`the worker running execution ${executionId}`, () =>
			cluster.workers.find((candidate) => executionsStartedBy(candidate).includes(executionId)),
		);
		const at = Date.now();
		await worker.kill();
		for (const task of sim.inspect().tasks.filter((candidate) => taskIds.includes(candidate.task_id))) {
			expect(task.endedAt ?? Infinity).toBeGreaterThan(at);
		}
		return { worker, at };
	}

	/** What the editor's Retry ("with original workflow") sends; n8n answers once the new execution has ended. */
	async function retry(executionId: string): Promise<Execution> {
		const retried = await cluster.main.rest<{ id: string }>('POST', `/executions/${executionId}/retry`, {
			loadWorkflow: false,
		});
		return await cluster.main.waitForExecution(String(retried.id), 180_000);
	}

	it('submit and wait in two workflows: the waiting execution shows "running" without its worker; Stop, then Retry outputs all 6 results and submits nothing again', async () => {
		const waitWorkflow = await deploy('queue-restart-wait.json');
		const submitWorkflow: CreatedWorkflow = await deploy('queue-restart-submit.json', (workflow) => {
			const handOver = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.executeWorkflow');
			handOver!.parameters.workflowId = { __rl: true, value: waitWorkflow.id, mode: 'id' };
			return workflow;
		});
		const submit = await cluster.main.runWorkflow(submitWorkflow, {
			body: { count: PROMPTS, label: 'split' },
			settled: ended,
		});
		assertExecutionStatus(submit.execution, 'success');
		const taskIds = await submittedAndChecked('split');
		expect(nodeOutput(submit.execution, 'Imagine').map((item) => item.json.task_id)).toEqual(taskIds);
		const [waiting] = await cluster.main.listExecutions(waitWorkflow.id, 1);

		// The waiting execution runs inside the submitting execution's worker, as a sub-execution without a queue job.
		const killed = await killWorkerRunning(submit.execution.id, taskIds);

		// Nothing in n8n notices: no job of its own failed (main marks it crashed at its next start or queue recovery check).
		expect((await cluster.main.getExecution(waiting.id)).status).toBe('running');
		await cluster.main.rest('POST', `/executions/${waiting.id}/stop`);
		const stopped = await cluster.main.getExecution(waiting.id);
		expect(stopped.status).toBe('canceled');
		const retried = await retry(waiting.id);

		assertExecutionStatus(retried, 'success');
		const results = nodeOutput(retried, FETCH_NODE);
		expect(results.map((item) => item.json.task_id)).toEqual(taskIds);
		results.forEach((item, index) => {
			expect(item.json).toMatchObject({ status: 'completed', prompt: `split prompt ${index + 1} --ar 1:1` });
		});
		expect(submitsOf('split')).toBe(PROMPTS);
		const ranOn = cluster.workers.filter((worker) => executionsStartedBy(worker).includes(retried.id));
		expect(ranOn.map((worker) => worker.name)).not.toContain(killed.worker.name);
		console.log(
			`[measure] queue, split: ${killed.worker.name} killed; Stop + Retry → execution ${retried.id} on ` +
				`${ranOn.map((worker) => worker.name).join(',')}: ${results.length} results ` +
				`${((Date.now() - killed.at) / 1000).toFixed(1)} s after the kill; POST /imagine ${submitsOf('split')}`,
		);
	});

	it('one workflow with Save execution progress (n8n 2.x): n8n fails the execution after the worker died and overwrites its saved progress, so Retry has no task to wait for', async () => {
		const workflow = await deploy('queue-restart-batch.json');
		const run = await cluster.main.runWorkflow(workflow, {
			body: { count: PROMPTS, label: 'single' },
			settled: (status) => status !== 'new',
		});
		const taskIds = await submittedAndChecked('single');
		// The saved progress holds every task id before the worker dies.
		const saved = await cluster.main.getExecution(run.execution.id);
		expect(nodeOutput(saved, 'Imagine').map((item) => item.json.task_id)).toEqual(taskIds);

		const killed = await killWorkerRunning(run.execution.id, taskIds);

		const failed = await waitForExecutionStatus(
			cluster.main,
			run.execution.id,
			(status) => status !== 'running',
			STALLED_JOB_FAILED_WITHIN_MS,
			1000,
		);
		const seconds = (Date.now() - killed.at) / 1000;
		expect(failed.status).toBe('error');
		expect(failed.data.resultData.error?.message).toMatch(/failed to be processed too many times/);
		// n8n's failure handler saved an empty run over the progress: Imagine's output and the node to resume are gone.
		expect(nodeOutput(failed, 'Imagine')).toEqual([]);
		for (const taskId of taskIds) expect(JSON.stringify(failed)).not.toContain(taskId);
		const retried = await retry(run.execution.id);
		expect(nodeOutput(retried, FETCH_NODE)).toEqual([]);
		expect(submitsOf('single')).toBe(PROMPTS);
		console.log(
			`[measure] queue, one workflow: ${killed.worker.name} killed; execution ${failed.id} "${failed.status}" ` +
				`${seconds.toFixed(1)} s later with its saved progress overwritten; Retry → "${retried.status}", no results`,
		);
	});

	it('no n8n process logged the API key', () => {
		for (const [name, file] of Object.entries(cluster.logFiles())) {
			const log = fs.readFileSync(file, 'utf8');
			expect({ name, leaked: log.includes(apiKey) }).toEqual({ name, leaked: false });
		}
	});
});
