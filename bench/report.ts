/** The markdown report: settings, one row per run, the issue's targets with PASS/FAIL, and what was not run. */
import { physicalLimitMs, type RunMetrics } from './metrics';
import type { BenchOptions } from './options';
import type { CaseResult } from './run-case';
import { WORKFLOW_LABELS, type WorkflowKind } from './workflows';

export interface Environment {
	date: string;
	commit: string;
	/** Whether nodes/ or credentials/ differ from the commit (the bench packs the working tree's build). */
	sourceState: string;
	/** What was installed into n8n: the working tree's dist/, or the tarball named by LINKRAPI_E2E_PACKAGE. */
	packageSource: string;
	machine: string;
	n8nVersion: string;
	nodeVersion: string;
}

export interface FailedCase {
	kind: WorkflowKind;
	size: number;
	error: string;
}

/** The issue's targets for this node in poll mode. */
export const WALL_TARGET_SIZE = 50;
const WALL_TARGET_FACTOR = 1.1;

export interface Targets {
	wallMs: (limitMs: number) => number;
	requestsPerTask: number;
	peakRequestsPerSecond: number;
	medianDetectionMs: number;
}

export function targetsFor(options: BenchOptions): Targets {
	const intervalMs = options.intervalS * 1000;
	return {
		wallMs: (limitMs) => WALL_TARGET_FACTOR * limitMs + intervalMs,
		requestsPerTask: options.taskMs / intervalMs + 2,
		peakRequestsPerSecond: options.requestsPerSecond,
		medianDetectionMs: intervalMs / 2 + 500,
	};
}

const RUN_STATE: Record<WorkflowKind, 'fresh' | 'warm'> = {
	node: 'fresh',
	warm: 'warm',
	sequential: 'fresh',
	diy: 'fresh',
};

const seconds = (ms: number, digits = 1) => (Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : '–');
const verdict = (ok: boolean) => (ok ? '**PASS**' : '**FAIL**');
const list = (sizes: number[]) => (sizes.length > 0 ? sizes.join(', ') : 'none');

function resultRow(result: CaseResult): string {
	const m = result.metrics;
	return [
		result.size,
		WORKFLOW_LABELS[result.kind],
		seconds(m.wallMs),
		seconds(m.limitMs),
		(m.wallMs / m.limitMs).toFixed(2),
		m.requests,
		m.requestsPerTask.toFixed(2),
		m.peakRequestsPerSecond,
		`${seconds(m.detectionMs.median)} / ${seconds(m.detectionMs.p90)} / ${seconds(m.detectionMs.max)}`,
		seconds(m.tailMs),
	].join(' | ');
}

interface Check {
	ok: boolean;
	text: string;
}

function nodeChecks(m: RunMetrics, targets: Targets): Record<'wall' | 'requests' | 'peak' | 'detection', Check> {
	const wallTarget = targets.wallMs(m.limitMs);
	return {
		wall: { ok: m.wallMs <= wallTarget, text: `${seconds(m.wallMs)} ≤ ${seconds(wallTarget)} s` },
		requests: {
			ok: m.requestsPerTask <= targets.requestsPerTask,
			text: `${m.requestsPerTask.toFixed(2)} ≤ ${targets.requestsPerTask.toFixed(2)}`,
		},
		peak: {
			ok: m.peakRequestsPerSecond <= targets.peakRequestsPerSecond,
			text: `${m.peakRequestsPerSecond} ≤ ${targets.peakRequestsPerSecond}`,
		},
		detection: {
			ok: m.detectionMs.median <= targets.medianDetectionMs,
			text: `${seconds(m.detectionMs.median, 2)} ≤ ${seconds(targets.medianDetectionMs, 2)} s`,
		},
	};
}

function targetSection(nodeRuns: CaseResult[], options: BenchOptions): string[] {
	if (nodeRuns.length === 0) {
		const reason = options.sizes.length === 0 ? 'was not run (`--sizes none`)' : 'had no successful run (see below)';
		return ['## Targets (this node, poll mode)', '', `This node ${reason}, so no target was checked.`, ''];
	}
	const targets = targetsFor(options);
	const byState = [...nodeRuns].sort((a, b) => RUN_STATE[a.kind].localeCompare(RUN_STATE[b.kind]) || a.size - b.size);
	const checks = byState.map((run) => ({
		state: RUN_STATE[run.kind],
		size: run.size,
		...nodeChecks(run.metrics, targets),
	}));
	const wallRun = checks.find((check) => check.state === 'fresh' && check.size === WALL_TARGET_SIZE);
	const all = (key: 'requests' | 'peak' | 'detection') => {
		const failed = checks.filter((check) => !check[key].ok).map((check) => `${check.state} N = ${check.size}`);
		return failed.length === 0 ? verdict(true) : `${verdict(false)} (${failed.join('; ')})`;
	};
	const states = (['fresh', 'warm'] as const)
		.map((state) => [state, checks.filter((check) => check.state === state).map((check) => check.size)] as const)
		.filter(([, sizes]) => sizes.length > 0);
	const sizes = states.map(([state, list]) => `${state} N = ${list.join(', ')}`).join('; ');
	const lines = [
		'## Targets (this node, poll mode)',
		'',
		'| target | applies to | result |',
		'|---|---|---|',
		`| wall time ≤ ${WALL_TARGET_FACTOR} × limit + one poll interval (${options.intervalS} s) | N = ${WALL_TARGET_SIZE} | ` +
			(wallRun
				? `${verdict(wallRun.wall.ok)} (${wallRun.wall.text})`
				: `not run (add ${WALL_TARGET_SIZE} to --sizes)`) +
			' |',
		`| requests per task ≤ D / interval + 2 = ${targets.requestsPerTask.toFixed(2)} | ${sizes} | ${all('requests')} |`,
		`| peak requests per second ≤ Max Requests per Second = ${targets.peakRequestsPerSecond} | ${sizes} | ${all('peak')} |`,
		`| median detection delay ≤ interval / 2 + 0.5 s = ${seconds(targets.medianDetectionMs, 2)} s | ${sizes} | ${all('detection')} |`,
		'',
		"Per run (the wall-time target is the issue's for a fresh N = 50; the others are shown for information). " +
			'Fresh: the first batch on this API since n8n started, nothing learned. Warm: after one earlier batch of ' +
			'C prompts on the same API in the same n8n, as a scheduled batch runs in practice.',
		'',
		'| run | N | wall time | requests per task | peak req/s | median detection |',
		'|---|---:|---|---|---|---|',
		...checks.map((check) =>
			[
				`| ${check.state}`,
				check.size,
				`${check.wall.text} ${check === wallRun ? verdict(check.wall.ok) : check.wall.ok ? '(pass)' : '(fail)'}`,
				`${check.requests.text} ${verdict(check.requests.ok)}`,
				`${check.peak.text} ${verdict(check.peak.ok)}`,
				`${check.detection.text} ${verdict(check.detection.ok)} |`,
			].join(' | '),
		),
		'',
	];
	const lone = checks.find((check) => check.state === 'fresh' && check.size === 1);
	const intervalMs = options.intervalS * 1000;
	if (lone && !lone.detection.ok && options.taskMs > intervalMs && options.taskMs < 2 * intervalMs) {
		lines.push(
			`A fresh single job cannot meet the detection target here: with nothing learned, its first look comes at the ` +
				`minimum age (one Poll Interval, ${options.intervalS} s) and finds it running, and the next look may not ` +
				`come sooner than one interval later, so a ${seconds(options.taskMs)} s job is noticed ` +
				`${seconds(2 * intervalMs - options.taskMs)} s late. The warm run shows the same job once anything was learned.`,
			'',
		);
	}
	return lines;
}

function comparisonSection(
	options: BenchOptions,
	results: CaseResult[],
	failures: FailedCase[],
	sizes: number[],
): string[] {
	const wall = (kind: WorkflowKind, size: number) =>
		results.find((result) => result.kind === kind && result.size === size)?.metrics;
	const cell = (kind: WorkflowKind, size: number) => {
		const metrics = wall(kind, size);
		if (metrics) return seconds(metrics.wallMs);
		return failures.some((failure) => failure.kind === kind && failure.size === size) ? 'failed' : 'not run';
	};
	const lines = [
		'## Wall time side by side',
		'',
		'| N | limit ceil(N/C)×D | this node | sequential | DIY | sequential ÷ this node |',
		'|---:|---:|---:|---:|---:|---:|',
	];
	for (const size of sizes) {
		const node = wall('node', size);
		const sequential = wall('sequential', size);
		const limitMs = physicalLimitMs(size, options.concurrency, options.taskMs);
		lines.push(
			`| ${size} | ${seconds(limitMs)} | ${cell('node', size)} | ` +
				`${cell('sequential', size)} | ${cell('diy', size)} | ` +
				`${node && sequential ? `${(sequential.wallMs / node.wallMs).toFixed(1)}×` : '–'} |`,
		);
	}
	lines.push('');
	return lines;
}

export function renderReport(
	options: BenchOptions,
	environment: Environment,
	results: CaseResult[],
	failures: FailedCase[],
	runTimeMs: number,
): string {
	const sizes = [...new Set([...options.sizes, ...options.sequentialSizes, ...options.diySizes])].sort((a, b) => a - b);
	const kinds: WorkflowKind[] = ['node', 'warm', 'sequential', 'diy'];
	const ordered = [...results].sort((a, b) => a.size - b.size || kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
	const lines = [
		`# Batch benchmark${options.quick ? ' (quick smoke run)' : ''}`,
		'',
		'Generated by `npm run bench` (bench/run.ts); see bench/README.md for what is measured and how.',
		'',
		`- Date: ${environment.date}; total bench time ${seconds(runTimeMs, 0)} s`,
		`- Code: ${environment.commit} (${environment.sourceState}); installed into n8n: ${environment.packageSource}`,
		`- n8n ${environment.n8nVersion} on Node ${environment.nodeVersion}, one instance, SQLite; machine: ${environment.machine}`,
		`- Simulated account: task time D = ${seconds(options.taskMs)} s, concurrency C = ${options.concurrency}; ` +
			`node options: Poll Interval ${options.intervalS} s, Max Requests per Second ${options.requestsPerSecond}; ` +
			`DIY loop waits ${options.intervalS} s`,
		`- Runs: this node N = ${list(options.sizes)}, warm N = ${list(options.warmSizes)}; sequential baseline N = ${list(options.sequentialSizes)}; ` +
			`DIY baseline N = ${list(options.diySizes)}`,
		'',
		'## Results',
		'',
		"Wall time: the n8n execution's own `stoppedAt − startedAt` (Webhook → Code node making N prompts → waiting). " +
			'Limit: ceil(N/C) × D. Requests: every API request the simulator received (submits + status checks). ' +
			'Detection: `noticedAt − completedAt` per task (median / p90 / max). Tail: last task completed → execution stopped.',
		'',
		'| N | workflow | wall s | limit s | wall ÷ limit | requests | req/task | peak req/s | detection s (median / p90 / max) | tail s |',
		'|---:|---|---:|---:|---:|---:|---:|---:|---|---:|',
		...ordered.map((result) => `| ${resultRow(result)} |`),
		'',
		...targetSection(
			ordered.filter((result) => result.kind === 'node' || result.kind === 'warm'),
			options,
		),
		...comparisonSection(options, ordered, failures, sizes),
	];
	if (failures.length > 0) {
		lines.push('## Runs that failed', '');
		for (const failure of failures)
			lines.push(`- ${WORKFLOW_LABELS[failure.kind]}, N = ${failure.size}: ${failure.error}`);
		lines.push('');
	}
	return `${lines.join('\n')}\n`;
}
