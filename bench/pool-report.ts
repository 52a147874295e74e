/** The markdown report of the hold pool benchmark: one table per workload, then the targets. */
import type { PoolTable } from './pool-options';
import {
	BUDGET,
	INTERVAL_S,
	N,
	type PoolResult,
	poolLimitMs,
	type Run,
	SLOTS,
	TASK_MS,
	WALL_FACTOR,
	wallTargetMs,
} from './pool-rows';

const s = (ms: number, digits = 1) => (ms / 1000).toFixed(digits);

const TABLE_NAMES: Record<PoolTable, string> = {
	batch: 'one batch',
	concurrent: 'concurrent executions',
	dontwait: "Don't Wait",
};

/** Wall, limit, wall ÷ limit and the wall target of one run. */
function wallCells(result: PoolResult, run: Run): string {
	const limit = poolLimitMs(result.row.speeds, result.jobs);
	const target = wallTargetMs(result);
	return `${s(run.wallMs)} | ${s(limit)} | ${(run.wallMs / limit).toFixed(2)} | ${run.wallMs <= target ? 'met' : '**missed**'} (≤ ${s(target)})`;
}

function lagCell(run: Run): string {
	return run.lagMs ? `${s(run.lagMs.p50, 2)} / ${s(run.lagMs.p95, 2)} / ${s(run.lagMs.max, 2)}` : '–';
}

function batchTable(results: PoolResult[]): string[] {
	const oneHold = results.find((result) => result.row.speeds.length === 1)?.pool.wallMs;
	const lines = [
		`## One batch of ${N} grids`,
		'',
		`One execution: Webhook → Code (${N} prompts) → Imagine (Poll Until Finished). Wall: from the first execution's start to the last one's end.`,
		'',
		'| holds | who | wall s | limit s | wall ÷ limit | wall target (1.1 × limit + I) | jobs per hold | ×faster than 1 hold | peak req/s on a key | lag s p50 / p95 / max |',
		'|---|---|---:|---:|---:|---|---|---:|---:|---|',
	];
	for (const result of results) {
		const cells = (who: string, run: Run) =>
			`| ${result.row.title} | ${who} | ${wallCells(result, run)} | ${run.jobs.join(' / ')} | ${oneHold ? (oneHold / run.wallMs).toFixed(2) : '–'} | ${run.peakPerKey} | ${lagCell(run)} |`;
		lines.push(cells('pool', result.pool), cells('split by hand', result.split));
	}
	return lines;
}

function concurrentTable(results: PoolResult[]): string[] {
	const lines = [
		'## Concurrent single-item executions',
		'',
		"As many webhook calls at once as executions, each one execution: Webhook → Imagine (Poll Until Finished) with one prompt. Split by hand: call i to the workflow of hold i mod K. Wall: from the first execution's start to the last one's end.",
		'',
		'| holds | executions | who | wall s | limit s | wall ÷ limit | wall target (1.1 × limit + I) | jobs per hold | peak req/s on a key | lag s p50 / p95 / max |',
		'|---|---:|---|---:|---:|---:|---|---|---:|---|',
	];
	for (const result of results) {
		const cells = (who: string, run: Run) =>
			`| ${result.row.title} | ${result.jobs} | ${who} | ${wallCells(result, run)} | ${run.jobs.join(' / ')} | ${run.peakPerKey} | ${lagCell(run)} |`;
		lines.push(cells('pool', result.pool), cells('split by hand', result.split));
	}
	return lines;
}

function dontWaitTable(results: PoolResult[]): string[] {
	const lines = [
		"## Don't Wait batch",
		'',
		`One execution: Webhook → Code (${N} prompts) → Imagine (Don't Wait); nothing polls, so there is no lag. Wall, on the simulator: from the first job's submission to the last job's end.`,
		'',
		"| holds | who | wall s | limit s | wall ÷ limit | wall target (1.1 × limit + I) | jobs per hold | most waiting in a hold's queue | peak req/s on a key | lag s |",
		'|---|---|---:|---:|---:|---|---|---|---:|---|',
	];
	for (const result of results) {
		const cells = (who: string, run: Run) =>
			`| ${result.row.title} | ${who} | ${wallCells(result, run)} | ${run.jobs.join(' / ')} | ${run.peakQueued.join(' / ')} | ${run.peakPerKey} | ${lagCell(run)} |`;
		lines.push(cells('pool', result.pool), cells('split by hand', result.split));
	}
	return lines;
}

const TABLES: Record<PoolTable, (results: PoolResult[]) => string[]> = {
	batch: batchTable,
	concurrent: concurrentTable,
	dontwait: dontWaitTable,
};

/** "one batch: 7 of 8 met; …" over the tables that ran. */
function perTable(byTable: Array<[PoolTable, PoolResult[]]>, verdict: (results: PoolResult[]) => string): string {
	return byTable.map(([table, results]) => `${TABLE_NAMES[table]}: ${verdict(results)}`).join('; ') || '–';
}

function wallsMet(results: PoolResult[]): string {
	const runs = results.flatMap((result) => [result.pool, result.split].map((run) => ({ result, run })));
	const met = runs.filter(({ result, run }) => run.wallMs <= wallTargetMs(result)).length;
	return met === runs.length
		? `${met} of ${runs.length} met`
		: `${met} of ${runs.length} met, **${runs.length - met} missed**`;
}

/** The batch's equal-hold rows: how much slower (+) or faster (−) the pool was than the split. */
function poolAgainstSplit(batch: PoolResult[]): string {
	const equal = batch.filter((result) => result.row.speeds.every((speed) => speed === result.row.speeds[0]));
	const verdicts = equal.map((result) => {
		const slower = 100 * (result.pool.wallMs / result.split.wallMs - 1);
		return `${result.row.title} ${slower >= 0 ? '+' : '−'}${Math.abs(slower).toFixed(1)} % (${slower <= 5 ? 'met' : '**missed**'})`;
	});
	return verdicts.join(', ') || '–';
}

function targets(results: PoolResult[]): string[] {
	const byTable = (Object.keys(TABLES) as PoolTable[])
		.map((table): [PoolTable, PoolResult[]] => [table, results.filter((result) => result.table === table)])
		.filter(([, rows]) => rows.length > 0);
	const batch = results.filter((result) => result.table === 'batch');
	const oneHold = batch.find((result) => result.row.speeds.length === 1)?.pool.wallMs ?? NaN;
	const mixed = batch.find((result) => result.row.speeds.includes(3));
	const three = batch.find((result) => result.row.speeds.length === 3 && !result.row.speeds.includes(3));
	return [
		'Targets:',
		'',
		`- 3 fast holds ≥ 2.7× faster than one: ${three && oneHold ? `${(oneHold / three.pool.wallMs).toFixed(2)}×` : '–'}`,
		`- the mixed pool ≥ 20 % faster than round robin: ${mixed ? `${(100 * (1 - mixed.pool.wallMs / mixed.split.wallMs)).toFixed(0)} % faster` : '–'}`,
		`- never more than the budget (${BUDGET} requests in any second) on any key: ${perTable(byTable, (rows) => (rows.every((result) => result.pool.peakPerKey <= BUDGET) ? 'met' : '**missed**'))}`,
		`- every row's wall ≤ ${WALL_FACTOR} × limit + I (pool and split by hand): ${perTable(byTable, wallsMet)}`,
		`- one batch over equal holds, the pool no more than 5 % slower than the split: ${poolAgainstSplit(batch)}`,
		'',
	];
}

export function renderPoolReport(results: PoolResult[], startedMs: number, load: string): string {
	const lines = [
		'# Hold pool benchmark',
		'',
		'Generated by `npm run bench:pool` (bench/pool.ts).',
		'',
		`- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}; total ${s(Date.now() - startedMs, 0)} s; ${load}`,
		`- Grids of ${TASK_MS / 1000} s (a relax hold ×3), ${SLOTS} slots per hold, Poll Interval ${INTERVAL_S} s, Max Requests per Second ${BUDGET} per hold; a fresh simulator per run`,
		`- **pool**: the Imagine node on a LinkrAPI Hold Pool credential (Jobs at Once ${SLOTS}, Jobs Allowed to Wait 0). **split by hand**: item or execution i to hold i mod K, one workflow per hold on its own credential, all started at once.`,
		'- Limit: the jobs (grids, or one per execution) on every slot of every hold, all ready at once, each given to the slot that ends it first.',
		'',
	];
	for (const [table, render] of Object.entries(TABLES) as Array<[PoolTable, (rows: PoolResult[]) => string[]]>) {
		const rows = results.filter((result) => result.table === table);
		if (rows.length > 0) lines.push(...render(rows), '');
	}
	lines.push(...targets(results));
	return lines.join('\n');
}
