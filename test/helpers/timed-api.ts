import nock from 'nock';

import { API_HOST } from './execute-context';
import { completedGrid, runningTask, submitted } from './fixtures';
import type { VirtualClock } from './virtual-clock';

export interface TimedTask {
	id: string;
	action: string;
	/** The bearer key that submitted it: one hold */
	key: string;
	submittedAt: number;
	startsAt: number;
	endsAt: number;
	polls: number[];
	noticedAt?: number;
	/** Midjourney's error when the job ends failed */
	failure?: string;
}

/** The run time of a job, by its place among all jobs submitted (0-based), its action and its key. */
export type RunTime = (job: { index: number; action: string; key: string }) => number;

export interface TimedHolds {
	/** A submit this key's hold refuses without starting a job: [status, body] (403 suspended, 502 Discord down) */
	refuseSubmit?: (key: string) => [number, Record<string, unknown>] | undefined;
	/** The error Midjourney ends this key's next job with (an account problem), if any */
	failJob?: (key: string) => string | undefined;
}

/**
 * A fake LinkrAPI whose jobs take (virtual) time and run at most `concurrency` at once per key, first in first out
 * — how a Midjourney account behaves. Imagine and Action (any action) both start jobs; progress grows evenly.
 * Records when each job ended and when the node noticed.
 */
export function serveTimedJobs(
	clock: VirtualClock,
	runTime: number | RunTime,
	concurrency: number | ((key: string) => number),
	holds: TimedHolds = {},
) {
	const slotsOf = (key: string) => (typeof concurrency === 'number' ? concurrency : concurrency(key));
	const tasks: TimedTask[] = [];
	const runMs: RunTime = typeof runTime === 'number' ? () => runTime : runTime;
	const create = (action: string, key: string): TimedTask => {
		const now = clock.now();
		const startsAt = firstFreeSlot(
			tasks.filter((task) => task.key === key),
			now,
			slotsOf(key),
		);
		const task: TimedTask = {
			id: `job-${tasks.length + 1}`,
			action,
			key,
			submittedAt: now,
			startsAt,
			endsAt: startsAt + runMs({ index: tasks.length, action, key }),
			polls: [],
			failure: holds.failJob?.(key),
		};
		tasks.push(task);
		return task;
	};
	const keyOf = (headers: Record<string, string | string[] | undefined>) => String(headers.authorization ?? '');
	// One fake account at a time: a persisted interceptor of an earlier one would answer first.
	nock.cleanAll();
	nock(API_HOST)
		.persist()
		.post('/api/v1/imagine')
		.reply(function () {
			const key = keyOf(this.req.headers);
			return holds.refuseSubmit?.(key) ?? [200, submitted(create('imagine', key).id)];
		})
		.post('/api/v1/action')
		.reply(function (_uri, body) {
			const key = keyOf(this.req.headers);
			const { action, task_id: source } = body as { action: string; task_id: string };
			// A task belongs to the key that created it: another hold's key cannot press its buttons.
			if (!tasks.some((task) => task.id === source && task.key === key)) return [404, { detail: 'Task not found' }];
			return holds.refuseSubmit?.(key) ?? [200, submitted(create(action, key).id)];
		})
		.get(/\/api\/v1\/fetch\/.+/)
		.reply(function (uri) {
			const now = clock.now();
			const task = tasks.find((candidate) => uri.endsWith(`/${candidate.id}`));
			if (!task || task.key !== keyOf(this.req.headers)) return [404, { detail: 'Task not found' }];
			task.polls.push(now);
			if (now < task.startsAt) return [200, { ...runningTask('queued', 0, task.id), action: task.action }];
			if (now < task.endsAt) {
				const progress = Math.floor(((now - task.startsAt) / (task.endsAt - task.startsAt)) * 100);
				return [200, { ...runningTask('processing', progress, task.id), action: task.action }];
			}
			task.noticedAt ??= now;
			if (task.failure)
				return [200, { ...runningTask('failed', 0, task.id), action: task.action, error: task.failure }];
			return [200, { ...completedGrid(task.id), action: task.action }];
		});
	return {
		tasks,
		/** Jobs someone else (another n8n, another tool) gives this key's hold now: they take its slots first */
		othersSubmit: (key: string, count: number) => {
			for (let job = 0; job < count; job++) create('imagine', key);
		},
		detectionDelays: (of: TimedTask[] = tasks) => of.map((task) => (task.noticedAt ?? Infinity) - task.endsAt),
		requestsPerTask: (of: TimedTask[] = tasks) =>
			of.reduce((sum, task) => sum + 1 + task.polls.length, 0) / Math.max(of.length, 1),
		/** Longest time between two polls of a task, or between its start and its first poll, while it ran */
		longestGapWhileRunning: (task: TimedTask) => {
			const times = [task.startsAt, ...task.polls.filter((at) => at > task.startsAt)];
			return Math.max(...times.slice(1).map((at, index) => at - times[index]));
		},
	};
}

/** First come, first served: not before an earlier job started, and when fewer than `concurrency` are running. */
function firstFreeSlot(earlier: TimedTask[], now: number, concurrency: number): number {
	const notBefore = Math.max(now, ...earlier.map((task) => task.startsAt));
	const candidates = [notBefore, ...earlier.map((task) => task.endsAt).filter((end) => end > notBefore)].sort(
		(a, b) => a - b,
	);
	const runningAt = (at: number) => earlier.filter((task) => task.startsAt <= at && at < task.endsAt).length;
	return candidates.find((at) => runningAt(at) < concurrency) as number;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
