import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	assertExecutionStatus,
	capabilitiesOf,
	type CreatedWorkflow,
	type CredentialRef,
	discardPackedTarball,
	type Execution,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	type N8nServer,
	newApiKey,
	nodeOutput,
	packageTarball,
	pollUntil,
	restartN8n,
	startN8n,
	type WorkflowJson,
	hasEnded,
} from '../../real-n8n/harness';
import { type Simulator, startSimulator } from '../../simulator';
import { waitForExecutionStatus } from '../helpers/e2e/callbacks';
import { imagineSubmitsOf, submittedAndChecked } from '../helpers/e2e/labelled-batch';
import { leakedKeys } from '../helpers/e2e/secrets';
import { E2E_TMP_DIR } from '../helpers/e2e/server-file';
import { E2E_TEST_TIMEOUT_MS, WORKFLOWS_DIR } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const PROMPTS = 6;
/**
 * How long each Midjourney job runs in the simulator: far longer than submitting three batches of 6 prompts at 3
 * requests/s plus their first status checks, so every job is still running when n8n is killed.
 */
const TASK_MS = 45_000;
const FETCH_NODE = 'Wait for the images';

interface Batch {
	label: string;
	/** The execution that was running when n8n was killed. */
	executionId: string;
	/** Task ids LinkrAPI handed out for the batch, in submit order. */
	taskIds: string[];
}

/**
 * README "If n8n restarts during a batch". Three batches of 6 prompts wait when n8n is killed with SIGKILL; n8n then
 * starts again on the same user folder, database and port. This file runs its own n8n: the shared one of the e2e
 * run must not be killed under the other test files.
 */
describe('Batches of 6 prompts when n8n is killed (SIGKILL) during the wait and restarted on the same database', () => {
	let n8n: N8nServer;
	let sim: Simulator;
	let apiKey: string;
	let credential: CredentialRef;
	let errorWorkflow: CreatedWorkflow | undefined;
	let waitWorkflow: CreatedWorkflow;
	/** The recommended shape: submitted in one execution, waited for in another. */
	let split: Batch & { submitExecutionId: string };
	/** Imagine (Don't Wait) → Fetch (Poll) in one workflow, with Save execution progress. */
	let single: Batch;
	/** Imagine with Poll Until Finished. */
	let plain: Batch;

	/**
	 * Saves a workflow from test/e2e/workflows and publishes it, unless `activate` is false. Every workflow reports
	 * failed and crashed executions to the error workflow.
	 */
	async function deploy(
		file: string,
		change: (workflow: WorkflowJson) => WorkflowJson = (w) => w,
		activate = true,
	): Promise<CreatedWorkflow> {
		const workflow = change(loadWorkflow(path.join(WORKFLOWS_DIR, file)));
		if (errorWorkflow) workflow.settings = { ...workflow.settings, errorWorkflow: errorWorkflow.id };
		const created = await n8n.createWorkflow(workflow, { credential });
		if (activate) await n8n.activateWorkflow(created);
		return created;
	}

	/** Starts a batch; its webhook answers at once. Resolves with the execution as soon as n8n saved it running. */
	async function startBatch(workflow: CreatedWorkflow, label: string): Promise<Execution> {
		const run = await n8n.runWorkflow(workflow, {
			body: { count: PROMPTS, label },
			settled: (status) => status !== 'new',
		});
		return run.execution;
	}

	const submitsOf = (label: string) => imagineSubmitsOf(sim, label);

	/** What the editor's "Retry with original workflow" sends; n8n answers once the new execution has ended. */
	async function retry(executionId: string): Promise<Execution> {
		const started = Date.now();
		const retried = await n8n.rest<{ id: string }>('POST', `/executions/${executionId}/retry`, {
			loadWorkflow: false,
		});
		const execution = await n8n.waitForExecution(String(retried.id), 120_000);
		console.log(
			`[measure] retry of execution ${executionId}: execution ${execution.id} ended "${execution.status}" ` +
				`${((Date.now() - started) / 1000).toFixed(1)} s after the Retry`,
		);
		return execution;
	}

	beforeAll(async () => {
		apiKey = newApiKey();
		sim = await startSimulator({ keys: [apiKey], taskDurationMs: TASK_MS, concurrency: 3 * PROMPTS });
		const tgz = packageTarball();
		n8n = await startN8n({ tgz, env: { N8N_LOG_LEVEL: 'debug' } });
		discardPackedTarball(tgz);
		credential = await n8n.createCredential('LinkrAPI simulator', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey,
			baseUrl: sim.url,
		});
		// n8n 2.x runs an error workflow, and a published workflow's sub-workflow, only when it is published; 1.x
		// cannot activate either (no trigger of their own) and runs them as they are.
		const publish = capabilitiesOf(n8n.connection.n8nVersion).workflowPublishing;
		errorWorkflow = await deploy('error-workflow.json', undefined, publish);
		waitWorkflow = await deploy('restart-wait.json', undefined, publish);
		const submitWorkflow = await deploy('restart-submit.json', (workflow) => {
			const handOver = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.executeWorkflow');
			handOver!.parameters.workflowId = { __rl: true, value: waitWorkflow.id, mode: 'id' };
			return workflow;
		});
		const singleWorkflow = await deploy('restart-batch.json');
		const plainWorkflow = await deploy('restart-poll-batch.json');

		const submit = await startBatch(submitWorkflow, 'split');
		const singleRun = await startBatch(singleWorkflow, 'single');
		const plainRun = await startBatch(plainWorkflow, 'plain');
		const taskIds = await pollUntil(
			'every prompt of the three batches submitted and a status check of each batch',
			() => {
				const batches = ['split', 'single', 'plain'].map((label) => submittedAndChecked(sim, label, PROMPTS));
				return batches.every((ids) => ids !== undefined) ? (batches as string[][]) : undefined;
			},
			{ timeoutMs: 90_000 },
		);
		const [waiting] = await n8n.listExecutions(waitWorkflow.id, 1);
		split = { label: 'split', executionId: waiting.id, taskIds: taskIds[0], submitExecutionId: submit.id };
		single = { label: 'single', executionId: singleRun.id, taskIds: taskIds[1] };
		plain = { label: 'plain', executionId: plainRun.id, taskIds: taskIds[2] };
		for (const { executionId } of [split, single, plain]) {
			expect((await n8n.getExecution(executionId)).status).toBe('running');
		}

		const killedAt = Date.now();
		await n8n.kill();
		// Every job was still running on "Midjourney" when n8n died.
		for (const task of sim.inspect().tasks) expect(task.endedAt ?? Infinity).toBeGreaterThan(killedAt);

		n8n = await restartN8n(n8n);
		const restarted = Date.now();
		for (const { executionId } of [split, single, plain]) {
			await waitForExecutionStatus(n8n, executionId, (status) => status !== 'running', 30_000);
		}
		console.log(
			`[measure] kill → n8n serving again ${((restarted - killedAt) / 1000).toFixed(1)} s; ` +
				`→ the 3 executions no longer "running" ${((Date.now() - killedAt) / 1000).toFixed(1)} s`,
		);
	});

	afterAll(async () => {
		const log = n8n?.readLog() ?? '';
		fs.mkdirSync(E2E_TMP_DIR, { recursive: true });
		fs.writeFileSync(path.join(E2E_TMP_DIR, 'n8n-restart.log'), log);
		await n8n?.stop();
		await sim?.stop();
		expect(leakedKeys(log)).toEqual([]);
	});

	function expectResults(execution: Execution, batch: Batch): void {
		assertExecutionStatus(execution, 'success');
		const results = nodeOutput(execution, FETCH_NODE);
		expect(results.map((item) => item.json.task_id)).toEqual(batch.taskIds);
		results.forEach((item, index) => {
			expect(item.json).toMatchObject({
				status: 'completed',
				prompt: `${batch.label} prompt ${index + 1} --ar 1:1`,
				image_url: expect.any(String),
			});
		});
		expect(JSON.stringify(execution)).not.toContain(apiKey);
	}

	it('submit and wait in two workflows: the submitting execution succeeded, Retry of the crashed waiting one outputs all 6 results and submits nothing again', async () => {
		const submit = await n8n.getExecution(split.submitExecutionId);
		assertExecutionStatus(submit, 'success');
		expect(nodeOutput(submit, 'Imagine').map((item) => item.json.task_id)).toEqual(split.taskIds);
		const crashed = await n8n.getExecution(split.executionId);
		expect(crashed.status).toBe('crashed');

		const retried = await retry(split.executionId);

		expectResults(retried, split);
		expect(submitsOf('split')).toBe(PROMPTS);
	});

	it('n8n runs the error workflow for each crashed execution, naming it and its last node: a hook to automate the Retry', async () => {
		const reports = await pollUntil('the error workflow to report the three crashed executions', async () => {
			const runs = (await n8n.listExecutions(errorWorkflow!.id, 20)).filter((run) => hasEnded(run.status));
			if (runs.length < 3) return undefined;
			const executions = await Promise.all(runs.map(async (run) => await n8n.getExecution(run.id)));
			return executions.map((execution) => nodeOutput(execution, 'Error Trigger')[0]?.json.execution);
		});

		expect(reports).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					id: split.executionId,
					lastNodeExecuted: FETCH_NODE,
					error: expect.objectContaining({ name: 'WorkflowCrashedError' }),
				}),
				expect.objectContaining({ id: single.executionId, lastNodeExecuted: FETCH_NODE }),
				expect.objectContaining({ id: plain.executionId, lastNodeExecuted: 'Imagine' }),
			]),
		);
	});

	it('one workflow, Imagine (Don’t Wait) → Fetch (Poll) with Save execution progress: the task ids survive, and Retry outputs all 6 results', async () => {
		const crashed = await n8n.getExecution(single.executionId);
		expect(crashed.status).toBe('crashed');
		// Saved progress: Imagine's output, every task id, is in the database although the execution crashed.
		expect(nodeOutput(crashed, 'Imagine').map((item) => item.json.task_id)).toEqual(single.taskIds);

		const retried = await retry(single.executionId);

		expectResults(retried, single);
		// Imagine did not run again: its one run is the one carried over from the crashed execution.
		expect(retried.data.resultData.runData.Imagine).toHaveLength(1);
		expect(submitsOf('single')).toBe(PROMPTS);
	});

	it('Imagine with Poll Until Finished: the crashed execution holds no task id, and its Retry submits every prompt again', async () => {
		const crashed = await n8n.getExecution(plain.executionId);
		expect(crashed.status).toBe('crashed');
		for (const taskId of plain.taskIds) expect(JSON.stringify(crashed)).not.toContain(taskId);
		// The new jobs need not take long: only their number matters here.
		sim.configure({ taskDurationMs: 1000 });

		const retried = await retry(plain.executionId);

		assertExecutionStatus(retried, 'success');
		expect(submitsOf('plain')).toBe(2 * PROMPTS);
		const resubmitted = nodeOutput(retried, 'Imagine').map((item) => item.json.task_id);
		expect(resubmitted).toHaveLength(PROMPTS);
		for (const taskId of resubmitted) expect(plain.taskIds).not.toContain(taskId);
	});
});
