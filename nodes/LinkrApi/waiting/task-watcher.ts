import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask, isEnded, isFailure, type Task } from '../../shared/transport';
import { cancellableSleep } from '../../shared/cancellable-sleep';
import { ChangeSignal } from '../../shared/change-signal';
import { cancelledError } from '../../shared/node-errors';
import type { WaitOptions } from './wait-options';
import type { HoldJobTimes } from './job-duration-estimate';
import {
	ASSUMED_CONCURRENT_JOBS,
	guessStart,
	kindOf,
	nextPollAt,
	predictedEndAt,
	queuedRecheckAt,
	startBehind,
	startIsKnown,
} from './poll-schedule';
import { TaskWatch, type Accepted } from './task-watch';
import { surelyQueued, type TaskToWaitFor, type WaitOutcome } from './watch';

export function isFailedOutcome(outcome: WaitOutcome, onTimeout: WaitOptions['onTimeout']): boolean {
	if (outcome.kind === 'error') return true;
	if (outcome.kind === 'maxWaitReached') return onTimeout === 'error';
	return isFailure(outcome.task.state);
}

/** A job whose run time is known within this fraction teaches what its progress reports meant. */
const PROGRESS_LEARNING_SPREAD = 0.15;

/** The most useful poll first: the earliest due, and on a tie the task that has waited longest. */
function mostUrgent(watches: TaskWatch[]): TaskWatch {
	return watches.reduce((best, watch) => {
		const { nextPollAt: due, target } = watch.facts;
		const { nextPollAt: bestDue, target: bestTarget } = best.facts;
		return due < bestDue || (due === bestDue && target.acceptedAt < bestTarget.acceptedAt) ? watch : best;
	});
}

/**
 * Waits on many tasks in one loop, while the router is still submitting more, so a batch takes about as long as the
 * Midjourney account needs to run it. When it polls each task is poll-schedule.ts; here are the loop, the polls
 * (each through the credential's request budget) and what they teach. All tasks of one watcher run on one hold
 * (the node's credential, or one hold of its pool).
 */
export class TaskWatcher {
	/** In the order LinkrAPI accepted them, which is the order a hold's queue starts them in */
	private watches: TaskWatch[] = [];

	private readonly outcomes = new Map<TaskToWaitFor, WaitOutcome>();

	private closed = false;

	private stopped = false;

	private readonly changes = new ChangeSignal();

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly times: HoldJobTimes,
		/** Ends all waiting early, e.g. at the first failure when the node does not continue on fail */
		private readonly stopWhen: (outcome: WaitOutcome, target: TaskToWaitFor) => boolean,
		/** Told of every task the moment its waiting ends (a hold pool frees the job's slot) */
		private readonly onSettled: (target: TaskToWaitFor, outcome: WaitOutcome) => void = () => undefined,
	) {}

	get stoppedEarly(): boolean {
		return this.stopped;
	}

	add(target: TaskToWaitFor): void {
		const watch = new TaskWatch(target, this.acceptedAs(target));
		this.watches.push(watch);
		if (surelyQueued(watch.facts)) this.planRecheck(watch);
		watch.schedule(nextPollAt(watch.facts, this.times));
		this.changes.notify();
	}

	/** How a task just accepted stands, from the jobs of this watcher ahead of it. */
	private acceptedAs(target: TaskToWaitFor): Accepted {
		if (target.pollImmediately) return 'fetched';
		const submitted = this.watches.filter((other) => !other.facts.target.pollImmediately);
		if (submitted.some((other) => surelyQueued(other.facts))) return 'queued';
		return submitted.length < ASSUMED_CONCURRENT_JOBS ? 'started' : 'mayHaveQueued';
	}

	/** No more tasks will be added: run() returns once the added ones are settled. */
	close(): void {
		this.closed = true;
		this.changes.notify();
	}

	stop(): void {
		this.stopped = true;
		this.changes.notify();
	}

	async run(): Promise<Map<TaskToWaitFor, WaitOutcome>> {
		const signal = this.context.getExecutionCancelSignal();
		while (!this.stopped) {
			if (this.watches.length === 0) {
				if (this.closed) break;
				await this.changes.next;
				continue;
			}
			const watch = mostUrgent(this.watches);
			const delay = watch.facts.nextPollAt - Date.now();
			if (delay > 0) {
				await this.sleepUnlessChanged(delay, signal);
				continue;
			}
			await this.poll(watch, signal);
			// What the poll taught moves the other polls too.
			this.releaseQueuedWithNothingAhead();
			for (const other of this.watches) other.schedule(nextPollAt(other.facts, this.times));
		}
		return this.outcomes;
	}

	/** A task added meanwhile may be due sooner than the one being waited for. */
	private async sleepUnlessChanged(delay: number, signal: AbortSignal | undefined): Promise<void> {
		const sleeping = cancellableSleep(delay, signal);
		sleeping.catch(() => undefined);
		await Promise.race([sleeping, this.changes.next]);
	}

	private settle(watch: TaskWatch, outcome: WaitOutcome): void {
		const { target } = watch.facts;
		this.outcomes.set(target, outcome);
		this.watches = this.watches.filter((other) => other !== watch);
		this.onSettled(target, outcome);
		if (this.stopWhen(outcome, target)) this.stopped = true;
	}

	private async poll(watch: TaskWatch, signal: AbortSignal | undefined): Promise<void> {
		const { target, deadline } = watch.facts;
		let task: Task;
		try {
			task = await fetchTask(this.context, target.taskId, {
				itemIndex: target.itemIndex,
				requestsPerSecond: target.requestsPerSecond,
				deadline,
				hold: target.hold,
			});
		} catch (error) {
			if (signal?.aborted) throw cancelledError(this.context.getNode());
			this.settle(watch, { kind: 'error', error: error as Error });
			return;
		}
		const now = Date.now();
		const predictedEnd = predictedEndAt(watch.facts, this.times);
		watch.polled(task, now);

		if (isEnded(task.state)) {
			this.learnFromEnd(watch, task, now);
			this.settle(watch, { kind: 'ended', task });
			this.handOverSlot(watch, predictedEnd, now);
			return;
		}
		if (task.state === 'queued') {
			watch.seenQueued(now, this.notEndedAhead(watch));
			if (surelyQueued(watch.facts)) this.planRecheck(watch);
		} else {
			this.seenRunning(watch, task, now);
		}
		if (now >= deadline) this.settle(watch, { kind: 'maxWaitReached', task });
	}

	private planRecheck(watch: TaskWatch): void {
		const ahead = this.watches.slice(0, this.watches.indexOf(watch));
		const queuedAhead = ahead.filter((other) => surelyQueued(other.facts)).length;
		watch.planRecheck(queuedRecheckAt(watch.facts, this.times, queuedAhead));
	}

	/** A job whose start is known closely teaches, while it runs, that its kind runs at least this long. */
	private seenRunning(watch: TaskWatch, task: Task, now: number): void {
		const progress = task.progress ?? 0;
		watch.seenRunning(progress, now, () => guessStart(watch.facts, progress, this.times, now));
		if (!startIsKnown(watch.facts, this.times)) return;
		this.times.learning(kindOf(watch.facts)).stillRunningAfter(watch.ranFromKnownStart(progress, now));
	}

	/** Submitted before this one and not known to have ended: a job this one queues behind. */
	private notEndedAhead(watch: TaskWatch): boolean {
		if (watch.facts.target.pollImmediately) return false;
		const index = this.watches.indexOf(watch);
		return this.watches.slice(0, index).some((other) => !other.facts.target.pollImmediately);
	}

	/** A task that waited behind jobs that are no longer watched (they failed or reached Max Wait) may now run. */
	private releaseQueuedWithNothingAhead(): void {
		for (const watch of this.watches) {
			if (surelyQueued(watch.facts) && !this.notEndedAhead(watch)) {
				watch.mayRunFrom(watch.facts.lastPollAt ?? watch.facts.target.acceptedAt);
			}
		}
	}

	/**
	 * A job was found ended. If its start is known, it ran at most until now, which teaches the job time, and its
	 * progress reports teach what progress says about the time left.
	 */
	private learnFromEnd(watch: TaskWatch, task: Task, now: number): void {
		const { facts } = watch;
		if (task.state !== 'completed' || !startIsKnown(facts, this.times)) return;
		const estimate = this.times.learning(kindOf(facts));
		const upper = now - facts.startedAfter;
		estimate.endedWithin(upper);
		const lower = Math.max(facts.ranAtLeastMs ?? 0, 0);
		// Only a run time known closely says where in the run each progress report came.
		if (upper - lower > PROGRESS_LEARNING_SPREAD * upper) return;
		const runMs = (lower + upper) / 2;
		for (const seen of facts.progressSeen) estimate.progressAt(seen.progress, Math.min(1, seen.elapsedMs / runMs));
	}

	/**
	 * The account has had a free slot since the job ended, so the oldest task that surely waited in the queue started
	 * then: it may be running since the last poll that found the ended job not ended.
	 */
	private handOverSlot(ended: TaskWatch, endedPredictedAt: number | undefined, now: number): void {
		const next = this.watches.find(({ facts }) => surelyQueued(facts) && !facts.target.pollImmediately);
		if (!next) return;
		const endedAfter = ended.facts.notEndedAt ?? ended.facts.target.acceptedAt;
		// Another job ahead may have ended unseen since its last poll and started it even sooner.
		const ahead = this.watches.slice(0, this.watches.indexOf(next)).filter(({ facts }) => !surelyQueued(facts));
		const earliestEnd = Math.min(endedAfter, ...ahead.map(({ facts }) => facts.notEndedAt ?? facts.target.acceptedAt));
		const mayRunSince = Math.max(next.facts.lastPollAt ?? next.facts.target.acceptedAt, earliestEnd);
		next.startedBehindEndedJob(endedAfter, mayRunSince, now, (started) =>
			startBehind(ended.facts, started, endedPredictedAt, now),
		);
	}
}
