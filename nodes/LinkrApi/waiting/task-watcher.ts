import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask } from '../../shared/transport/endpoints';
import { cancellableSleep } from '../../shared/cancellable-sleep';
import { cancelledError } from '../../shared/cancellation';
import type { Task } from '../../shared/transport/api-types';
import type { WaitOptions } from './wait-options';
import type { JobDurationEstimate } from './job-duration-estimate';
import {
	ASSUMED_CONCURRENT_JOBS,
	guessStart,
	nextLookAt,
	queuedLookAt,
	startBehind,
	startWasSeen,
	type Watch,
} from './look-schedule';
import { isEnded, isFailure } from '../../shared/transport/task-status';

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

export function isFailedOutcome(outcome: WaitOutcome, onTimeout: WaitOptions['onTimeout']): boolean {
	if (outcome.kind === 'error') return true;
	if (outcome.kind === 'maxWaitReached') return onTimeout === 'error';
	return isFailure(outcome.task.state);
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
 * Midjourney account needs to run it. When it looks at each task is look-schedule.ts; here are the loop, the polls
 * (each through the credential's request budget) and what they teach.
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
		watch.nextPollAt = nextLookAt(watch, this.durations);
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
			// What the poll taught moves the other looks too.
			for (const other of this.watches) other.nextPollAt = nextLookAt(other, this.durations);
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

		if (isEnded(task.state)) {
			this.learnFromEnd(watch, task, now);
			this.settle(watch, { kind: 'finished', task });
			return;
		}
		if (task.state === 'queued') {
			watch.queuedPolls++;
			watch.startedAfter = now;
			watch.startedBy = undefined;
			watch.likelyStart = undefined;
			watch.queuedLookAt = this.queuedLook(watch);
		} else {
			watch.queuedPolls = 0;
			if (watch.startedBy === undefined) {
				watch.startedBy = now;
				watch.likelyStart = guessStart(watch, task, this.durations, now);
			} else if (startWasSeen(watch)) {
				this.durations.stillRunningAfter(now - watch.startedAfter);
			}
			watch.seenRunningAt = now;
		}
		if (now >= watch.deadline) this.settle(watch, { kind: 'maxWaitReached', task });
	}

	private queuedLook(watch: Watch): number {
		const ahead = this.watches.filter(
			(other) => !other.target.pollImmediately && other.target.startedAt < watch.target.startedAt,
		).length;
		return queuedLookAt(watch, this.durations, ahead);
	}

	/**
	 * A job was found ended. If its start was seen, it ran at most until now, which teaches the job time. The
	 * account has had a free slot since it ended, so the oldest task that may be queued started then.
	 */
	private learnFromEnd(watch: Watch, task: Task, now: number): void {
		if (startWasSeen(watch) && task.state === 'completed') {
			this.durations.finishedWithin(now - watch.startedAfter);
		}
		const queued = this.watches
			.filter((other) => other.likelyStart === undefined && !other.target.pollImmediately)
			.sort((a, b) => a.target.startedAt - b.target.startedAt)[0];
		if (!queued) return;
		queued.startedBy = now;
		queued.likelyStart = startBehind(watch, queued, this.durations, now);
	}
}
