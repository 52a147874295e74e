import nock from 'nock';

import { API_HOST } from './execute-context';
import { completedGrid, runningTask, submitted } from './fixtures';
import type { VirtualClock } from './virtual-clock';

interface TimedTask {
	id: string;
	submittedAt: number;
	startsAt: number;
	endsAt: number;
	polls: number[];
	noticedAt?: number;
}

/**
 * A fake LinkrAPI whose jobs take `durationMs` of (virtual) time and run at most `concurrency` at once, first in
 * first out — how a Midjourney account behaves. Records when each job ended and when the node noticed.
 */
export function serveTimedJobs(clock: VirtualClock, durationMs: number, concurrency: number) {
	const tasks: TimedTask[] = [];
	// One fake account at a time: a persisted interceptor of an earlier one would answer first.
	nock.cleanAll();
	nock(API_HOST)
		.persist()
		.post('/api/v1/imagine')
		.reply(() => {
			const now = clock.now();
			const ahead = tasks.length >= concurrency ? tasks[tasks.length - concurrency].endsAt : 0;
			const startsAt = Math.max(now, ahead);
			const task = {
				id: `job-${tasks.length + 1}`,
				submittedAt: now,
				startsAt,
				endsAt: startsAt + durationMs,
				polls: [],
			};
			tasks.push(task);
			return [200, submitted(task.id)];
		})
		.get(/\/api\/v1\/fetch\/.+/)
		.reply((uri) => {
			const now = clock.now();
			const task = tasks.find((candidate) => uri.endsWith(`/${candidate.id}`));
			if (!task) return [404, { detail: 'Task not found' }];
			task.polls.push(now);
			if (now < task.startsAt) return [200, runningTask('queued', 0, task.id)];
			if (now < task.endsAt) {
				return [200, runningTask('processing', Math.floor(((now - task.startsAt) / durationMs) * 100), task.id)];
			}
			task.noticedAt ??= now;
			return [200, completedGrid(task.id)];
		});
	return {
		tasks,
		detectionDelays: () => tasks.map((task) => (task.noticedAt ?? Infinity) - task.endsAt),
		requestsPerTask: () => tasks.reduce((sum, task) => sum + 1 + task.polls.length, 0) / tasks.length,
	};
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}
