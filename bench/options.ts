/** What one benchmark run measures, from defaults, the `--quick` preset, `BENCH_*` environment and CLI flags. */
import * as path from 'node:path';

export interface BenchOptions {
	/** Running time of one simulated Midjourney job (D). */
	taskMs: number;
	/** Jobs the simulated account runs at once (C); later ones queue. */
	concurrency: number;
	/** Poll interval of the node, and the Wait of the do-it-yourself loop, in seconds. */
	intervalS: number;
	/** The node's "Max Requests per Second" option. */
	requestsPerSecond: number;
	/** Batch sizes run through this node (one Imagine node, all items at once). */
	sizes: number[];
	/** Batch sizes run through this node after an earlier batch taught it the job time on the same API. */
	warmSizes: number[];
	/** Batch sizes run through the sequential baseline (Loop Over Items, batch size 1). */
	sequentialSizes: number[];
	/** Batch sizes run through the do-it-yourself HTTP Request + Wait + IF loop. */
	diySizes: number[];
	quick: boolean;
	/** Markdown report. */
	output: string;
	/** When set, one JSON file per run with the simulator's request and task timeline. */
	timelineDir?: string;
}

const BENCH_DIR = __dirname;

const FULL_PRESET = {
	taskMs: 6000,
	concurrency: 3,
	intervalS: 5,
	requestsPerSecond: 3,
	sizes: [1, 10, 30, 50],
	warmSizes: [1, 10],
	sequentialSizes: [1, 10, 30],
	diySizes: [1, 10],
	output: path.join(BENCH_DIR, 'results.md'),
};

/** Smoke run in about two minutes; writes its own report so the committed full results stay untouched. */
const QUICK_PRESET = {
	taskMs: 2000,
	intervalS: 2,
	sizes: [1, 10],
	warmSizes: [1],
	sequentialSizes: [1, 10],
	diySizes: [1, 10],
	output: path.join(BENCH_DIR, 'results.quick.md'),
};

/** The node does not accept a shorter poll interval (see the Poll Interval option). */
const MIN_INTERVAL_S = 2;

export const USAGE = `Usage: npm run bench -- [options]      (tsx bench/run.ts [options] skips the build)

  --task-ms MS            running time of one simulated job, D          (default 6000; env BENCH_TASK_MS)
  --concurrency C         jobs the account runs at once                 (default 3;    env BENCH_CONCURRENCY)
  --interval S            node poll interval and DIY Wait, seconds, ≥ 2 (default 5;    env BENCH_INTERVAL)
  --rps R                 node option Max Requests per Second          (default 3;    env BENCH_RPS)
  --sizes LIST            batch sizes for this node                     (default 1,10,30,50; env BENCH_SIZES)
  --warm-sizes LIST       sizes for this node after an earlier batch   (default 1,10; env BENCH_WARM_SIZES)
  --sequential-sizes LIST sizes for the Loop Over Items baseline        (default 1,10,30; env BENCH_SEQUENTIAL_SIZES)
  --diy-sizes LIST        sizes for the HTTP Request + Wait loop        (default 1,10; env BENCH_DIY_SIZES)
  --baseline-sizes LIST   sets both baseline lists                      (env BENCH_BASELINE_SIZES)
  --quick                 smoke run: D = 2000, interval 2, all sizes 1,10, report bench/results.quick.md
  --output FILE           markdown report                              (default bench/results.md; env BENCH_OUTPUT)
  --timeline-dir DIR      also write each run's simulator timeline as JSON (env BENCH_TIMELINE_DIR)

LIST is comma-separated, e.g. 1,10; "none" runs no baseline of that kind.`;

export class UsageError extends Error {}

function positiveNumber(name: string, text: string): number {
	const value = Number(text);
	if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} needs a positive number, got "${text}".`);
	return value;
}

function positiveInteger(name: string, text: string): number {
	const value = positiveNumber(name, text);
	if (!Number.isInteger(value)) throw new UsageError(`${name} needs a whole number, got "${text}".`);
	return value;
}

function sizeList(name: string, text: string): number[] {
	if (text.trim() === '' || text.trim() === 'none') return [];
	const sizes = text.split(',').map((part) => positiveInteger(name, part.trim()));
	return [...new Set(sizes)].sort((a, b) => a - b);
}

type Setter = (options: BenchOptions, value: string) => void;

const SETTERS: Record<string, Setter> = {
	'task-ms': (o, v) => (o.taskMs = positiveInteger('--task-ms', v)),
	'concurrency': (o, v) => (o.concurrency = positiveInteger('--concurrency', v)),
	'interval': (o, v) => (o.intervalS = positiveNumber('--interval', v)),
	'rps': (o, v) => (o.requestsPerSecond = positiveNumber('--rps', v)),
	'sizes': (o, v) => (o.sizes = sizeList('--sizes', v)),
	'warm-sizes': (o, v) => (o.warmSizes = sizeList('--warm-sizes', v)),
	'sequential-sizes': (o, v) => (o.sequentialSizes = sizeList('--sequential-sizes', v)),
	'diy-sizes': (o, v) => (o.diySizes = sizeList('--diy-sizes', v)),
	'baseline-sizes': (o, v) => {
		o.sequentialSizes = sizeList('--baseline-sizes', v);
		o.diySizes = [...o.sequentialSizes];
	},
	'output': (o, v) => (o.output = path.resolve(v)),
	'timeline-dir': (o, v) => (o.timelineDir = path.resolve(v)),
};

const envName = (flag: string) => `BENCH_${flag.toUpperCase().replace(/-/g, '_')}`;

/** Defaults, then `--quick`/`BENCH_QUICK=1`, then `BENCH_*` variables, then flags: later wins. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
	const flags: Array<[string, string]> = [];
	let quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') return 'help';
		if (arg === '--quick') {
			quick = true;
			continue;
		}
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!match || !SETTERS[match[1]]) throw new UsageError(`Unknown argument "${arg}". Try --help.`);
		const value = match[2] ?? argv[++i];
		if (value === undefined) throw new UsageError(`${arg} needs a value. Try --help.`);
		flags.push([match[1], value]);
	}

	const options: BenchOptions = { ...FULL_PRESET, ...(quick ? QUICK_PRESET : {}), quick };
	// Baseline lists first, so BENCH_SEQUENTIAL_SIZES / BENCH_DIY_SIZES refine BENCH_BASELINE_SIZES.
	const envOrder = ['baseline-sizes', ...Object.keys(SETTERS).filter((flag) => flag !== 'baseline-sizes')];
	for (const flag of envOrder) {
		const value = env[envName(flag)];
		if (value !== undefined && value !== '') SETTERS[flag](options, value);
	}
	for (const [flag, value] of flags) SETTERS[flag](options, value);

	if (options.intervalS < MIN_INTERVAL_S) {
		throw new UsageError(`--interval must be at least ${MIN_INTERVAL_S} s: the node polls no more often than that.`);
	}
	const runs = [options.sizes, options.warmSizes, options.sequentialSizes, options.diySizes];
	if (runs.every((sizes) => sizes.length === 0)) {
		throw new UsageError('Nothing to run: --sizes, --warm-sizes and both baseline lists are empty.');
	}
	return options;
}
