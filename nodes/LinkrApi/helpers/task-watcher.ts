import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask } from '../transport/endpoints';
import { cancellableSleep } from './cancellable-sleep';
import { cancelledError } from './cancellation';
import type { Task, WaitOptions } from './interfaces';
import type { JobDurationEstimate } from './job-duration-estimate';
import { isFailureStatus, isQueuedStatus, isTerminalStatus } from './task-status';

/** Polls aim this long after a job's expected end, so it has surely ended. */
const POLL_MARGIN_MS = 300;
/** Before any job was seen finishing, each look searches this many Poll Intervals past the longest run seen. */
const SEARCH_STEP_INTERVALS = 0.1;
/** Before any job time is learned, a task that may be queued is looked at less and less often, up to this gap. */
const MAX_QUEUED_BACKOFF_MS = 30000;
/** With a learned job time, a task waiting for its turn is still looked at this often. */
const MAX_QUEUED_LOOK_MS = 5 * 60_000;
/** Jobs most Midjourney plans run at once; a task accepted behind this many unfinished ones may have queued. */
const ASSUMED_CONCURRENT_JOBS = 3;

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
	/** The job began running at or after this: acceptance, or the last look that saw it queued */
	startedAfter: number;
	/** The job began running at or before this; undefined while it may still wait in the account's queue */
	startedBy?: number;
	/** Best guess of when the job began running, between the two bounds */
	likelyStart?: number;
	/** The last look that saw the job running: it ends later */
	seenRunningAt?: number;
	/** While the job may be queued: the next look, set when it was accepted or last seen queued */
	queuedLookAt?: number;
}

/** The job's start is known to within a poll margin: it began running as LinkrAPI accepted it. */
function startWasSeen(watch: Watch): boolean {
	return watch.startedBy !== undefined && watch.startedBy - watch.startedAfter <= POLL_MARGIN_MS;
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
		const mayHaveQueued = this.watches.length >= ASSUMED_CONCURRENT_JOBS;
		const startIsKnown = !target.pollImmediately && !mayHaveQueued;
		const watch: Watch = {
			target,
			deadline: target.startedAt + target.wait.maxWaitMs,
			nextPollAt: target.startedAt,
			queuedPolls: 0,
			startedAfter: target.pollImmediately ? -Infinity : target.startedAt,
			startedBy: startIsKnown ? target.startedAt : undefined,
			likelyStart: startIsKnown ? target.startedAt : undefined,
		};
		this.watches.push(watch);
		if (!startIsKnown) watch.queuedLookAt = this.queuedLook(watch);
		this.plan(watch);
		this.notify();
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
			for (const other of this.watches) this.plan(other);
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
		watch.lastPollAt = now;
		watch.lastTask = task;

		if (isTerminalStatus(task.status)) {
			this.learnFromEnd(watch, task, now);
			this.settle(watch, { kind: 'finished', task });
			return;
		}
		if (isQueuedStatus(task.status)) {
			watch.queuedPolls++;
			watch.startedAfter = now;
			watch.startedBy = undefined;
			watch.likelyStart = undefined;
			watch.queuedLookAt = this.queuedLook(watch);
		} else {
			watch.queuedPolls = 0;
			if (watch.startedBy === undefined) {
				watch.startedBy = now;
				watch.likelyStart = this.guessStart(watch, task, now);
			} else if (startWasSeen(watch)) {
				this.durations.stillRunningAfter(now - watch.startedAfter);
			}
			watch.seenRunningAt = now;
		}
		if (now >= watch.deadline) this.settle(watch, { kind: 'maxWaitReached', task });
	}

	/** When a job whose start nobody saw began: from its progress if possible, else between two looks at it. */
	private guessStart(watch: Watch, task: Task, now: number): number {
		const expected = this.durations.expectedMs();
		const progress = task.progress ?? 0;
		if (expected !== undefined && progress > 0 && progress < 100) return now - (progress / 100) * expected;
		return (Math.max(watch.startedAfter, watch.target.startedAt) + now) / 2;
	}

	/**
	 * Sets when a task is looked at next: a running job when it is expected to have ended (never sooner than one
	 * Poll Interval after the last look, nor than one after acceptance), a job that may still be queued late, as a
	 * job ending ahead of it brings it forward; never past Max Wait.
	 */
	private plan(watch: Watch): void {
		const interval = watch.target.wait.pollIntervalMs;
		const { lastPollAt, likelyStart, target } = watch;
		let next: number;
		if (target.pollImmediately && lastPollAt === undefined) {
			next = target.startedAt;
		} else {
			const floor = Math.max((lastPollAt ?? target.startedAt) + interval, target.startedAt + interval);
			const aim = this.durations.aimMs(interval * SEARCH_STEP_INTERVALS);
			if (likelyStart === undefined) next = Math.max(floor, watch.queuedLookAt ?? floor);
			else if (aim === undefined) next = floor;
			else next = Math.max(floor, likelyStart + aim + POLL_MARGIN_MS);
		}
		watch.nextPollAt = Math.min(next, watch.deadline);
	}

	/**
	 * A task that may wait in the account's queue cannot end before the jobs ahead of it, and the hand-over in
	 * learnFromEnd() gives it a start when one ends; this look only covers a LinkrAPI that does not start queued
	 * jobs in order. With a learned job time it comes when the jobs ahead should all have run, else it backs off.
	 */
	private queuedLook(watch: Watch): number {
		const interval = watch.target.wait.pollIntervalMs;
		const lookedAt = watch.lastPollAt ?? watch.target.startedAt;
		const expected = this.durations.expectedMs();
		if (expected !== undefined) {
			const ahead = this.watches.filter(
				(other) => !other.target.pollImmediately && other.target.startedAt < watch.target.startedAt,
			).length;
			const wavesAhead = Math.ceil(Math.max(0, ahead - ASSUMED_CONCURRENT_JOBS + 1) / ASSUMED_CONCURRENT_JOBS);
			const untilEnd = (wavesAhead + 1) * (expected + POLL_MARGIN_MS);
			return lookedAt + Math.max(interval, Math.min(MAX_QUEUED_LOOK_MS, untilEnd));
		}
		if (watch.lastPollAt === undefined) return lookedAt + Math.max(interval, MAX_QUEUED_BACKOFF_MS);
		return lookedAt + Math.min(interval * 2 ** Math.min(watch.queuedPolls - 1, 4), MAX_QUEUED_BACKOFF_MS);
	}

	/**
	 * A job was found ended. If its start was seen, it ran at most until now, which teaches the job time. The
	 * account has had a free slot since it ended, so the oldest task that may be queued started then: most likely
	 * one job time after this job began, but not before the last look that saw it running, nor after now.
	 */
	private learnFromEnd(watch: Watch, task: Task, now: number): void {
		if (startWasSeen(watch) && task.status.toLowerCase() === 'completed') {
			this.durations.finishedWithin(now - watch.startedAfter);
		}
		const queued = this.watches
			.filter((other) => other.likelyStart === undefined && !other.target.pollImmediately)
			.sort((a, b) => a.target.startedAt - b.target.startedAt)[0];
		if (!queued) return;
		const expected = this.durations.expectedMs();
		const likelyEnd = expected !== undefined && watch.likelyStart !== undefined ? watch.likelyStart + expected : now;
		queued.startedBy = now;
		queued.likelyStart = Math.max(queued.startedAfter, watch.seenRunningAt ?? -Infinity, Math.min(likelyEnd, now));
	}
}
