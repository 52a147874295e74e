/** The markdown report: settings, one row per scenario run (this node and its plain-poller anchor), the targets. */
import type { RunMetrics } from './metrics';
import type { BenchOptions } from './options';
import type { RowResult } from './run-case';
import type { ScenarioRow } from './scenarios';

export interface Environment {
	date: string;
	commit: string;
	/** Whether nodes/ or credentials/ differ from the commit (the bench packs the working tree's build). */
	sourceState: string;
	/** What was installed into n8n: the working tree's dist/, or the tarball named by LINKRAPI_E2E_PACKAGE. */
	packageSource: string;
	machine: string;
	/** The machine's 1-minute load average at the start and the end: other work shares it */
	load: string;
	n8nVersion: string;
	nodeVersion: string;
}

export interface FailedRow {
	row: ScenarioRow;
	error: string;
}

/** The issue's targets, in ms or per task, for a Poll Interval I. */
interface Check {
	name: string;
	ok: boolean;
	text: string;
}

const WALL_FACTOR = 1.1;

const seconds = (ms: number, digits = 1) => (Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : '–');

export function checks(m: RunMetrics, options: BenchOptions): Check[] {
	const intervalMs = options.intervalS * 1000;
	const wallTarget = WALL_FACTOR * m.limitMs + intervalMs;
	const check = (name: string, value: number, target: number, text: (v: number, t: number) => string): Check => ({
		name,
		ok: value <= target,
		text: text(value, target),
	});
	const s = (v: number, t: number) => `${seconds(v, 2)} ≤ ${seconds(t, 2)} s`;
	return [
		check('lag p50', m.lagMs.p50, intervalMs / 2 + 500, s),
		check('lag p95', m.lagMs.p95, intervalMs + 1000, s),
		check('lag max', m.lagMs.max, intervalMs + 2000, s),
		check('requests/task', m.requestsPerTask, m.requestTarget, (v, t) => `${v.toFixed(2)} ≤ ${t.toFixed(2)}`),
		check('peak req/s', m.peakRequestsPerSecond, options.requestsPerSecond, (v, t) => `${v} ≤ ${t}`),
		check('wall', m.wallMs, wallTarget, (v, t) => `${seconds(v)} ≤ ${seconds(t)} s`),
	];
}

function metricCells(m: RunMetrics): string[] {
	return [
		seconds(m.wallMs),
		seconds(m.limitMs),
		(m.wallMs / m.limitMs).toFixed(2),
		`${m.requestsPerTask.toFixed(2)} (≤ ${m.requestTarget.toFixed(2)})`,
		String(m.peakRequestsPerSecond),
		`${seconds(m.lagMs.p50, 2)} / ${seconds(m.lagMs.p95, 2)} / ${seconds(m.lagMs.max, 2)}`,
	];
}

function verdictCell(m: RunMetrics, options: BenchOptions): string {
	const failed = checks(m, options).filter((check) => !check.ok);
	return failed.length === 0 ? 'all met' : `**missed:** ${failed.map((check) => `${check.name} ${check.text}`).join('; ')}`;
}

function tableRows(results: RowResult[], options: BenchOptions): string[] {
	return results.flatMap((result) => {
		const n = result.row.size * result.row.stages.length;
		return [
			`| ${result.row.scenario} | ${result.row.title} | ${n} | this node | ${metricCells(result.node).join(' | ')} | ${verdictCell(result.node, options)} |`,
			`| ${result.row.scenario} | ″ | ${n} | plain poller | ${metricCells(result.anchor).join(' | ')} | ${verdictCell(result.anchor, options)} |`,
		];
	});
}

function targetSummary(results: RowResult[], options: BenchOptions): string[] {
	const names = ['lag p50', 'lag p95', 'lag max', 'requests/task', 'peak req/s', 'wall'];
	const i = options.intervalS;
	const wording: Record<string, string> = {
		'lag p50': `detection lag p50 ≤ I/2 + 0.5 s = ${(i / 2 + 0.5).toFixed(1)} s`,
		'lag p95': `detection lag p95 ≤ I + 1 s = ${i + 1} s`,
		'lag max': `detection lag max ≤ I + 2 s = ${i + 2} s`,
		'requests/task': 'requests per task ≤ Σ (its run time / I + 2) / tasks',
		'peak req/s': `peak requests per second ≤ the budget (${options.requestsPerSecond})`,
		'wall': `wall ≤ ${WALL_FACTOR} × physical limit + I`,
	};
	const lines = ['| target | this node: rows that miss it | plain poller: rows that miss it |', '|---|---|---|'];
	for (const name of names) {
		const missed = (pick: (result: RowResult) => RunMetrics) =>
			results
				.map((result, index) => ({ result, index, check: checks(pick(result), options).find((c) => c.name === name) }))
				.filter(({ check }) => check && !check.ok)
				.map(({ result, check }) => `${result.row.scenario} N = ${result.row.size}: ${check?.text}`);
		const node = missed((result) => result.node);
		const anchor = missed((result) => result.anchor);
		lines.push(
			`| ${wording[name]} | ${node.length === 0 ? '**all met**' : node.join('<br>')} | ${anchor.length === 0 ? 'all met' : anchor.join('<br>')} |`,
		);
	}
	return lines;
}

/** Scenario 1 as bench/results.md recorded it before this change (commit eea1ee0, 2026-11-25, the same machine). */
const BEFORE: Record<number, { wall: number; ratio: number; requests: number; peak: number; detection: string }> = {
	1: { wall: 10.1, ratio: 1.69, requests: 3.0, peak: 1, detection: '4.0 / 4.0 / 4.0' },
	10: { wall: 25.3, ratio: 1.05, requests: 2.2, peak: 3, detection: '1.1 / 4.0 / 4.8' },
	30: { wall: 61.3, ratio: 1.02, requests: 2.33, peak: 3, detection: '0.9 / 4.4 / 4.9' },
	50: { wall: 103.2, ratio: 1.01, requests: 2.1, peak: 3, detection: '0.7 / 1.1 / 4.7' },
};

function beforeAndAfter(results: RowResult[], options: BenchOptions): string[] {
	const constant = results.filter((result) => result.row.scenario === 1 && BEFORE[result.row.size]);
	if (constant.length === 0 || options.preset === 'quick') return [];
	return [
		'## Scenario 1 before and after',
		'',
		'Before: bench/results.md at commit eea1ee0 (its detection columns were median / p90 / max). After: this run.',
		'',
		'| N | wall s before → after | wall ÷ limit | req/task | peak req/s | detection before (p50 / p90 / max) | lag after (p50 / p95 / max) |',
		'|---:|---|---|---|---|---|---|',
		...constant.map((result) => {
			const before = BEFORE[result.row.size];
			const m = result.node;
			return (
				`| ${result.row.size} | ${before.wall.toFixed(1)} → ${seconds(m.wallMs)} | ${before.ratio.toFixed(2)} → ${(m.wallMs / m.limitMs).toFixed(2)} | ` +
				`${before.requests.toFixed(2)} → ${m.requestsPerTask.toFixed(2)} | ${before.peak} → ${m.peakRequestsPerSecond} | ${before.detection} | ` +
				`${seconds(m.lagMs.p50, 2)} / ${seconds(m.lagMs.p95, 2)} / ${seconds(m.lagMs.max, 2)} |`
			);
		}),
		'',
	];
}

export function renderReport(
	options: BenchOptions,
	environment: Environment,
	results: RowResult[],
	failures: FailedRow[],
	totalMs: number,
): string {
	const lines = [
		'# Batch benchmark: scenarios',
		'',
		`Generated by \`npm run bench${options.preset === 'default' ? '' : ` -- --${options.preset}`}\` (bench/run.ts); see bench/README.md for what is measured and how.`,
		'',
		`- Date: ${environment.date}; total bench time ${Math.round(totalMs / 1000)} s`,
		`- Code: ${environment.commit} (${environment.sourceState}); installed into n8n: ${environment.packageSource}`,
		`- n8n ${environment.n8nVersion} on Node ${environment.nodeVersion}, one instance, SQLite; machine: ${environment.machine}`,
		`- Load: ${environment.load}. The machine is shared with other engineers' test runs; wall times and lags include that.`,
		`- Every row: account concurrency C = ${options.concurrency} per hold, Poll Interval I = ${options.intervalS} s, Max Requests per Second ${options.requestsPerSecond}; a fresh simulator and key per row`,
		'',
		'## Results',
		'',
		'Wall: the n8n execution’s own `stoppedAt − startedAt` (the plain poller: its own elapsed time). Limit: each LinkrAPI node’s jobs run first come, first served on C slots, all submitted at once; nodes run one after another. Requests: every API request the simulator received, per task; in brackets the target Σ (run time / I + 2) / tasks. Lag: first status check that saw a task finished minus when it finished.',
		'',
		'| # | scenario | tasks | who | wall s | limit s | wall ÷ limit | req/task (target) | peak req/s | lag s p50 / p95 / max | targets |',
		'|---:|---|---:|---|---:|---:|---:|---|---:|---|---|',
		...tableRows(results, options),
		'',
		'## Targets',
		'',
		...targetSummary(results, options),
		'',
		...beforeAndAfter(results, options),
	];
	if (failures.length > 0) {
		lines.push('## Rows that failed', '');
		for (const failure of failures) lines.push(`- ${failure.row.scenario}, ${failure.row.title}: ${failure.error}`);
		lines.push('');
	}
	return `${lines.join('\n')}\n`;
}
