import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask } from '../transport/endpoints';
import { cancellableSleep } from './cancellable-sleep';
import { cancelledError } from './cancellation';
import type { Task, WaitOptions } from './interfaces';
import { isFailureStatus, isQueuedStatus, isTerminalStatus } from './task-status';

/** A queued task is checked less and less often, up to this gap, until Midjourney starts it. */
const MAX_QUEUED_BACKOFF_MS = 30000;

export interface TaskToWaitFor {
	taskId: string;
	itemIndex: number;
	wait: WaitOptions;
	requestsPerSecond: number;
	/** Epoch ms of submission; the first poll comes one interval later, as no job finishes sooner */
	startedAt: number;
	/** Poll at once (Fetch) instead of one interval after startedAt (Imagine, Action) */
	pollImmediately?: boolean;
}

export type WaitOutcome =
	{ kind: 'finished'; task: Task } | { kind: 'maxWaitReached'; task?: Task } | { kind: 'error'; error: Error };

interface Watch {
	target: TaskToWaitFor;
	deadline: number;
	nextPollAt: number;
	queuedPolls: number;
	lastTask?: Task;
}

function nextDelay(watch: Watch, task: Task): number {
	const interval = watch.target.wait.pollIntervalMs;
	if (!isQueuedStatus(task.status)) {
		watch.queuedPolls = 0;
		return interval;
	}
	watch.queuedPolls++;
	return Math.min(interval * 2 ** Math.min(watch.queuedPolls - 1, 4), Math.max(MAX_QUEUED_BACKOFF_MS, interval));
}

/** The most useful poll first: the earliest due, and on a tie the task that has waited longest. */
function mostUrgent(watches: Watch[]): Watch {
	return watches.reduce((best, watch) =>
		watch.nextPollAt < best.nextPollAt ||
		(watch.nextPollAt === best.nextPollAt && watch.target.startedAt < best.target.startedAt)
			? watch
			: best,
	);
}

/**
 * Waits on many tasks in one loop, so a batch takes as long as its slowest job rather than the sum of all.
 * One request at a time; each poll goes through the credential's request budget.
 * `stopWhen` ends the wait early (e.g. the first failure when the node does not continue on fail).
 */
export async function waitForTasks(
	this: IExecuteFunctions,
	targets: TaskToWaitFor[],
	stopWhen: (outcome: WaitOutcome, target: TaskToWaitFor) => boolean = () => false,
): Promise<Map<TaskToWaitFor, WaitOutcome>> {
	const signal = this.getExecutionCancelSignal();
	const outcomes = new Map<TaskToWaitFor, WaitOutcome>();
	let watches: Watch[] = targets.map((target) => ({
		target,
		deadline: target.startedAt + target.wait.maxWaitMs,
		nextPollAt: target.pollImmediately
			? target.startedAt
			: Math.min(target.startedAt + target.wait.pollIntervalMs, target.startedAt + target.wait.maxWaitMs),
		queuedPolls: 0,
	}));

	const settle = (watch: Watch, outcome: WaitOutcome): boolean => {
		outcomes.set(watch.target, outcome);
		watches = watches.filter((other) => other !== watch);
		return stopWhen(outcome, watch.target);
	};

	while (watches.length > 0) {
		const watch = mostUrgent(watches);
		const delay = watch.nextPollAt - Date.now();
		if (delay > 0) await cancellableSleep(delay, signal);

		let task: Task;
		try {
			task = await fetchTask.call(this, watch.target.taskId, {
				itemIndex: watch.target.itemIndex,
				requestsPerSecond: watch.target.requestsPerSecond,
				deadline: watch.deadline,
			});
		} catch (error) {
			if (signal?.aborted) throw cancelledError(this.getNode());
			if (settle(watch, { kind: 'error', error: error as Error })) break;
			continue;
		}
		watch.lastTask = task;

		if (isTerminalStatus(task.status)) {
			const finished: WaitOutcome = { kind: 'finished', task };
			if (settle(watch, finished)) break;
			continue;
		}
		const next = Date.now() + nextDelay(watch, task);
		if (next > watch.deadline) {
			if (Date.now() >= watch.deadline || watch.nextPollAt >= watch.deadline) {
				if (settle(watch, { kind: 'maxWaitReached', task })) break;
				continue;
			}
			watch.nextPollAt = watch.deadline;
			continue;
		}
		watch.nextPollAt = next;
	}
	return outcomes;
}

export function isFailedOutcome(outcome: WaitOutcome, onTimeout: WaitOptions['onTimeout']): boolean {
	if (outcome.kind === 'error') return true;
	if (outcome.kind === 'maxWaitReached') return onTimeout === 'error';
	return isFailureStatus(outcome.task.status);
}
