/** What one benchmark run measures: a preset (`--quick`, default, `--full`), narrowed by flags or `BENCH_*` variables. */
import * as path from 'node:path';

import { type Preset, presetSettings, type ScenarioRow } from './scenarios';

export interface BenchOptions {
	preset: Preset;
	/** Poll interval of the node and of the plain poller, seconds */
	intervalS: number;
	/** Jobs the simulated account runs at once per hold (C); later ones queue */
	concurrency: number;
	/** The node's "Max Requests per Second", also the plain poller's budget */
	requestsPerSecond: number;
	rows: ScenarioRow[];
	/** Markdown report */
	output: string;
	/** When set, one JSON file per row with the simulator's request and task timeline */
	timelineDir?: string;
}

const BENCH_DIR = __dirname;

export const USAGE = `Usage: npm run bench -- [options]      (tsx bench/run.ts [options] skips the build)

  --quick               smoke run (< 3 min): scenarios 1–5 with shorter jobs, smaller N, interval 2 s
                        → bench/results.quick.md                                             (env BENCH_QUICK=1)
  --full                scenarios 1–6: adds the real-timescale run (grids ~45 s, upscales 6 s, N = 30)
                        → bench/results.full.md                                              (env BENCH_FULL=1)
  --scenarios LIST      only these scenarios, e.g. 1,3                                      (env BENCH_SCENARIOS)
  --output FILE         markdown report (default bench/results.md)                          (env BENCH_OUTPUT)
  --timeline-dir DIR    also write each row's simulator timelines as JSON                   (env BENCH_TIMELINE_DIR)

Without --quick or --full: scenarios 1–5 at the node's default Poll Interval of 5 s → bench/results.md.`;

export class UsageError extends Error {}

function scenarioList(text: string): number[] {
	const numbers = text.split(',').map((part) => Number(part.trim()));
	if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 6)) {
		throw new UsageError(`--scenarios needs numbers from 1 to 6, got "${text}".`);
	}
	return numbers;
}

/** Preset first, then `BENCH_*` variables, then flags: later wins. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | 'help' {
	const on = (name: string) => env[name] === '1' || env[name] === 'true';
	let preset: Preset = on('BENCH_FULL') ? 'full' : on('BENCH_QUICK') ? 'quick' : 'default';
	let scenarios = env.BENCH_SCENARIOS ? scenarioList(env.BENCH_SCENARIOS) : undefined;
	let output = env.BENCH_OUTPUT ? path.resolve(env.BENCH_OUTPUT) : undefined;
	let timelineDir = env.BENCH_TIMELINE_DIR ? path.resolve(env.BENCH_TIMELINE_DIR) : undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') return 'help';
		if (arg === '--quick') preset = 'quick';
		else if (arg === '--full') preset = 'full';
		else {
			const match = /^--(scenarios|output|timeline-dir)(?:=(.*))?$/.exec(arg);
			if (!match) throw new UsageError(`Unknown argument "${arg}". Try --help.`);
			const value = match[2] ?? argv[++i];
			if (value === undefined) throw new UsageError(`${arg} needs a value. Try --help.`);
			if (match[1] === 'scenarios') scenarios = scenarioList(value);
			else if (match[1] === 'output') output = path.resolve(value);
			else timelineDir = path.resolve(value);
		}
	}
	const settings = presetSettings(preset);
	const rows = settings.rows.filter((row) => !scenarios || scenarios.includes(row.scenario));
	if (rows.length === 0) throw new UsageError('Nothing to run: no row of this preset is in --scenarios.');
	const defaultOutput = { quick: 'results.quick.md', default: 'results.md', full: 'results.full.md' }[preset];
	return {
		preset,
		intervalS: settings.intervalS,
		concurrency: settings.concurrency,
		requestsPerSecond: settings.requestsPerSecond,
		rows,
		output: output ?? path.join(BENCH_DIR, defaultOutput),
		timelineDir,
	};
}
