import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	assertExecutionStatus,
	capabilitiesOf,
	type CreatedWorkflow,
	type CredentialRef,
	type Execution,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKey,
	nodeOutput,
	pollUntil,
	REPO_ROOT,
	type WorkflowJson,
	hasEnded,
} from '../../real-n8n/harness';
import { executionsStartedBy, type N8nProcess, type QueueCluster, startQueueCluster } from '../../real-n8n/queue';
import { type Simulator, startSimulator } from '../../simulator';
import { waitForExecutionStatus } from '../helpers/e2e/callbacks';
import { imagineSubmitsOf, submittedAndChecked } from '../helpers/e2e/labelled-batch';

/**
 * README "If n8n restarts during a batch", queue mode: the worker running a batch's wait is killed with SIGKILL (a
 * crash, an OOM kill, a node going away). Its own cluster. Runs on n8n 1.x too (LINKRAPI_N8N_VERSION=1.123.x), where
 * n8n handles a dead worker's job differently (N8nCapabilities.queueRerunsDeadWorkersJobs).
 */

const WORKFLOWS_DIR = path.join(__dirname, 'workflows');
const LOGS_DIR = path.join(REPO_ROOT, '.e2e-tmp', 'scale-worker-death-logs');
/** Each worker-death test kills one; a live worker must remain to notice a dead worker's job and to run Retries. */
const WORKERS = 4;
const PROMPTS = 6;
/** Far longer than submitting 6 prompts and the first status check: every job still runs when the worker dies. */
const TASK_MS = 45_000;
const FETCH_NODE = 'Wait for the images';
/**
 * A dead worker's job is noticed once its lock (60 s) has expired and a live worker's stalled-job check (every 30 s)
 * sees it: n8n 2.x then fails it, 1.x runs it again.
 */
const STALLED_JOB_HANDLED_WITHIN_MS = 240_000;

jest.setTimeout(420_000);

describe('n8n queue mode: the worker running a batch of 6 prompts dies (SIGKILL) during the wait', () => {
	let cluster: QueueCluster;
	let sim: Simulator;
	let apiKey: string;
	let credential: CredentialRef;

	const n8nHas = () => capabilitiesOf(cluster.main.connection.n8nVersion);

	/** Names of the workers whose log says they started `executionId`, once per start. */
	function workersThatStarted(executionId: string): string[] {
		return cluster.workers.flatMap((worker) =>
			executionsStartedBy(worker)
				.filter((id) => id === executionId)
				.map(() => worker.name),
		);
	}

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

	const submitsOf = (label: string) => imagineSubmitsOf(sim, label);

	/** Waits until every prompt of the batch was submitted and one of its tasks checked; returns the task ids. */
	async function submittedAndCheckedBatch(label: string): Promise<string[]> {
		return await pollUntil(
			`${PROMPTS} submits and a status check of the "${label}" batch`,
			() => submittedAndChecked(sim, label, PROMPTS),
			{ timeoutMs: 60_000 },
		);
	}

	/** Kills the worker whose log says it started `executionId`; every job of the batch is still running then. */
	async function killWorkerRunning(
		executionId: string,
		taskIds: string[],
	): Promise<{ worker: N8nProcess; at: number }> {
		const worker = await pollUntil(`the worker running execution ${executionId}`, () =>
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
			settled: hasEnded,
		});
		assertExecutionStatus(submit.execution, 'success');
		const taskIds = await submittedAndCheckedBatch('split');
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

	/** Starts a one-workflow batch, kills the worker running it mid-wait; returns the execution once n8n moved it on. */
	async function killDuringOneWorkflowBatch(file: string, label: string) {
		const workflow = await deploy(file);
		const run = await cluster.main.runWorkflow(workflow, {
			body: { count: PROMPTS, label },
			settled: (status) => status !== 'new',
		});
		const taskIds = await submittedAndCheckedBatch(label);
		const saved = await cluster.main.getExecution(run.execution.id);

		const killed = await killWorkerRunning(run.execution.id, taskIds);

		// n8n 1.x runs the job again on another worker (it ends by itself); n8n 2.x fails it.
		const after = await waitForExecutionStatus(
			cluster.main,
			run.execution.id,
			hasEnded,
			STALLED_JOB_HANDLED_WITHIN_MS,
			1000,
		);
		const seconds = ((Date.now() - killed.at) / 1000).toFixed(1);
		return { taskIds, saved, killed, after, seconds };
	}

	it('one workflow with Save execution progress: n8n 2.x fails the execution once the worker is gone and overwrites its saved progress, so Retry has no task to wait for (n8n 1.x resumes it at Fetch on another worker)', async () => {
		const { taskIds, saved, killed, after, seconds } = await killDuringOneWorkflowBatch(
			'queue-restart-batch.json',
			'single',
		);

		// The saved progress held every task id before the worker died.
		expect(nodeOutput(saved, 'Imagine').map((item) => item.json.task_id)).toEqual(taskIds);
		if (n8nHas().queueRerunsDeadWorkersJobs) {
			assertExecutionStatus(after, 'success');
			expect(nodeOutput(after, FETCH_NODE).map((item) => item.json.task_id)).toEqual(taskIds);
			expect(submitsOf('single')).toBe(PROMPTS);
			expect(workersThatStarted(after.id)).toEqual([killed.worker.name, expect.not.stringMatching(killed.worker.name)]);
			console.log(
				`[measure] queue, one workflow: ${killed.worker.name} killed; run again from Fetch, 6 results ${seconds} s later`,
			);
			return;
		}
		expect(after.status).toBe('error');
		expect(after.data.resultData.error?.message).toMatch(/failed to be processed too many times/);
		// n8n's failure handler saved an empty run over the progress: Imagine's output and the node to resume are gone.
		expect(nodeOutput(after, 'Imagine')).toEqual([]);
		for (const taskId of taskIds) expect(JSON.stringify(after)).not.toContain(taskId);
		const retried = await retry(after.id);
		expect(nodeOutput(retried, FETCH_NODE)).toEqual([]);
		expect(submitsOf('single')).toBe(PROMPTS);
		console.log(
			`[measure] queue, one workflow: ${killed.worker.name} killed; execution ${after.id} "${after.status}" ` +
				`${seconds} s later with its saved progress overwritten; Retry → "${retried.status}", no results`,
		);
	});

	it('Imagine with Poll Until Finished: n8n 2.x fails the execution and keeps no task id (n8n 1.x runs the job again on another worker, which submits every prompt again)', async () => {
		const { taskIds, killed, after, seconds } = await killDuringOneWorkflowBatch(
			'queue-restart-poll-batch.json',
			'plain',
		);

		if (n8nHas().queueRerunsDeadWorkersJobs) {
			assertExecutionStatus(after, 'success');
			expect(submitsOf('plain')).toBe(2 * PROMPTS);
			for (const item of nodeOutput(after, 'Imagine')) expect(taskIds).not.toContain(item.json.task_id);
			console.log(
				`[measure] queue, plain Poll: ${killed.worker.name} killed; run again ${seconds} s later, ${submitsOf('plain')} POST /imagine`,
			);
			return;
		}
		expect(after.status).toBe('error');
		for (const taskId of taskIds) expect(JSON.stringify(after)).not.toContain(taskId);
		expect(submitsOf('plain')).toBe(PROMPTS);
		console.log(
			`[measure] queue, plain Poll: ${killed.worker.name} killed; execution "${after.status}" ${seconds} s later, no task id kept`,
		);
	});

	it('no n8n process logged the API key', () => {
		for (const [name, file] of Object.entries(cluster.logFiles())) {
			const log = fs.readFileSync(file, 'utf8');
			expect({ name, leaked: log.includes(apiKey) }).toEqual({ name, leaked: false });
		}
	});
});
