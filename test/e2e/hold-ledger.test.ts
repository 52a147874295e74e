import * as path from 'node:path';

import {
	assertExecutionStatus,
	type CreatedWorkflow,
	type CredentialRef,
	type Execution,
	executionError,
	type ExecutionItem,
	LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKeys,
	nodeError,
	nodeOutput,
	pollUntil,
	type WorkflowJson,
	type WorkflowRun,
	withNodeParameters,
} from '../../real-n8n/harness';
import { type Inspection, maskKey, type RecordedRequest, type Simulator, startSimulator } from '../../simulator';
import { type HttpAnswer, postJson, waitForExecutions } from '../helpers/e2e/callbacks';
import { connectN8n } from '../helpers/e2e/server-file';
import { E2E_TEST_TIMEOUT_MS, WORKFLOWS_DIR } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

/**
 * The hold ledger (issue 26): every execution of one n8n process that uses a hold pool counts the same jobs on the
 * same holds. Concurrent executions share the holds' slots, a Don't Wait batch spreads over them, a follow-up finds
 * its task's owner across pools that reuse a hold name, and a hold that refused a submit rests for the whole process.
 */

/** A hold that answers 401, 403 or 502 to a submit rests this long the first time it does. */
const FIRST_REST_MS = 30_000;
/** How long after its refusal the rested hold must be given a job again. */
const BACK_WITHIN_MS = 60_000;
/** The simulator starts a task the moment it is created when its hold has a free slot; more than this is a wait. */
const QUEUED_AFTER_MS = 100;
/** n8n answers 404 "not registered" for a moment after activation; longer means it never will. */
const WEBHOOK_REGISTRATION_TIMEOUT_MS = 30_000;

type Keys = Record<string, string>;
type PoolCredential = CredentialRef & { type: string };

describe('The hold ledger in a real n8n: one process, every execution on the same holds', () => {
	const n8n = connectN8n();
	const simulators: Simulator[] = [];

	afterEach(async () => {
		await Promise.all(simulators.splice(0).map(async (sim) => await sim.stop()));
	});

	/** A simulator of its own (its own Base URL, so nothing learned in another test applies), 3 slots per hold. */
	async function simulatorOf(keys: string[], taskDurationMs: number): Promise<Simulator> {
		const sim = await startSimulator({
			taskDurationMs,
			keys,
			holds: Object.fromEntries(keys.map((key) => [key, { concurrency: 3 }])),
		});
		simulators.push(sim);
		return sim;
	}

	/** A pool credential: each hold its name and key, Jobs at Once 3, Jobs Allowed to Wait 0. */
	async function createPool(name: string, sim: Simulator, holds: Keys): Promise<PoolCredential> {
		return await n8n.createCredential(name, LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
			holds: {
				hold: Object.entries(holds).map(([hold, apiKey]) => ({ name: hold, apiKey, jobsAtOnce: 3, jobsWaiting: 0 })),
			},
			baseUrl: sim.url,
		});
	}

	/** pool-batch.json without its Upscale: Webhook → Prompts (the body's count) → Imagine, changed by `imagine`. */
	async function deployImagineBatch(pool: PoolCredential, imagine: Record<string, unknown>): Promise<CreatedWorkflow> {
		const workflow: WorkflowJson = withNodeParameters(
			loadWorkflow(path.join(WORKFLOWS_DIR, 'pool-batch.json')),
			'Imagine',
			imagine,
		);
		workflow.nodes = workflow.nodes.filter((node) => node.name !== 'Upscale');
		delete (workflow.connections as Record<string, unknown>).Imagine;
		return await n8n.deployWorkflow(workflow, { credential: pool });
	}

	async function deployFile(file: string, pool: PoolCredential): Promise<CreatedWorkflow> {
		return await n8n.deployWorkflow(loadWorkflow(path.join(WORKFLOWS_DIR, file)), { credential: pool });
	}

	/** The name in `keys` of the hold whose key ran the task, by the simulator's record of it. */
	function holdThatRan(inspection: Inspection, taskId: unknown, keys: Keys): string | undefined {
		const task = inspection.tasks.find((candidate) => candidate.task_id === taskId);
		return Object.keys(keys).find((hold) => maskKey(keys[hold]) === task?.key);
	}

	/** Submits (`POST /imagine`) that presented this key, oldest first. */
	function submitsWith(sim: Simulator, key: string): RecordedRequest[] {
		return sim
			.inspect()
			.requests.filter((request) => request.route === 'POST /imagine' && request.key === maskKey(key))
			.sort((a, b) => a.at - b.at);
	}

	/** A submit as the prompt it carried and the status it got: enough to tell which execution made it. */
	function promptAndStatus(request: RecordedRequest): [unknown, number] {
		return [(request.body as { prompt?: unknown } | undefined)?.prompt, request.status];
	}

	/** Who was asked for the task (`GET /fetch/<id>`), oldest first: the hold's name by its key, and the answer. */
	function fetchesOf(sim: Simulator, taskId: string, keys: Keys): Array<[string | undefined, number]> {
		return sim
			.inspect()
			.requests.filter((request) => request.route === 'GET /fetch' && request.path.endsWith(`/${taskId}`))
			.sort((a, b) => a.at - b.at)
			.map((request) => [Object.keys(keys).find((hold) => maskKey(keys[hold]) === request.key), request.status]);
	}

	/** The one item a node output, after checking the execution succeeded. */
	function onlyItem(execution: Execution, node: string): ExecutionItem {
		assertExecutionStatus(execution, 'success');
		const items = nodeOutput(execution, node);
		expect(items).toHaveLength(1);
		return items[0];
	}

	/**
	 * POSTs to a production webhook, again while n8n answers 404 "not registered" (just after activation): a call
	 * it refused started nothing, so each body starts exactly one execution.
	 */
	async function postOnceRegistered(workflow: CreatedWorkflow, body: unknown): Promise<HttpAnswer> {
		const url = `${n8n.connection.webhookBaseUrl ?? n8n.baseUrl}/webhook/${workflow.webhookPath}`;
		return await pollUntil(
			`n8n to register the webhook of workflow ${workflow.id}`,
			async () => {
				const answer = await postJson(url, body);
				return answer.status === 404 && /not registered/i.test(JSON.stringify(answer.body)) ? undefined : answer;
			},
			{ timeoutMs: WEBHOOK_REGISTRATION_TIMEOUT_MS, intervalMs: 100 },
		);
	}

	it('Concurrent webhook executions share the pool', async () => {
		const keys = newApiKeys(['hold-1', 'hold-2', 'hold-3']);
		const sim = await simulatorOf(Object.values(keys), 3000);
		const pool = await createPool('LinkrAPI hold pool, 9 executions at once', sim, keys);
		const workflow = await deployFile('pool-imagine-on-receipt.json', pool);

		const answers = await Promise.all(
			Array.from(
				{ length: 9 },
				async (_, index) => await postOnceRegistered(workflow, { prompt: `concurrent prompt ${index + 1}` }),
			),
		);

		expect(answers.map((answer) => answer.status)).toEqual(Array(9).fill(200));
		const executions = await waitForExecutions(n8n, workflow.id, 9, undefined, 120_000);
		expect(executions).toHaveLength(9);
		const inspection = sim.inspect();
		expect(inspection.tasks).toHaveLength(9);
		// The precondition: the 9 executions really ran at the same time (every task submitted before any ended).
		const lastSubmit = Math.max(...inspection.tasks.map((task) => task.createdAt));
		const firstEnd = Math.min(...inspection.tasks.map((task) => task.endedAt ?? Infinity));
		expect(lastSubmit).toBeLessThan(firstEnd);
		for (const execution of executions) {
			const item = onlyItem(execution, 'Imagine');
			expect(item.json.status).toBe('completed');
			expect(item.json.hold).toBe(holdThatRan(inspection, item.json.task_id, keys));
		}
		const perHold = Object.fromEntries(
			Object.entries(keys).map(([hold, key]) => {
				const tasks = inspection.tasks.filter((task) => task.key === maskKey(key));
				const waited = tasks.filter((task) => (task.startedAt ?? Infinity) - task.createdAt > QUEUED_AFTER_MS);
				return [
					hold,
					{
						tasks: tasks.length,
						waitedInItsQueue: waited.length,
						peakQueued: inspection.holds[maskKey(key)].peakQueued,
					},
				];
			}),
		);
		expect(perHold).toEqual({
			'hold-1': { tasks: 3, waitedInItsQueue: 0, peakQueued: 0 },
			'hold-2': { tasks: 3, waitedInItsQueue: 0, peakQueued: 0 },
			'hold-3': { tasks: 3, waitedInItsQueue: 0, peakQueued: 0 },
		});
	});

	it('A Don’t Wait batch spreads over the pool', async () => {
		const keys = newApiKeys(['hold-1', 'hold-2', 'hold-3']);
		const sim = await simulatorOf(Object.values(keys), 3000);
		const pool = await createPool('LinkrAPI hold pool, a Don’t Wait batch', sim, keys);
		const workflow = await deployImagineBatch(pool, { waitMode: 'none' });

		const run = await n8n.runWorkflow(workflow, { body: { count: 9 } });

		assertExecutionStatus(run.execution, 'success');
		const items = nodeOutput(run.execution, 'Imagine');
		expect(items).toHaveLength(9);
		const inspection = sim.inspect();
		expect(inspection.tasks).toHaveLength(9);
		for (const item of items) {
			expect(typeof item.json.hold).toBe('string');
			expect(item.json.hold).toBe(holdThatRan(inspection, item.json.task_id, keys));
		}
		const tasksPerHold = Object.fromEntries(
			Object.entries(keys).map(([hold, key]) => [hold, inspection.holds[maskKey(key)].tasks]),
		);
		expect(tasksPerHold).toEqual({ 'hold-1': 3, 'hold-2': 3, 'hold-3': 3 });
	});

	describe('Two pool credentials with overlapping hold names', () => {
		/** k1, k2, k3; pool A = {main: k1, extra: k2}, pool B = {main: k3, other: k1}. */
		async function overlappingPools() {
			const keys = newApiKeys(['k1', 'k2', 'k3']);
			const sim = await simulatorOf(Object.values(keys), 500);
			const poolA = { main: keys.k1, extra: keys.k2 };
			const poolB = { main: keys.k3, other: keys.k1 };
			return {
				sim,
				keys,
				poolB,
				credentialA: await createPool('LinkrAPI pool A (main k1, extra k2)', sim, poolA),
				credentialB: await createPool('LinkrAPI pool B (main k3, other k1)', sim, poolB),
			};
		}

		/** One Imagine through the pool, Don't Wait, on the hold the Hold field names; its output item. */
		async function imagineOn(pool: PoolCredential, hold: string): Promise<ExecutionItem> {
			const workflow = await deployImagineBatch(pool, { waitMode: 'none', hold });
			const run = await n8n.runWorkflow(workflow, { body: { count: 1 } });
			return onlyItem(run.execution, 'Imagine');
		}

		/** Fetch through the pool, the input item naming the task and a hold (as pool A's Imagine output it). */
		async function fetchThrough(pool: PoolCredential, taskId: unknown, hold: unknown): Promise<WorkflowRun> {
			const workflow = await deployFile('pool-fetch-item.json', pool);
			return await n8n.runWorkflow(workflow, { body: { task_id: taskId, hold } });
		}

		it('a Fetch whose input item names another pool’s "main" finds the task on the hold that has its key', async () => {
			const { sim, keys, poolB, credentialA, credentialB } = await overlappingPools();
			const made = await imagineOn(credentialA, 'main');
			const taskId = String(made.json.task_id);
			expect(made.json.hold).toBe('main');
			expect(holdThatRan(sim.inspect(), taskId, keys)).toBe('k1');

			const fetched = await fetchThrough(credentialB, taskId, made.json.hold);

			const item = onlyItem(fetched.execution, 'Fetch');
			expect([item.json.task_id, item.json.hold]).toEqual([taskId, 'other']);
			// B's "main" (k3) is asked first, as the item names it, and answers 404; then B's "other" (k1) has it.
			expect(fetchesOf(sim, taskId, poolB)).toEqual([
				['main', 404],
				['other', 200],
			]);
		});

		it('a task no hold of the pool has: the error names every hold asked', async () => {
			const { sim, keys, poolB, credentialA, credentialB } = await overlappingPools();
			const made = await imagineOn(credentialA, 'extra');
			const taskId = String(made.json.task_id);
			expect(holdThatRan(sim.inspect(), taskId, keys)).toBe('k2');

			const fetched = await fetchThrough(credentialB, taskId, 'main');

			assertExecutionStatus(fetched.execution, 'error');
			const error = nodeError(fetched.execution, 'Fetch') ?? executionError(fetched.execution);
			const text = `${error?.message ?? ''} ${error?.description ?? ''}`;
			expect(text).toMatch(/\bmain\b/);
			expect(text).toMatch(/\bother\b/);
			expect(fetchesOf(sim, taskId, poolB)).toEqual([
				['main', 404],
				['other', 404],
			]);
		});
	});

	it('A refused hold rests for the whole process and comes back', async () => {
		const keys = newApiKeys(['hold-a', 'hold-b']);
		const sim = await simulatorOf(Object.values(keys), 500);
		const pool = await createPool('LinkrAPI hold pool, hold-a suspended a while', sim, keys);
		// Two workflows on the one credential: what the ledger remembers is the process's, not an execution's.
		const first = await deployFile('pool-imagine-on-receipt.json', pool);
		const second = await deployFile('pool-imagine-on-receipt.json', pool);
		const holdOfRun = (run: WorkflowRun) => onlyItem(run.execution, 'Imagine').json.hold;
		sim.configure({ holds: { [keys['hold-a']]: { submitFaults: { status: 403 } } } });

		// Empty holds tie, and the first hold wins a tie: hold-a is asked first, refuses, hold-b runs the job.
		const refused = await n8n.runWorkflow(first, { body: { prompt: 'hold-a refuses this one' } });

		expect(holdOfRun(refused)).toBe('hold-b');
		const refusals = submitsWith(sim, keys['hold-a']);
		expect(refusals.map(promptAndStatus)).toEqual([['hold-a refuses this one', 403]]);
		const refusedAt = refusals[0].at;

		sim.configure({ holds: { [keys['hold-a']]: { submitFaults: null } } });
		const whileResting = await n8n.runWorkflow(second, { body: { prompt: 'while hold-a rests' } });

		expect(submitsWith(sim, keys['hold-a']).map(promptAndStatus)).toEqual([['hold-a refuses this one', 403]]);
		expect(holdOfRun(whileResting)).toBe('hold-b');

		// Executions one after another, until one places its job on hold-a again: not before its rest ends.
		const deadline = refusedAt + BACK_WITHIN_MS;
		let runs = 0;
		const back = await pollUntil(
			'an execution to place its job on hold-a again',
			async () => {
				const probe = ++runs;
				const run = await n8n.runWorkflow(probe % 2 === 1 ? first : second, { body: { prompt: `probe ${probe}` } });
				return holdOfRun(run) === 'hold-a' ? run : undefined;
			},
			{
				timeoutMs: Math.max(0, deadline - Date.now()),
				intervalMs: 500,
				onTimeout: () =>
					`No execution placed its job on hold-a within ${BACK_WITHIN_MS / 1000} s of its refusal ` +
					`(${runs} executions ran on hold-b after it).`,
			},
		);
		assertExecutionStatus(back.execution, 'success');
		const submits = submitsWith(sim, keys['hold-a']);
		expect(submits.map(promptAndStatus)).toEqual([
			['hold-a refuses this one', 403],
			[`probe ${runs}`, 200],
		]);
		expect(submits[1].at - refusedAt).toBeGreaterThanOrEqual(FIRST_REST_MS);
		console.log(
			`[measure] hold-a back ${((submits[1].at - refusedAt) / 1000).toFixed(1)} s after its refusal, ` +
				`${runs - 1} execution(s) on hold-b meanwhile`,
		);
	});
});
