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
}

/** The run time of a job, by its place among all jobs submitted (0-based), its action and its key. */
export type RunTime = (job: { index: number; action: string; key: string }) => number;

/**
 * A fake LinkrAPI whose jobs take (virtual) time and run at most `concurrency` at once per key, first in first out
 * — how a Midjourney account behaves. Imagine and Action (any action) both start jobs; progress grows evenly.
 * Records when each job ended and when the node noticed.
 */
export function serveTimedJobs(clock: VirtualClock, runTime: number | RunTime, concurrency: number) {
	const tasks: TimedTask[] = [];
	const runMs: RunTime = typeof runTime === 'number' ? () => runTime : runTime;
	const create = (action: string, key: string): TimedTask => {
		const now = clock.now();
		const startsAt = firstFreeSlot(tasks.filter((task) => task.key === key), now, concurrency);
		const task: TimedTask = {
			id: `job-${tasks.length + 1}`,
			action,
			key,
			submittedAt: now,
			startsAt,
			endsAt: startsAt + runMs({ index: tasks.length, action, key }),
			polls: [],
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
			return [200, submitted(create('imagine', keyOf(this.req.headers)).id)];
		})
		.post('/api/v1/action')
		.reply(function (_uri, body) {
			const { action } = body as { action: string };
			return [200, submitted(create(action, keyOf(this.req.headers)).id)];
		})
		.get(/\/api\/v1\/fetch\/.+/)
		.reply((uri) => {
			const now = clock.now();
			const task = tasks.find((candidate) => uri.endsWith(`/${candidate.id}`));
			if (!task) return [404, { detail: 'Task not found' }];
			task.polls.push(now);
			if (now < task.startsAt) return [200, { ...runningTask('queued', 0, task.id), action: task.action }];
			if (now < task.endsAt) {
				const progress = Math.floor(((now - task.startsAt) / (task.endsAt - task.startsAt)) * 100);
				return [200, { ...runningTask('processing', progress, task.id), action: task.action }];
			}
			task.noticedAt ??= now;
			return [200, { ...completedGrid(task.id), action: task.action }];
		});
	return {
		tasks,
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
