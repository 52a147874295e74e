/** Numbers of one run, from n8n's own execution timestamps and what the simulator saw. Pure functions. */
import type { Execution } from '../e2e/harness';
import type { Inspection } from '../simulator';

export interface RunMetrics {
	/** n8n's `stoppedAt - startedAt` of the whole execution. */
	wallMs: number;
	/** ceil(N / C) × D: the account cannot finish N jobs sooner. */
	limitMs: number;
	tasks: number;
	requests: number;
	requestsPerTask: number;
	/** Most requests the simulator saw within any 1-second window. */
	peakRequestsPerSecond: number;
	/** `noticedAt - completedAt` over the tasks that completed and were seen completed. */
	detectionMs: { median: number; p90: number; max: number };
	/** Completed tasks no fetch ever saw finished (should be 0). */
	unnoticed: number;
	/** From the last task completing to the execution stopping. */
	tailMs: number;
	/** From the execution starting to the first API request (submissions start here). */
	firstRequestMs: number;
}

export function physicalLimitMs(size: number, concurrency: number, taskMs: number): number {
	return Math.ceil(size / concurrency) * taskMs;
}

/** Nearest-rank percentile of a non-empty list; NaN for an empty one. */
export function percentile(values: number[], fraction: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	if (fraction === 0.5 && sorted.length % 2 === 0) {
		return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
	}
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export function executionSpan(execution: Execution): { startedAt: number; stoppedAt: number } {
	const startedAt = Date.parse(execution.startedAt ?? '');
	const stoppedAt = Date.parse(execution.stoppedAt ?? '');
	if (!Number.isFinite(startedAt) || !Number.isFinite(stoppedAt)) {
		throw new Error(
			`Execution ${execution.id} has no startedAt/stoppedAt (${execution.startedAt}, ${execution.stoppedAt}).`,
		);
	}
	return { startedAt, stoppedAt };
}

export function runMetrics(
	execution: Execution,
	seen: Inspection,
	setup: { size: number; concurrency: number; taskMs: number },
): RunMetrics {
	const { startedAt, stoppedAt } = executionSpan(execution);
	const completed = seen.tasks.filter((task) => task.completedAt !== undefined);
	const delays = completed
		.filter((task) => task.noticedAt !== undefined)
		.map((task) => (task.noticedAt as number) - (task.completedAt as number));
	const lastCompletion = Math.max(...completed.map((task) => task.completedAt as number));
	const firstRequest = Math.min(...seen.requests.map((request) => request.at));
	return {
		wallMs: stoppedAt - startedAt,
		limitMs: physicalLimitMs(setup.size, setup.concurrency, setup.taskMs),
		tasks: seen.tasks.length,
		requests: seen.requests.length,
		requestsPerTask: seen.requests.length / Math.max(seen.tasks.length, 1),
		peakRequestsPerSecond: Math.max(0, ...Object.values(seen.peakRequestsPerSecond)),
		detectionMs: { median: percentile(delays, 0.5), p90: percentile(delays, 0.9), max: Math.max(...delays) },
		unnoticed: completed.length - delays.length,
		tailMs: stoppedAt - lastCompletion,
		firstRequestMs: firstRequest - startedAt,
	};
}
