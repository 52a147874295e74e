/** The hold pool benchmark's settings, rows and what one run of a row measures (bench/pool.ts runs them). */
import { type PoolBenchOptions, type PoolId, type PoolTable } from './pool-options';

/** Grids of one batch (the batch and Don't Wait tables) */
export const N = 36;
export const TASK_MS = 6000;
export const SLOTS = 3;
export const INTERVAL_S = 5;
export const BUDGET = 3;
export const WALL_FACTOR = 1.1;

export interface PoolRow {
	id: PoolId;
	title: string;
	/** Per hold, a factor on run times (1 fast, 3 relax) */
	speeds: number[];
}

export const POOLS: PoolRow[] = [
	{ id: '1', title: '1 fast hold', speeds: [1] },
	{ id: '2', title: '2 fast holds', speeds: [1, 1] },
	{ id: '3', title: '3 fast holds', speeds: [1, 1, 1] },
	{ id: 'mixed', title: '2 fast + 1 relax (×3)', speeds: [1, 1, 3] },
];

const TABLE_POOLS: Record<PoolTable, PoolId[]> = {
	batch: ['1', '2', '3', 'mixed'],
	concurrent: ['1', '3', 'mixed'],
	dontwait: ['3', 'mixed'],
};

/** One row of a table: a pool, and how many jobs it gets (grids of one batch, or single-item executions) */
export interface PoolCase {
	table: PoolTable;
	row: PoolRow;
	jobs: number;
}

export interface Run {
	wallMs: number;
	/** Jobs each hold ran */
	jobs: number[];
	/** Most requests of one key within any 1 s */
	peakPerKey: number;
	/** Undefined when nothing polled (Don't Wait) */
	lagMs?: { p50: number; p95: number; max: number };
	/** Per hold, the most jobs waiting in its own queue (on LinkrAPI) at one moment */
	peakQueued: number[];
}

export interface PoolResult extends PoolCase {
	pool: Run;
	split: Run;
}

/** The rows the options name, table after table. */
export function casesOf(options: PoolBenchOptions): PoolCase[] {
	const pools = (table: PoolTable) =>
		POOLS.filter((row) => TABLE_POOLS[table].includes(row.id) && (!options.pools || options.pools.includes(row.id)));
	return options.tables.flatMap((table): PoolCase[] =>
		table === 'concurrent'
			? options.executions.flatMap((jobs) => pools(table).map((row) => ({ table, row, jobs })))
			: pools(table).map((row) => ({ table, row, jobs: N })),
	);
}

/**
 * The pool's physical limit: `jobs` jobs, ready at 0, on every slot of every hold (a job on hold h takes TASK_MS × its
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

/** The wall time every row should meet: 1.1 × the limit + the Poll Interval. */
export function wallTargetMs(result: PoolCase): number {
	return WALL_FACTOR * poolLimitMs(result.row.speeds, result.jobs) + INTERVAL_S * 1000;
}
