/** What `npm run bench:pool` measures: every table and row, or those its flags name. */
import * as path from 'node:path';

import { UsageError } from './options';

export const POOL_TABLES = ['batch', 'concurrent', 'dontwait'] as const;
export type PoolTable = (typeof POOL_TABLES)[number];

/** 1, 2, 3: that many fast holds; mixed: 2 fast + 1 relax */
export const POOL_IDS = ['1', '2', '3', 'mixed'] as const;
export type PoolId = (typeof POOL_IDS)[number];

export interface PoolBenchOptions {
	tables: PoolTable[];
	/** Only these pools, in every table that has them; undefined: each table's own */
	pools?: PoolId[];
	/** The concurrent table: how many single-item executions are fired at once, one row each */
	executions: number[];
	/** Markdown report */
	output: string;
}

export const DEFAULT_EXECUTIONS = [9, 30];

export const USAGE = `Usage: npm run bench:pool -- [options]      (tsx bench/pool.ts [options] skips the build)

  --only LIST           only these tables: batch (one execution, 36 grids), concurrent (single-item executions
                        fired at once), dontwait (one Don't Wait batch of 36); e.g. concurrent,dontwait
  --pools LIST          only these pools: 1, 2, 3 (fast holds), mixed (2 fast + 1 relax); e.g. 3,mixed
  --executions LIST     the concurrent table's rows: executions fired at once (default ${DEFAULT_EXECUTIONS.join(',')})
  --output FILE         markdown report (default bench/results.pool.md)

Without options: every table (~20 min) → bench/results.pool.md.
Example, one row: npx tsx bench/pool.ts --only concurrent --pools 3 --executions 9 --output /tmp/pool.md`;

function namesOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
	const names = text.split(',').map((part) => part.trim());
	const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
	if (unknown.length > 0) throw new UsageError(`--${flag} takes ${allowed.join(', ')}; got "${text}".`);
	return names as T[];
}

function countsOf(text: string): number[] {
	const counts = text.split(',').map((part) => Number(part.trim()));
	if (counts.some((count) => !Number.isInteger(count) || count < 1)) {
		throw new UsageError(`--executions needs whole numbers of at least 1, got "${text}".`);
	}
	return counts;
}

export function parsePoolOptions(argv: string[]): PoolBenchOptions | 'help' {
	const options: PoolBenchOptions = {
		tables: [...POOL_TABLES],
		executions: DEFAULT_EXECUTIONS,
		output: path.join(__dirname, 'results.pool.md'),
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') return 'help';
		const match = /^--(only|pools|executions|output)(?:=(.*))?$/.exec(arg);
		if (!match) throw new UsageError(`Unknown argument "${arg}". Try --help.`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new UsageError(`${arg} needs a value. Try --help.`);
		if (match[1] === 'only') options.tables = namesOf('only', value, POOL_TABLES);
		else if (match[1] === 'pools') options.pools = namesOf('pools', value, POOL_IDS);
		else if (match[1] === 'executions') options.executions = countsOf(value);
		else options.output = path.resolve(value);
	}
	return options;
}
