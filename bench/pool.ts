/**
 * Hold pool benchmark (issue #21), beside the scenario table of bench/run.ts: N grids over 1, 2 and 3 fast holds and
 * over a mixed pool (2 fast + 1 relax, 3× slower), each row run twice on the same workload, each time against a fresh
 * simulator: once through one LinkrAPI node on a Hold Pool credential, once split by hand (round robin: item i to hold
 * i mod K, one workflow per hold, all started at once). Prints wall ÷ the pool's physical limit.
 *
 *   npm run bench:pool                 writes bench/results.pool.md
 *
 * `npm run bench:pool` builds first; this script packs what is in dist/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	type CredentialRef,
	discardPackedTarball,
	ensureN8nInstalled,
	hasEnded,
	LINKRAPI_CREDENTIAL_TYPE,
	LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE,
	LINKRAPI_NODE_TYPE,
	type N8nServer,
	newApiKey,
	nodeOutput,
	packageTarball,
	REPO_ROOT,
	startN8n,
	WEBHOOK_NODE_TYPE,
	type WorkflowJson,
} from '../real-n8n/harness';
import { type Inspection, maskKey, startSimulator } from '../simulator';
import { executionSpan, percentile } from './metrics';

const N = 36;
const TASK_MS = 6000;
const SLOTS = 3;
const INTERVAL_S = 5;
const BUDGET = 3;
const WALL_FACTOR = 1.1;
const OUTPUT = path.join(REPO_ROOT, 'bench', 'results.pool.md');

interface PoolRow {
	title: string;
	/** Per hold, a factor on run times (1 fast, 3 relax) */
	speeds: number[];
}

const ROWS: PoolRow[] = [
	{ title: '1 fast hold', speeds: [1] },
	{ title: '2 fast holds', speeds: [1, 1] },
	{ title: '3 fast holds', speeds: [1, 1, 1] },
	{ title: '2 fast + 1 relax (×3)', speeds: [1, 1, 3] },
];

interface Run {
	wallMs: number;
	/** Jobs each hold ran */
	jobs: number[];
	/** Most requests of one key within any 1 s */
	peakPerKey: number;
	lagMs: { p50: number; p95: number; max: number };
}

/**
 * The pool's physical limit: N jobs, ready at 0, on every slot of every hold (a job on hold h takes TASK_MS × its
 * speed), each job given to the slot that ends it first — optimal for jobs that are all alike.
 */
export function poolLimitMs(speeds: number[], jobs = N): number {
	const slots = speeds.flatMap((speed) => Array.from({ length: SLOTS }, () => ({ free: 0, run: TASK_MS * speed })));
	let end = 0;
	for (let job = 0; job < jobs; job++) {
		const best = slots.reduce((a, b) => (b.free + b.run < a.free + a.run ? b : a));
		best.free += best.run;
		end = Math.max(end, best.free);
	}
	return end;
}

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

/** Webhook → the prompts `indexes` → Imagine (Poll Until Finished) on `credential`. */
function batchWorkflow(title: string, indexes: number[], credential: CredentialRef, pooled: boolean): WorkflowJson {
	const imagine = {
		...node('Imagine', LINKRAPI_NODE_TYPE, 1, 2, {
			...(pooled ? { authentication: 'holdPool' } : {}),
			resource: 'task',
			operation: 'imagine',
			prompt: '={{ $json.prompt }}',
			waitMode: 'poll',
			options: { pollInterval: INTERVAL_S, maxWait: 30, maxRequestsPerSecond: BUDGET },
		}),
		credentials: {
			[pooled ? LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE : LINKRAPI_CREDENTIAL_TYPE]: {
				id: credential.id,
				name: credential.name,
			},
		},
	};
	return {
		name: `Bench pool: ${title}`,
		nodes: [
			node('Webhook', WEBHOOK_NODE_TYPE, 2, 0, {
				httpMethod: 'POST',
				path: 'bench-pool',
				responseMode: 'onReceived',
				options: {},
			}),
			node('Prompts', 'n8n-nodes-base.code', 2, 1, {
				jsCode: `return ${JSON.stringify(indexes)}.map((index) => ({ json: { prompt: \`pool prompt \${index + 1}\` } }));`,
			}),
			imagine,
		],
		connections: {
			Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Imagine', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Starts every workflow at once; the wall time from the first start to the last end. */
async function runTogether(n8n: N8nServer, workflows: WorkflowJson[]): Promise<number> {
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
	for (const workflow of deployed)
		await n8n.rest('POST', `/workflows/${workflow.id}/deactivate`, {}).catch(() => undefined);
	for (const execution of executions) {
		const done = nodeOutput(execution, 'Imagine').filter((item) => item.json.status === 'completed').length;
		if (execution.status !== 'success' || done === 0)
			throw new Error(`Execution ${execution.id} ended ${execution.status}.`);
	}
	const spans = executions.map(executionSpan);
	return Math.max(...spans.map((span) => span.stoppedAt)) - Math.min(...spans.map((span) => span.startedAt));
}

function measured(wallMs: number, seen: Inspection, keys: string[]): Run {
	const completed = seen.tasks.filter((task) => task.completedAt !== undefined);
	if (completed.length !== N || completed.some((task) => task.noticedAt === undefined)) {
		throw new Error(`${completed.length} of ${N} tasks completed and seen completed.`);
	}
	const lags = completed.map((task) => (task.noticedAt as number) - (task.completedAt as number));
	return {
		wallMs,
		jobs: keys.map((key) => seen.tasks.filter((task) => task.key === maskKey(key)).length),
		peakPerKey: Math.max(0, ...Object.values(seen.peakRequestsPerSecond)),
		lagMs: { p50: percentile(lags, 0.5), p95: percentile(lags, 0.95), max: Math.max(...lags) },
	};
}

async function runRow(n8n: N8nServer, row: PoolRow, index: number, pooled: boolean): Promise<Run> {
	const keys = row.speeds.map(() => newApiKey());
	const sim = await startSimulator({
		keys,
		taskDurationMs: TASK_MS,
		concurrency: SLOTS,
		keySpeeds: Object.fromEntries(keys.map((key, hold) => [key, row.speeds[hold]])),
	});
	try {
		let workflows: WorkflowJson[];
		if (pooled) {
			const pool = await n8n.createCredential(`Bench pool ${index}`, LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE, {
				holds: {
					hold: keys.map((apiKey, hold) => ({ name: `hold-${hold + 1}`, apiKey, jobsAtOnce: SLOTS, jobsWaiting: 0 })),
				},
				baseUrl: sim.url,
			});
			workflows = [
				batchWorkflow(
					row.title,
					Array.from({ length: N }, (_, item) => item),
					pool,
					true,
				),
			];
		} else {
			workflows = await Promise.all(
				keys.map(async (apiKey, hold) => {
					const credential = await n8n.createCredential(`Bench split ${index} ${hold}`, LINKRAPI_CREDENTIAL_TYPE, {
						apiKey,
						baseUrl: sim.url,
					});
					const share = Array.from({ length: N }, (_, item) => item).filter((item) => item % keys.length === hold);
					return batchWorkflow(`${row.title}, hold ${hold + 1} of the split`, share, credential, false);
				}),
			);
		}
		const wallMs = await runTogether(n8n, workflows);
		return measured(wallMs, sim.inspect(), keys);
	} finally {
		await sim.stop();
	}
}

const s = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);

function report(results: Array<{ row: PoolRow; pool: Run; split: Run }>, started: number, load: string): string {
	const oneHold = results.find((result) => result.row.speeds.length === 1)?.pool.wallMs ?? NaN;
	const lines = [
		'# Hold pool benchmark',
		'',
		'Generated by `npm run bench:pool` (bench/pool.ts).',
		'',
		`- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; total ${s(Date.now() - started, 0)} s; ${load}`,
		`- ${N} grids of ${TASK_MS / 1000} s (a relax hold ×3), ${SLOTS} slots per hold, Poll Interval ${INTERVAL_S} s, Max Requests per Second ${BUDGET} per hold; a fresh simulator per run`,
		'- **pool**: one Imagine node on a LinkrAPI Hold Pool credential (Jobs Allowed to Wait 0). **split by hand**: item i to hold i mod K, one workflow per hold on its own credential, all started at once (the wall time runs from the first start to the last end).',
		'- Limit: the N jobs on every slot of every hold, each given to the slot that ends it first.',
		'',
		'| holds | who | wall s | limit s | wall ÷ limit | wall target (1.1 × limit + I) | jobs per hold | ×faster than 1 hold | peak req/s on a key | lag s p50 / p95 / max |',
		'|---|---|---:|---:|---:|---|---|---:|---:|---|',
	];
	for (const { row, pool, split } of results) {
		const limit = poolLimitMs(row.speeds);
		const cells = (who: string, run: Run) => {
			const target = WALL_FACTOR * limit + INTERVAL_S * 1000;
			return `| ${row.title} | ${who} | ${s(run.wallMs)} | ${s(limit)} | ${(run.wallMs / limit).toFixed(2)} | ${run.wallMs <= target ? 'met' : '**missed**'} (≤ ${s(target)}) | ${run.jobs.join(' / ')} | ${(oneHold / run.wallMs).toFixed(2)} | ${run.peakPerKey} | ${s(run.lagMs.p50, 2)} / ${s(run.lagMs.p95, 2)} / ${s(run.lagMs.max, 2)} |`;
		};
		lines.push(cells('pool', pool), cells('split by hand', split));
	}
	const mixed = results.find((result) => result.row.speeds.includes(3));
	const three = results.find((result) => result.row.speeds.length === 3 && !result.row.speeds.includes(3));
	lines.push(
		'',
		'Targets:',
		'',
		`- 3 fast holds ≥ 2.7× faster than one: ${three ? `${(oneHold / three.pool.wallMs).toFixed(2)}×` : '–'}`,
		`- the mixed pool ≥ 20 % faster than round robin: ${mixed ? `${(100 * (1 - mixed.pool.wallMs / mixed.split.wallMs)).toFixed(0)} % faster` : '–'}`,
		`- never more than the budget (${BUDGET} requests in any second) on any key: ${results.every((result) => result.pool.peakPerKey <= BUDGET) ? 'met' : '**missed**'}`,
		'',
	);
	return lines.join('\n');
}

async function main(): Promise<void> {
	const started = Date.now();
	const load = `1-minute load average ${os.loadavg()[0].toFixed(1)} at the start`;
	const installation = ensureN8nInstalled();
	const tgz = packageTarball();
	const n8n = await startN8n({ tgz, installation });
	discardPackedTarball(tgz);
	const results: Array<{ row: PoolRow; pool: Run; split: Run }> = [];
	try {
		for (const [index, row] of ROWS.entries()) {
			console.log(`▸ ${row.title}`);
			const pool = await runRow(n8n, row, index, true);
			const split = await runRow(n8n, row, index, false);
			results.push({ row, pool, split });
			console.log(
				`  pool: wall ${s(pool.wallMs)} s (limit ${s(poolLimitMs(row.speeds))} s), jobs ${pool.jobs.join('/')}; split by hand: wall ${s(split.wallMs)} s`,
			);
			fs.writeFileSync(OUTPUT, report(results, started, load));
		}
	} finally {
		await n8n.stop();
	}
	const text = report(results, started, `${load}, ${os.loadavg()[0].toFixed(1)} at the end`);
	fs.writeFileSync(OUTPUT, text);
	console.log(`\n${text}\nWritten to ${OUTPUT}`);
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(error);
		process.exit(1);
	},
);
