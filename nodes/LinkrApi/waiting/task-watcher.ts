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
import { jobKindOf, surelyQueued, type TaskToWaitFor, type Watch, type WaitOutcome } from './watch';

export function isFailedOutcome(outcome: WaitOutcome, onTimeout: WaitOptions['onTimeout']): boolean {
	if (outcome.kind === 'error') return true;
	if (outcome.kind === 'maxWaitReached') return onTimeout === 'error';
	return isFailure(outcome.task.state);
}

/** A job whose run time is known within this fraction teaches what its progress reports meant. */
const PROGRESS_LEARNING_SPREAD = 0.15;

/** The most useful poll first: the earliest due, and on a tie the task that has waited longest. */
function mostUrgent(watches: Watch[]): Watch {
	return watches.reduce((best, watch) =>
		watch.nextPollAt < best.nextPollAt ||
		(watch.nextPollAt === best.nextPollAt && watch.target.acceptedAt < best.target.acceptedAt)
			? watch
			: best,
	);
}

/**
 * Waits on many tasks in one loop, while the router is still submitting more, so a batch takes about as long as the
 * Midjourney account needs to run it. When it polls each task is poll-schedule.ts; here are the loop, the polls
 * (each through the credential's request budget) and what they teach. All tasks of one watcher run on one hold
 * (the node's credential, or one hold of its pool).
 */
export class TaskWatcher {
	/** In the order LinkrAPI accepted them, which is the order a hold's queue starts them in */
	private watches: Watch[] = [];

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
		const submitted = this.watches.filter((other) => !other.target.pollImmediately);
		const watch: Watch = {
			target,
			jobKind: target.jobKind,
			deadline: target.acceptedAt + target.wait.maxWaitMs,
			nextPollAt: target.acceptedAt,
			startedAfter: target.pollImmediately ? -Infinity : target.acceptedAt,
			recentProgress: [],
			progressSeen: [],
		};
		if (target.pollImmediately) {
			watch.mayRunSince = target.acceptedAt;
		} else if (!submitted.some(surelyQueued)) {
			// Behind a task that surely waits, it waits too (a hold starts its queue in order): leave it unset.
			watch.mayRunSince = target.acceptedAt;
			if (submitted.length < ASSUMED_CONCURRENT_JOBS) {
				watch.startedBy = target.acceptedAt;
				watch.likelyStart = target.acceptedAt;
			} else {
				watch.probe = true;
			}
		}
		this.watches.push(watch);
		if (surelyQueued(watch)) this.planRecheck(watch);
		watch.nextPollAt = nextPollAt(watch, this.times);
		this.changes.notify();
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
			const delay = watch.nextPollAt - Date.now();
			if (delay > 0) {
				await this.sleepUnlessChanged(delay, signal);
				continue;
			}
			await this.poll(watch, signal);
			// What the poll taught moves the other polls too.
			this.releaseQueuedWithNothingAhead();
			for (const other of this.watches) other.nextPollAt = nextPollAt(other, this.times);
		}
		return this.outcomes;
	}

	/** A task added meanwhile may be due sooner than the one being waited for. */
	private async sleepUnlessChanged(delay: number, signal: AbortSignal | undefined): Promise<void> {
		const sleeping = cancellableSleep(delay, signal);
		sleeping.catch(() => undefined);
		await Promise.race([sleeping, this.changes.next]);
	}

	private settle(watch: Watch, outcome: WaitOutcome): void {
		this.outcomes.set(watch.target, outcome);
		this.watches = this.watches.filter((other) => other !== watch);
		this.onSettled(watch.target, outcome);
		if (this.stopWhen(outcome, watch.target)) this.stopped = true;
	}

	private async poll(watch: Watch, signal: AbortSignal | undefined): Promise<void> {
		let task: Task;
		try {
			task = await fetchTask(this.context, watch.target.taskId, {
				itemIndex: watch.target.itemIndex,
				requestsPerSecond: watch.target.requestsPerSecond,
				deadline: watch.deadline,
				hold: watch.target.hold,
			});
		} catch (error) {
			if (signal?.aborted) throw cancelledError(this.context.getNode());
			this.settle(watch, { kind: 'error', error: error as Error });
			return;
		}
		const now = Date.now();
		const predictedEnd = predictedEndAt(watch, this.times);
		watch.lastPollAt = now;
		watch.lastTask = task;
		watch.jobKind ??= jobKindOf(task.action);

		if (isEnded(task.state)) {
			this.learnFromEnd(watch, task, now);
			this.settle(watch, { kind: 'ended', task });
			this.handOverSlot(watch, predictedEnd, now);
			return;
		}
		watch.notEndedAt = now;
		if (task.state === 'queued') this.seenQueued(watch, now);
		else this.seenRunning(watch, task, now);
		if (now >= watch.deadline) this.settle(watch, { kind: 'maxWaitReached', task });
	}

	private seenQueued(watch: Watch, now: number): void {
		watch.startedAfter = now;
		watch.startedBy = undefined;
		watch.likelyStart = undefined;
		watch.ranAtLeastMs = undefined;
		watch.fullProgressAt = undefined;
		watch.recentProgress = [];
		watch.progressSeen = [];
		watch.mayRunSince = this.notEndedAhead(watch) ? undefined : now;
		if (surelyQueued(watch)) this.planRecheck(watch);
	}

	private planRecheck(watch: Watch): void {
		const queuedAhead = this.watches.slice(0, this.watches.indexOf(watch)).filter(surelyQueued).length;
		watch.queuedRecheckAt = queuedRecheckAt(watch, this.times, queuedAhead);
	}

	private seenRunning(watch: Watch, task: Task, now: number): void {
		const progress = task.progress ?? 0;
		if (watch.startedBy === undefined) {
			watch.startedBy = now;
			watch.likelyStart = guessStart(watch, progress, this.times, now);
		}
		watch.mayRunSince ??= now;
		if (progress >= 100) watch.fullProgressAt ??= now;
		if (progress > 0 && progress < 100)
			watch.recentProgress = [...watch.recentProgress, { at: now, progress }].slice(-2);
		if (!startIsKnown(watch, this.times)) return;
		watch.ranAtLeastMs = now - watch.startedBy;
		this.times.learning(kindOf(watch)).stillRunningAfter(watch.ranAtLeastMs);
		if (progress > 0 && progress < 100) {
			watch.progressSeen.push({ progress, elapsedMs: now - (watch.likelyStart as number) });
		}
	}

	/** Submitted before this one and not known to have ended: a job this one queues behind. */
	private notEndedAhead(watch: Watch): boolean {
		if (watch.target.pollImmediately) return false;
		const index = this.watches.indexOf(watch);
		return this.watches.slice(0, index).some((other) => !other.target.pollImmediately);
	}

	/** A task that waited behind jobs that are no longer watched (they failed or reached Max Wait) may now run. */
	private releaseQueuedWithNothingAhead(): void {
		for (const watch of this.watches) {
			if (surelyQueued(watch) && !this.notEndedAhead(watch)) {
				watch.mayRunSince = watch.lastPollAt ?? watch.target.acceptedAt;
			}
		}
	}

	/**
	 * A job was found ended. If its start is known, it ran at most until now, which teaches the job time, and its
	 * progress reports teach what progress says about the time left.
	 */
	private learnFromEnd(watch: Watch, task: Task, now: number): void {
		if (task.state !== 'completed' || !startIsKnown(watch, this.times)) return;
		const estimate = this.times.learning(kindOf(watch));
		const upper = now - watch.startedAfter;
		estimate.endedWithin(upper);
		const lower = Math.max(watch.ranAtLeastMs ?? 0, 0);
		// Only a run time known closely says where in the run each progress report came.
		if (upper - lower > PROGRESS_LEARNING_SPREAD * upper) return;
		const runMs = (lower + upper) / 2;
		for (const seen of watch.progressSeen) estimate.progressAt(seen.progress, Math.min(1, seen.elapsedMs / runMs));
	}

	/**
	 * The account has had a free slot since the job ended, so the oldest task that surely waited in the queue started
	 * then: it may be running since the last poll that found the ended job not ended.
	 */
	private handOverSlot(ended: Watch, endedPredictedAt: number | undefined, now: number): void {
		const next = this.watches.find((other) => surelyQueued(other) && !other.target.pollImmediately);
		if (!next) return;
		const endedAfter = ended.notEndedAt ?? ended.target.acceptedAt;
		// Another job ahead may have ended unseen since its last poll and started it even sooner.
		const ahead = this.watches.slice(0, this.watches.indexOf(next)).filter((other) => !surelyQueued(other));
		const earliestEnd = Math.min(endedAfter, ...ahead.map((other) => other.notEndedAt ?? other.target.acceptedAt));
		next.mayRunSince = Math.max(next.lastPollAt ?? next.target.acceptedAt, earliestEnd);
		next.startedAfter = Math.max(next.startedAfter, endedAfter);
		next.startedBy = now;
		next.likelyStart = startBehind(ended, next, endedPredictedAt, now);
	}
}
