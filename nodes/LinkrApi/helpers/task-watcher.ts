import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask } from '../transport/endpoints';
import { cancellableSleep } from './cancellable-sleep';
import { cancelledError } from './cancellation';
import type { Task, WaitOptions } from './interfaces';
import type { JobDurationEstimate } from './job-duration-estimate';
import { isFailureStatus, isQueuedStatus, isTerminalStatus } from './task-status';

/** Polls aim this long after a job's expected end, so it has surely ended. */
const POLL_MARGIN_MS = 300;
/** A queued task is checked less and less often, up to this gap. */
const MAX_QUEUED_BACKOFF_MS = 30000;
/** Jobs most Midjourney plans run at once; a task accepted behind this many unfinished ones may have queued. */
const ASSUMED_CONCURRENT_JOBS = 3;
/** With a learned job time, a queued task waiting for its turn is looked at again after this many job times. */
const QUEUED_RECHECK_JOBS = 4;

export interface TaskToWaitFor {
	taskId: string;
	itemIndex: number;
	wait: WaitOptions;
	requestsPerSecond: number;
	/** Epoch ms at which LinkrAPI accepted the task */
	startedAt: number;
	/** Poll at once (Fetch) instead of when the job can first have ended (Imagine, Action) */
	pollImmediately?: boolean;
}

export type WaitOutcome =
	| { kind: 'finished'; task: Task }
	| { kind: 'maxWaitReached'; task?: Task }
	| { kind: 'error'; error: Error };

interface Watch {
	target: TaskToWaitFor;
	deadline: number;
	nextPollAt: number;
	lastPollAt?: number;
	queuedPolls: number;
	lastTask?: Task;
	/** When the job began running, if known: at acceptance when it never queued, or when the job ahead of it ended */
	runningSince?: number;
	/** runningSince is measured (never queued), not guessed; only measured times teach the job time */
	startIsKnown: boolean;
}

export function isFailedOutcome(outcome: WaitOutcome, onTimeout: WaitOptions['onTimeout']): boolean {
	if (outcome.kind === 'error') return true;
	if (outcome.kind === 'maxWaitReached') return onTimeout === 'error';
	return isFailureStatus(outcome.task.status);
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
 * Waits on many tasks in one loop, while the router is still submitting more, so a batch takes about as long as the
 * Midjourney account needs to run it. Each task is polled when its job can have ended (learned job time), never
 * more often than its Poll Interval; queued tasks are looked at again only when a job ahead of them has ended.
 * Every poll goes through the credential's request budget.
 */
export class TaskWatcher {
	private watches: Watch[] = [];

	private readonly outcomes = new Map<TaskToWaitFor, WaitOutcome>();

	private closed = false;

	private stopped = false;

	private wakeUp: () => void = () => undefined;

	private changed: Promise<void> = this.nextChange();

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly durations: JobDurationEstimate,
		/** Ends all waiting early, e.g. at the first failure when the node does not continue on fail */
		private readonly stopWhen: (outcome: WaitOutcome, target: TaskToWaitFor) => boolean,
	) {}

	get stoppedEarly(): boolean {
		return this.stopped;
	}

	add(target: TaskToWaitFor): void {
		const deadline = target.startedAt + target.wait.maxWaitMs;
		const mayHaveQueued = this.watches.length >= ASSUMED_CONCURRENT_JOBS;
		const startIsKnown = !target.pollImmediately && !mayHaveQueued;
		this.watches.push({
			target,
			deadline,
			nextPollAt: Math.min(this.firstLook(target, mayHaveQueued), deadline),
			queuedPolls: 0,
			runningSince: startIsKnown ? target.startedAt : undefined,
			startIsKnown,
		});
		this.notify();
	}

	/**
	 * A job that can have started at once is first looked at when it can have ended; one that probably waits
	 * behind others is left alone until handOverSlot() sees a job end, with a late look in case it does not.
	 */
	private firstLook(target: TaskToWaitFor, mayHaveQueued: boolean): number {
		if (target.pollImmediately) return target.startedAt;
		const interval = target.wait.pollIntervalMs;
		const expected = this.durations.expectedMs();
		if (expected === undefined) {
			// Nothing learned yet: the first jobs are about to teach the job time, and their ends hand slots over.
			return target.startedAt + (mayHaveQueued ? Math.max(interval, MAX_QUEUED_BACKOFF_MS) : interval);
		}
		const jobTimes = mayHaveQueued ? QUEUED_RECHECK_JOBS : 1;
		return (
			target.startedAt + Math.max(interval, Math.min(MAX_QUEUED_BACKOFF_MS, jobTimes * (expected + POLL_MARGIN_MS)))
		);
	}

	/** No more tasks will be added: run() returns once the added ones are settled. */
	close(): void {
		this.closed = true;
		this.notify();
	}

	stop(): void {
		this.stopped = true;
		this.notify();
	}

	async run(): Promise<Map<TaskToWaitFor, WaitOutcome>> {
		const signal = this.context.getExecutionCancelSignal();
		while (!this.stopped) {
			if (this.watches.length === 0) {
				if (this.closed) break;
				await this.changed;
				continue;
			}
			const watch = mostUrgent(this.watches);
			const delay = watch.nextPollAt - Date.now();
			if (delay > 0) {
				await this.sleepUnlessChanged(delay, signal);
				continue;
			}
			await this.poll(watch, signal);
		}
		return this.outcomes;
	}

	private nextChange(): Promise<void> {
		return new Promise((resolve) => (this.wakeUp = resolve));
	}

	private notify(): void {
		const wake = this.wakeUp;
		this.changed = this.nextChange();
		wake();
	}

	/** A task added meanwhile may be due sooner than the one being waited for. */
	private async sleepUnlessChanged(delay: number, signal: AbortSignal | undefined): Promise<void> {
		const sleeping = cancellableSleep(delay, signal);
		sleeping.catch(() => undefined);
		await Promise.race([sleeping, this.changed]);
	}

	private settle(watch: Watch, outcome: WaitOutcome): void {
		this.outcomes.set(watch.target, outcome);
		this.watches = this.watches.filter((other) => other !== watch);
		if (this.stopWhen(outcome, watch.target)) this.stopped = true;
	}

	private async poll(watch: Watch, signal: AbortSignal | undefined): Promise<void> {
		let task: Task;
		try {
			task = await fetchTask.call(this.context, watch.target.taskId, {
				itemIndex: watch.target.itemIndex,
				requestsPerSecond: watch.target.requestsPerSecond,
				deadline: watch.deadline,
			});
		} catch (error) {
			if (signal?.aborted) throw cancelledError(this.context.getNode());
			this.settle(watch, { kind: 'error', error: error as Error });
			return;
		}
		const now = Date.now();
		const previousPollAt = watch.lastPollAt;
		watch.lastPollAt = now;
		watch.lastTask = task;

		if (isTerminalStatus(task.status)) {
			if (watch.startIsKnown && watch.runningSince !== undefined && task.status.toLowerCase() === 'completed') {
				this.durations.finishedWithin(now - watch.runningSince);
			}
			this.handOverSlot(now);
			this.settle(watch, { kind: 'finished', task });
			return;
		}

		const next = this.nextPollAfter(watch, task, now, previousPollAt);
		if (next > watch.deadline) {
			if (now >= watch.deadline || watch.nextPollAt >= watch.deadline) {
				this.settle(watch, { kind: 'maxWaitReached', task });
				return;
			}
			watch.nextPollAt = watch.deadline;
			return;
		}
		watch.nextPollAt = next;
	}

	private nextPollAfter(watch: Watch, task: Task, now: number, previousPollAt: number | undefined): number {
		const interval = watch.target.wait.pollIntervalMs;
		const expected = this.durations.expectedMs();
		if (isQueuedStatus(task.status)) {
			watch.runningSince = undefined;
			watch.startIsKnown = false;
			watch.queuedPolls++;
			// It cannot start before a job ahead of it ends, and handOverSlot() brings it forward when one does;
			// this later look only covers a LinkrAPI that does not start queued jobs in order.
			if (expected !== undefined) {
				return (
					now + Math.max(interval, Math.min(MAX_QUEUED_BACKOFF_MS, QUEUED_RECHECK_JOBS * (expected + POLL_MARGIN_MS)))
				);
			}
			return (
				now + Math.min(interval * 2 ** Math.min(watch.queuedPolls - 1, 4), Math.max(MAX_QUEUED_BACKOFF_MS, interval))
			);
		}
		watch.queuedPolls = 0;
		if (watch.runningSince === undefined) {
			watch.runningSince = this.estimatedStart(watch, task, now, previousPollAt);
		} else if (watch.startIsKnown) {
			this.durations.stillRunningAfter(now - watch.runningSince);
		}
		const expectedEnd = expected !== undefined ? watch.runningSince + expected + POLL_MARGIN_MS : now + interval;
		return Math.max(now + interval, expectedEnd);
	}

	/** When a job whose start nobody saw began: from its progress if possible, else between two looks at it. */
	private estimatedStart(watch: Watch, task: Task, now: number, previousPollAt: number | undefined): number {
		const expected = this.durations.expectedMs();
		const progress = task.progress ?? 0;
		if (expected !== undefined && progress > 0 && progress < 100) return now - (progress / 100) * expected;
		return ((previousPollAt ?? watch.target.startedAt) + now) / 2;
	}

	/**
	 * A job was just found ended (at `endedAt`), so the account has a free slot: the oldest task that may be queued is about to
	 * start. Expect it to end one job time later, instead of waiting out its queued back-off.
	 */
	private handOverSlot(endedAt: number): void {
		const expected = this.durations.expectedMs();
		if (expected === undefined) return;
		const queued = this.watches
			.filter((watch) => watch.runningSince === undefined && !watch.target.pollImmediately)
			.sort((a, b) => a.target.startedAt - b.target.startedAt)[0];
		if (!queued) return;
		queued.runningSince = endedAt;
		const floor = queued.lastPollAt !== undefined ? queued.lastPollAt + queued.target.wait.pollIntervalMs : 0;
		queued.nextPollAt = Math.min(queued.nextPollAt, Math.max(floor, endedAt + expected + POLL_MARGIN_MS));
	}
}
