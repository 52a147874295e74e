/** Numbers of one run, from its wall time and what the simulator saw. Pure functions. */
import type { Execution } from '../real-n8n/harness';
import type { Inspection, TaskRecord } from '../simulator';
import { jobKindOfAction } from '../simulator/run-times';

export interface RunMetrics {
	/** n8n's `stoppedAt - startedAt` of the execution, or the plain poller's own elapsed time */
	wallMs: number;
	/** The account cannot finish the jobs sooner: see physicalLimitMs */
	limitMs: number;
	tasks: number;
	requests: number;
	requestsPerTask: number;
	/** Σ (run time / interval + 2) / tasks: the request target, from each task's own run time */
	requestTarget: number;
	/** Most requests of one key the simulator saw within any 1-second window */
	peakRequestsPerSecond: number;
	/** `noticedAt - completedAt`: from a job finishing to the first status check that saw it finished */
	lagMs: { p50: number; p95: number; max: number };
	/** Completed tasks no status check ever saw finished (should be 0) */
	unnoticed: number;
}

/** Nearest-rank percentile of a non-empty list; NaN for an empty one. */
export function percentile(values: number[], fraction: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/** How long `concurrency` slots take to run jobs of these run times first come, first served, all ready at 0. */
export function fifoMakespan(runTimes: number[], concurrency: number): number {
	const slots = Array<number>(concurrency).fill(0);
	for (const runMs of runTimes) {
		slots.sort((a, b) => a - b);
		slots[0] += runMs;
	}
	return Math.max(0, ...slots);
}

/**
 * The physical limit of a run: each LinkrAPI node (one hold, one kind of job) runs its jobs as fast as the hold
 * allows, all submitted at once; n8n runs the nodes one after another, so their times add up.
 */
export function physicalLimitMs(tasks: TaskRecord[], concurrency: number): number {
	const stages = new Map<string, number[]>();
	for (const task of [...tasks].sort((a, b) => a.createdAt - b.createdAt)) {
		const stage = `${task.key} ${jobKindOfAction(task.action)}`;
		stages.set(stage, [...(stages.get(stage) ?? []), task.runMs]);
	}
	return [...stages.values()].reduce((sum, runTimes) => sum + fifoMakespan(runTimes, concurrency), 0);
}

export function executionSpan(execution: Execution): { startedAt: number; stoppedAt: number } {
	const startedAt = Date.parse(execution.startedAt ?? '');
	const stoppedAt = Date.parse(execution.stoppedAt ?? '');
	if (!Number.isFinite(startedAt) || !Number.isFinite(stoppedAt)) {
		throw new Error(`Execution ${execution.id} has no startedAt/stoppedAt (${execution.startedAt}, ${execution.stoppedAt}).`);
	}
	return { startedAt, stoppedAt };
}

export function runMetrics(
	wallMs: number,
	seen: Inspection,
	setup: { concurrency: number; intervalMs: number },
): RunMetrics {
	const completed = seen.tasks.filter((task) => task.completedAt !== undefined);
	const lags = completed
		.filter((task) => task.noticedAt !== undefined)
		.map((task) => (task.noticedAt as number) - (task.completedAt as number));
	const tasks = Math.max(seen.tasks.length, 1);
	return {
		wallMs,
		limitMs: physicalLimitMs(seen.tasks, setup.concurrency),
		tasks: seen.tasks.length,
		requests: seen.requests.length,
		requestsPerTask: seen.requests.length / tasks,
		requestTarget: seen.tasks.reduce((sum, task) => sum + task.runMs / setup.intervalMs + 2, 0) / tasks,
		peakRequestsPerSecond: Math.max(0, ...Object.values(seen.peakRequestsPerSecond)),
		lagMs: { p50: percentile(lags, 0.5), p95: percentile(lags, 0.95), max: Math.max(...lags) },
		unnoticed: completed.length - lags.length,
	};
}
