/**
 * Hold pool benchmark (issues #21 and #26), beside the scenario table of bench/run.ts. Each row runs one workload
 * twice, each time against a fresh simulator: once on one LinkrAPI Hold Pool credential, once split by hand (round
 * robin: item or execution i to hold i mod K, one workflow per hold on its own credential, all started at once).
 * Three tables (bench/pool-rows.ts), over fast holds and a mixed pool (2 fast + 1 relax, 3× slower):
 * - one batch: one execution, 36 grids, Poll Until Finished, over 1, 2 and 3 fast holds and the mixed pool;
 * - concurrent: 9 and 30 single-item executions (one webhook call each, all at once), over 1 and 3 fast holds and the
 *   mixed pool: what one n8n's executions make of a pool together;
 * - Don't Wait: one execution that submits 36 grids and waits for none, over 3 fast holds and the mixed pool; as
 *   nothing polls, its wall is the simulator's, from the first submission to the last job's end.
 * Prints wall ÷ the pool's physical limit (bench/pool-report.ts).
 *
 *   npm run bench:pool                 every table (~20 min), writes bench/results.pool.md
 *   npm run bench:pool -- --help       every option, e.g. `--only concurrent --output /tmp/pool.md`
 *
 * `npm run bench:pool` builds first; this script packs what is in dist/ (`npx tsx bench/pool.ts` skips the build).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import {
	type CredentialRef,
	type CreatedWorkflow,
	discardPackedTarball,
	ensureN8nInstalled,
	type Execution,
	hasEnded,
	LINKRAPI_CREDENTIAL_TYPE,
	LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE,
	LINKRAPI_NODE_TYPE,
	type N8nServer,
	newApiKey,
	nodeOutput,
	packageTarball,
	pollUntil,
	startN8n,
	WEBHOOK_NODE_TYPE,
	type WorkflowJson,
} from '../real-n8n/harness';
import { type Inspection, maskKey, type Simulator, startSimulator } from '../simulator';
import { executionSpan, percentile } from './metrics';
import { UsageError } from './options';
import { parsePoolOptions, type PoolTable, USAGE } from './pool-options';
import { renderPoolReport } from './pool-report';
import {
	BUDGET,
	casesOf,
	INTERVAL_S,
	type PoolCase,
	type PoolResult,
	poolLimitMs,
	type Run,
	SLOTS,
	TASK_MS,
} from './pool-rows';

/** However long a run should take, it is given up after this */
const RUN_TIMEOUT_MS = 15 * 60_000;

type WaitMode = 'poll' | 'none';

function node(name: string, type: string, typeVersion: number, column: number, parameters: Record<string, unknown>) {
	return {
		id: name.replace(/\W+/g, '-'),
		name,
		type,
		typeVersion,
		position: [column * 220, 0] as [number, number],
		parameters,
	};
}

function webhookNode(path: string) {
	return node('Webhook', WEBHOOK_NODE_TYPE, 2, 0, {
		httpMethod: 'POST',
		path,
		responseMode: 'onReceived',
		options: {},
	});
}

/** Imagine of `prompt` (an expression) on `credential`: a Hold Pool credential when `pooled`. */
function imagineNode(column: number, prompt: string, credential: CredentialRef, pooled: boolean, waitMode: WaitMode) {
	return {
		...node('Imagine', LINKRAPI_NODE_TYPE, 1, column, {
			...(pooled ? { authentication: 'holdPool' } : {}),
			resource: 'task',
			operation: 'imagine',
			prompt,
			waitMode,
			options:
				waitMode === 'poll'
					? { pollInterval: INTERVAL_S, maxWait: 30, maxRequestsPerSecond: BUDGET }
					: { maxRequestsPerSecond: BUDGET },
		}),
		credentials: {
			[pooled ? LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE : LINKRAPI_CREDENTIAL_TYPE]: {
				id: credential.id,
				name: credential.name,
			},
		},
	};
}

/** Webhook → the prompts `indexes` → Imagine on `credential`. */
function batchWorkflow(
	title: string,
	indexes: number[],
	credential: CredentialRef,
	pooled: boolean,
	waitMode: WaitMode,
): WorkflowJson {
	return {
		name: `Bench pool: ${title}`,
		nodes: [
			webhookNode('bench-pool'),
			node('Prompts', 'n8n-nodes-base.code', 2, 1, {
				jsCode: `return ${JSON.stringify(indexes)}.map((index) => ({ json: { prompt: \`pool prompt \${index + 1}\` } }));`,
			}),
			imagineNode(2, '={{ $json.prompt }}', credential, pooled, waitMode),
		],
		connections: {
			Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Imagine', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook → Imagine (Poll Until Finished) of the prompt in the webhook call's body: one item per execution. */
function singleItemWorkflow(title: string, credential: CredentialRef, pooled: boolean): WorkflowJson {
	return {
		name: `Bench pool: ${title}`,
		nodes: [webhookNode('bench-pool-single'), imagineNode(1, '={{ $json.body.prompt }}', credential, pooled, 'poll')],
		connections: { Webhook: { main: [[{ node: 'Imagine', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** Items 0 … count − 1, all together (the pool), or round robin over `parts` holds (split by hand). */
function sharesOf(count: number, parts: number): number[][] {
	return Array.from({ length: parts }, (_, part) =>
		Array.from({ length: count }, (_, item) => item).filter((item) => item % parts === part),
	);
}

/** One Hold Pool credential over every key, or one LinkrAPI credential per key. */
async function credentialsFor(
	n8n: N8nServer,
	label: string,
	keys: string[],
	baseUrl: string,
	pooled: boolean,
): Promise<CredentialRef[]> {
	if (pooled) {
		const holds = keys.map((apiKey, hold) => ({ name: `hold-${hold + 1}`, apiKey, jobsAtOnce: SLOTS, jobsWaiting: 0 }));
		return [
			await n8n.createCredential(`Bench pool ${label}`, LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
				holds: { hold: holds },
				baseUrl,
			}),
		];
	}
	return await Promise.all(
		keys.map(
			async (apiKey, hold) =>
				await n8n.createCredential(`Bench split ${label} ${hold}`, LINKRAPI_CREDENTIAL_TYPE, { apiKey, baseUrl }),
		),
	);
}

async function deactivate(n8n: N8nServer, workflows: CreatedWorkflow[]): Promise<void> {
	for (const workflow of workflows)
		await n8n.rest('POST', `/workflows/${workflow.id}/deactivate`, {}).catch(() => undefined);
}

/** Starts every workflow at once; their executions once all ended. */
async function runTogether(n8n: N8nServer, workflows: WorkflowJson[]): Promise<Execution[]> {
	const deployed = await Promise.all(workflows.map(async (workflow) => await n8n.deployWorkflow(workflow)));
	const started = await Promise.all(
		deployed.map(async (workflow) => await n8n.runWorkflow(workflow, { settled: () => true })),
	);
	const executions = await Promise.all(
		started.map(
			async (run, index) =>
				await n8n.waitForNewExecution(deployed[index].id, Number(run.execution.id) - 1, hasEnded, Infinity, 500),
		),
	);
	await deactivate(n8n, deployed);
	return executions;
}

function checkCompleted(execution: Execution): void {
	const done = nodeOutput(execution, 'Imagine').filter((item) => item.json.status === 'completed').length;
	if (execution.status !== 'success' || done === 0) {
		throw new Error(`Execution ${execution.id} ended ${execution.status}.`);
	}
}

/** From the first execution's start to the last one's end. */
function wallOf(executions: Execution[]): number {
	const spans = executions.map(executionSpan);
	return Math.max(...spans.map((span) => span.stoppedAt)) - Math.min(...spans.map((span) => span.startedAt));
}

function webhookUrl(n8n: N8nServer, workflow: CreatedWorkflow): string {
	return `${n8n.connection.webhookBaseUrl ?? n8n.baseUrl}/webhook/${workflow.webhookPath}`;
}

/**
 * Right after activation n8n answers "not registered" for a moment. A GET (the webhook takes POST only) asks whether
 * the path is served without starting an execution: then n8n names the method it would take.
 */
async function waitUntilServed(url: string): Promise<void> {
	await pollUntil(
		`n8n to serve ${url}`,
		async () => {
			const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
			const text = await answer.text();
			return answer.status === 404 && /The requested webhook .* is not registered/i.test(text) ? undefined : true;
		},
		{ timeoutMs: 30_000, intervalMs: 200 },
	);
}

async function callWebhook(url: string, body: unknown): Promise<void> {
	const answer = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await answer.text();
	if (answer.status !== 200) throw new Error(`POST ${url} answered ${answer.status}: ${text.slice(0, 300)}`);
}

/** Waits on the light execution list until the workflow has `count` executions and all ended; then reads them. */
async function endedExecutions(n8n: N8nServer, workflowId: string, count: number): Promise<Execution[]> {
	const listed = await pollUntil(
		`${count} ended executions of workflow ${workflowId}`,
		async () => {
			const executions = await n8n.listExecutions(workflowId, count + 1);
			return executions.length >= count && executions.every((execution) => hasEnded(execution.status))
				? executions
				: undefined;
		},
		{ timeoutMs: RUN_TIMEOUT_MS, intervalMs: 500 },
	);
	if (listed.length !== count) throw new Error(`Workflow ${workflowId} ran ${listed.length} times, not ${count}.`);
	const executions: Execution[] = [];
	for (const { id } of listed) executions.push(await n8n.waitForExecution(id, 30_000, hasEnded));
	return executions;
}

/** Makes `calls` webhook calls at once, call i to workflow i mod K; the executions once all ended. */
async function callConcurrently(n8n: N8nServer, workflows: WorkflowJson[], calls: number): Promise<Execution[]> {
	const deployed = await Promise.all(workflows.map(async (workflow) => await n8n.deployWorkflow(workflow)));
	const urls = deployed.map((workflow) => webhookUrl(n8n, workflow));
	await Promise.all(urls.map(waitUntilServed));
	await Promise.all(
		Array.from(
			{ length: calls },
			async (_, call) => await callWebhook(urls[call % urls.length], { prompt: `pool prompt ${call + 1}` }),
		),
	);
	const shares = sharesOf(calls, deployed.length);
	const executions = await Promise.all(
		deployed.map(async (workflow, index) => await endedExecutions(n8n, workflow.id, shares[index].length)),
	);
	await deactivate(n8n, deployed);
	return executions.flat();
}

/** Per key: its jobs, the most that waited in its queue at once; and the most requests any key got in 1 s. */
function holdsSeen(seen: Inspection, keys: string[]): Pick<Run, 'jobs' | 'peakPerKey' | 'peakQueued'> {
	return {
		jobs: keys.map((key) => seen.tasks.filter((task) => task.key === maskKey(key)).length),
		peakPerKey: Math.max(0, ...Object.values(seen.peakRequestsPerSecond)),
		peakQueued: keys.map((key) => seen.holds[maskKey(key)]?.peakQueued ?? 0),
	};
}

/** A run that polled: every task completed and seen completed. */
function measured(wallMs: number, seen: Inspection, keys: string[], tasks: number): Run {
	const completed = seen.tasks.filter((task) => task.completedAt !== undefined);
	if (completed.length !== tasks || completed.some((task) => task.noticedAt === undefined)) {
		throw new Error(`${completed.length} of ${tasks} tasks completed and seen completed.`);
	}
	const lags = completed.map((task) => (task.noticedAt as number) - (task.completedAt as number));
	return {
		wallMs,
		...holdsSeen(seen, keys),
		lagMs: { p50: percentile(lags, 0.5), p95: percentile(lags, 0.95), max: Math.max(...lags) },
	};
}

/** A run nobody polled: its wall from the first task's submission to the last one's end, on the simulator. */
async function measuredUnpolled(sim: Simulator, keys: string[], tasks: number): Promise<Run> {
	const seen = await pollUntil(
		`${tasks} tasks to complete`,
		() => {
			const now = sim.inspect();
			if (now.tasks.length > tasks) throw new Error(`The simulator got ${now.tasks.length} tasks, not ${tasks}.`);
			return now.tasks.length === tasks && now.tasks.every((task) => task.completedAt !== undefined) ? now : undefined;
		},
		{ timeoutMs: RUN_TIMEOUT_MS, intervalMs: 1000 },
	);
	const wallMs =
		Math.max(...seen.tasks.map((task) => task.completedAt as number)) -
		Math.min(...seen.tasks.map((task) => task.createdAt));
	return { wallMs, ...holdsSeen(seen, keys) };
}

function checkSubmitted(executions: Execution[], tasks: number): void {
	let submitted = 0;
	for (const execution of executions) {
		if (execution.status !== 'success') throw new Error(`Execution ${execution.id} ended ${execution.status}.`);
		const items = nodeOutput(execution, 'Imagine');
		submitted += items.filter((item) => item.json.status === 'submitted' && item.json.task_id).length;
	}
	if (submitted !== tasks) throw new Error(`${submitted} of ${tasks} prompts were submitted.`);
}

/** One variant of a row on its simulator: its keys, and one pool credential or one credential per hold. */
interface Variant {
	pooled: boolean;
	sim: Simulator;
	keys: string[];
	credentials: CredentialRef[];
}

function workflowTitle({ row }: PoolCase, { pooled }: Variant, hold: number): string {
	return pooled ? row.title : `${row.title}, hold ${hold + 1} of the split`;
}

async function runConcurrentCase(n8n: N8nServer, poolCase: PoolCase, variant: Variant): Promise<Run> {
	const workflows = variant.credentials.map((credential, hold) =>
		singleItemWorkflow(
			`${poolCase.jobs} executions, ${workflowTitle(poolCase, variant, hold)}`,
			credential,
			variant.pooled,
		),
	);
	const executions = await callConcurrently(n8n, workflows, poolCase.jobs);
	executions.forEach(checkCompleted);
	return measured(wallOf(executions), variant.sim.inspect(), variant.keys, poolCase.jobs);
}

function batchWorkflows(poolCase: PoolCase, variant: Variant, waitMode: WaitMode): WorkflowJson[] {
	const shares = sharesOf(poolCase.jobs, variant.credentials.length);
	const prefix = waitMode === 'none' ? "Don't Wait, " : '';
	return variant.credentials.map((credential, hold) =>
		batchWorkflow(
			`${prefix}${workflowTitle(poolCase, variant, hold)}`,
			shares[hold],
			credential,
			variant.pooled,
			waitMode,
		),
	);
}

async function runBatchCase(n8n: N8nServer, poolCase: PoolCase, variant: Variant): Promise<Run> {
	const executions = await runTogether(n8n, batchWorkflows(poolCase, variant, 'poll'));
	executions.forEach(checkCompleted);
	return measured(wallOf(executions), variant.sim.inspect(), variant.keys, poolCase.jobs);
}

async function runDontWaitCase(n8n: N8nServer, poolCase: PoolCase, variant: Variant): Promise<Run> {
	const executions = await runTogether(n8n, batchWorkflows(poolCase, variant, 'none'));
	checkSubmitted(executions, poolCase.jobs);
	return await measuredUnpolled(variant.sim, variant.keys, poolCase.jobs);
}

const RUN_TABLE: Record<PoolTable, (n8n: N8nServer, poolCase: PoolCase, variant: Variant) => Promise<Run>> = {
	batch: runBatchCase,
	concurrent: runConcurrentCase,
	dontwait: runDontWaitCase,
};

/** One variant of a row (the pool, or split by hand) on a fresh simulator with one fresh key per hold. */
async function runCase(n8n: N8nServer, poolCase: PoolCase, index: number, pooled: boolean): Promise<Run> {
	const { table, row } = poolCase;
	const keys = row.speeds.map(() => newApiKey());
	const sim = await startSimulator({
		keys,
		taskDurationMs: TASK_MS,
		concurrency: SLOTS,
		keySpeeds: Object.fromEntries(keys.map((key, hold) => [key, row.speeds[hold]])),
	});
	try {
		const label = table === 'batch' ? String(index) : `${table} ${index}`;
		const credentials = await credentialsFor(n8n, label, keys, sim.url, pooled);
		return await RUN_TABLE[table](n8n, poolCase, { pooled, sim, keys, credentials });
	} finally {
		await sim.stop();
	}
}

function progressLine({ table, row, jobs, pool, split }: PoolResult): string {
	const limit = poolLimitMs(row.speeds, jobs);
	const what = table === 'concurrent' ? `${jobs} executions` : `${jobs} grids`;
	return `  ${what}: pool wall ${(pool.wallMs / 1000).toFixed(1)} s (limit ${(limit / 1000).toFixed(1)} s), jobs ${pool.jobs.join('/')}; split by hand: wall ${(split.wallMs / 1000).toFixed(1)} s, jobs ${split.jobs.join('/')}`;
}

async function main(): Promise<number> {
	const options = parsePoolOptions(process.argv.slice(2));
	if (options === 'help') {
		console.log(USAGE);
		return 0;
	}
	const cases = casesOf(options);
	if (cases.length === 0) throw new UsageError('Nothing to run: no table of --only has a pool of --pools.');
	const started = Date.now();
	const load = `1-minute load average ${os.loadavg()[0].toFixed(1)} at the start`;
	const installation = ensureN8nInstalled();
	const tgz = packageTarball();
	const n8n = await startN8n({ tgz, installation });
	discardPackedTarball(tgz);
	const stop = () => void n8n.stop().finally(() => process.exit(130));
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	const results: PoolResult[] = [];
	try {
		for (const [index, poolCase] of cases.entries()) {
			console.log(`▸ [${index + 1}/${cases.length}] ${poolCase.table}: ${poolCase.row.title}`);
			const pool = await runCase(n8n, poolCase, index, true);
			const split = await runCase(n8n, poolCase, index, false);
			results.push({ ...poolCase, pool, split });
			console.log(progressLine(results[results.length - 1]));
			fs.writeFileSync(options.output, renderPoolReport(results, started, load));
		}
	} finally {
		await n8n.stop();
	}
	const text = renderPoolReport(results, started, `${load}, ${os.loadavg()[0].toFixed(1)} at the end`);
	fs.writeFileSync(options.output, text);
	console.log(`\n${text}\nWritten to ${options.output}`);
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(error instanceof UsageError ? error.message : error);
		process.exit(error instanceof UsageError ? 2 : 1);
	},
);
