import * as path from 'node:path';

import {
	assertExecutionStatus,
	type CreatedWorkflow,
	type CredentialRef,
	LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKey,
	nodeOutput,
	pollUntil,
	type WorkflowJson,
} from '../../real-n8n/harness';
import { maskKey, type Simulator, startSimulator } from '../../simulator';
import { deployTrigger, postJson, retireTrigger, waitForExecutions } from '../helpers/e2e/callbacks';
import { connectN8n } from '../helpers/e2e/server-file';
import { E2E_TEST_TIMEOUT_MS, type Testbed, WORKFLOWS_DIR } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const HOLDS = ['hold-a', 'hold-b', 'hold-c'] as const;

describe('A hold pool in a real n8n: several LinkrAPI keys in one batch', () => {
	const n8n = connectN8n();
	const keys = Object.fromEntries(HOLDS.map((hold) => [hold, newApiKey()])) as Record<(typeof HOLDS)[number], string>;
	const holdOfMasked = (masked: string | null) => HOLDS.find((hold) => maskKey(keys[hold]) === masked);
	let sim: Simulator;
	let pool: CredentialRef & { type: string };

	beforeAll(async () => {
		sim = await startSimulator({
			taskDurationMs: 1500,
			keys: Object.values(keys),
			holds: Object.fromEntries(Object.values(keys).map((key) => [key, { concurrency: 3 }])),
		});
		pool = await n8n.createCredential('LinkrAPI hold pool', LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
			holds: { hold: HOLDS.map((name) => ({ name, apiKey: keys[name], jobsAtOnce: 3, jobsWaiting: 0 })) },
			baseUrl: sim.url,
		});
	});

	afterAll(async () => {
		await sim?.stop();
	});

	beforeEach(() => {
		sim.reset();
		sim.configure({ holds: Object.fromEntries(Object.values(keys).map((key) => [key, { submitFaults: null }])) });
	});

	async function deployBatch(withUpscale: boolean): Promise<CreatedWorkflow> {
		const workflow: WorkflowJson = loadWorkflow(path.join(WORKFLOWS_DIR, 'pool-batch.json'));
		if (!withUpscale) {
			workflow.nodes = workflow.nodes.filter((node) => node.name !== 'Upscale');
			delete (workflow.connections as Record<string, unknown>).Imagine;
		}
		return await n8n.deployWorkflow(workflow, { credential: pool });
	}

	it('shares 12 prompts over 3 holds, each within its 3 slots and nothing left waiting in an account’s queue', async () => {
		const workflow = await deployBatch(false);

		const run = await n8n.runWorkflow(workflow, { body: { count: 12 } });

		assertExecutionStatus(run.execution, 'success');
		const items = nodeOutput(run.execution, 'Imagine');
		expect(items.map((item) => item.json.status)).toEqual(Array(12).fill('completed'));
		const inspection = sim.inspect();
		for (const item of items) {
			const task = inspection.tasks.find((candidate) => candidate.task_id === item.json.task_id);
			expect(item.json.hold).toBe(holdOfMasked(task?.key ?? null));
		}
		const holds = HOLDS.map((hold) => inspection.holds[maskKey(keys[hold])]);
		expect(holds.map((hold) => hold.tasks).reduce((sum, tasks) => sum + tasks, 0)).toBe(12);
		for (const hold of holds) {
			expect(hold.tasks).toBeGreaterThan(0);
			expect(hold.peakRunning).toBeLessThanOrEqual(3);
			expect(hold.peakQueued).toBe(0);
		}
		console.log(
			`[measure] 12 prompts over 3 holds: ${HOLDS.map((hold, index) => `${hold} ${holds[index].tasks}`).join(', ')}; ` +
				`execution ${(Date.parse(run.execution.stoppedAt ?? '') - Date.parse(run.execution.startedAt ?? '')) / 1000} s`,
		);
		expect(JSON.stringify(run.execution)).not.toMatch(/lkr_[0-9a-f]{32}/);
	});

	it('sends every Upscale to the hold that ran its grid: no request with another hold’s key', async () => {
		const workflow = await deployBatch(true);

		const run = await n8n.runWorkflow(workflow, { body: { count: 6 } });

		assertExecutionStatus(run.execution, 'success');
		const grids = nodeOutput(run.execution, 'Imagine');
		const upscales = nodeOutput(run.execution, 'Upscale');
		expect(upscales.map((item) => item.json.status)).toEqual(Array(6).fill('completed'));
		for (const upscale of upscales) {
			const grid = grids.find((item) => item.json.task_id === upscale.json.source_task_id);
			expect(upscale.json.hold).toBe(grid?.json.hold);
		}
		const inspection = sim.inspect();
		for (const task of inspection.tasks.filter((candidate) => candidate.parent_task_id)) {
			const parent = inspection.tasks.find((candidate) => candidate.task_id === task.parent_task_id);
			expect(task.key).toBe(parent?.key);
		}
		expect(inspection.requests.filter((request) => request.status === 404)).toEqual([]);
	});

	it('completes the batch on the rest when one hold is suspended and one disconnected, and names both', async () => {
		sim.configure({
			holds: {
				[keys['hold-a']]: { submitFaults: { status: 403 } },
				[keys['hold-b']]: { submitFaults: { status: 502 } },
			},
		});
		const workflow = await deployBatch(false);

		const run = await n8n.runWorkflow(workflow, { body: { count: 6 } });

		assertExecutionStatus(run.execution, 'success');
		const items = nodeOutput(run.execution, 'Imagine');
		expect(items.map((item) => [item.json.status, item.json.hold])).toEqual(Array(6).fill(['completed', 'hold-c']));
		expect(sim.inspect().tasks).toHaveLength(6);
		const log = n8n.readLog();
		// Each rests for every execution of this n8n process (test/e2e/hold-ledger.test.ts follows a rest to its end).
		expect(log).toMatch(
			/Hold "hold-a" rests until \d\d:\d\d:\d\d UTC for every execution: its hold is suspended \(HTTP 403\)/,
		);
		expect(log).toMatch(
			/Hold "hold-b" rests until \d\d:\d\d:\d\d UTC for every execution: LinkrAPI could not reach its Discord account \(HTTP 502\)/,
		);
	});

	it('the credential test names a hold whose key is not a LinkrAPI key, before any request', async () => {
		const withTypo = await n8n.createCredential('LinkrAPI hold pool with a typo', LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
			holds: {
				hold: [
					{ name: 'hold-a', apiKey: keys['hold-a'], jobsAtOnce: 3 },
					{ name: 'typo', apiKey: 'sk-not-a-linkrapi-key', jobsAtOnce: 3 },
				],
			},
			baseUrl: sim.url,
		});
		const before = sim.inspect().requests.length;

		const result = await n8n.testCredential(withTypo);

		expect(result.status).toBe('Error');
		expect(result.message).toContain('The API Key of Hold "typo" does not start with lkr_');
		expect(sim.inspect().requests.length).toBe(before);
	});

	it('the Trigger verifies callbacks of two holds of one pool with their own keys, and names the hold', async () => {
		// The trigger workflow of the other tests, switched to the pool credential.
		const onPool = {
			n8n,
			deploy: async (file: string, change: (json: WorkflowJson) => WorkflowJson) => {
				const json = change(loadWorkflow(path.join(WORKFLOWS_DIR, file)));
				for (const node of json.nodes.filter((candidate) => candidate.credentials?.linkrApi)) {
					node.credentials = { [LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE]: { id: '', name: '' } };
				}
				return await n8n.deployWorkflow(json, { credential: pool });
			},
		} as unknown as Testbed;
		const trigger = await deployTrigger(onPool, 'trigger-on-finish.json', { authentication: 'holdPool' });
		try {
			const submit = async (key: string) => {
				const response = await fetch(`${sim.url}/imagine`, {
					method: 'POST',
					headers: { 'authorization': `Bearer ${key}`, 'content-type': 'application/json' },
					body: JSON.stringify({ prompt: 'a pooled lighthouse' }),
				});
				return ((await response.json()) as { task_id: string }).task_id;
			};
			const fromA = await submit(keys['hold-a']);
			const fromB = await submit(keys['hold-b']);
			await pollUntil('both tasks to end', () =>
				sim.inspect().tasks.every((task) => task.endedAt !== undefined) ? true : undefined,
			);

			// hold-b's callback names its hold; hold-a's names none (found by asking the holds in turn)
			const answers = [
				await postJson(`${trigger.url}&linkrapi_hold=hold-b`, { task_id: fromB }),
				await postJson(trigger.url, { task_id: fromA }),
			];

			expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
			const executions = await waitForExecutions(n8n, trigger.workflow.id, 2);
			const started = executions.map((execution) => nodeOutput(execution, 'LinkrAPI Trigger')[0]?.json);
			expect(started.map((json) => [json?.task_id, json?.hold]).sort()).toEqual(
				[
					[fromA, 'hold-a'],
					[fromB, 'hold-b'],
				].sort(),
			);
		} finally {
			await retireTrigger(n8n, trigger);
		}
	});
});
