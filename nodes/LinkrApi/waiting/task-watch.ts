import { jobKindOf } from '../../shared/buttons/midjourney-buttons';
import type { Task } from '../../shared/transport';
import type { TaskToWaitFor, WatchFacts } from './watch';

/** How a task stands when the watcher begins to watch it, as far as the jobs ahead of it tell. */
export type Accepted =
	/** A Fetch: a task of any age, which may have started, queued or ended long ago */
	| 'fetched'
	/** Fewer jobs than a hold runs at once were ahead of it: it started when LinkrAPI accepted it */
	| 'started'
	/** As many jobs were ahead of it as a hold runs at once: it may have queued */
	| 'mayHaveQueued'
	/** Behind a task that surely waits in the queue: it waits too (a hold starts its queue in order) */
	| 'queued';

/**
 * The record of one watched task: what the watcher learned of it, changed only by what happened to it. The watcher
 * decides (poll-schedule.ts is its policy); this records.
 */
export class TaskWatch {
	private state: WatchFacts;

	constructor(target: TaskToWaitFor, accepted: Accepted) {
		this.state = {
			target,
			jobKind: target.jobKind,
			deadline: target.acceptedAt + target.wait.maxWaitMs,
			nextPollAt: target.acceptedAt,
			startedAfter: accepted === 'fetched' ? -Infinity : target.acceptedAt,
			recentProgress: [],
			progressSeen: [],
		};
		if (accepted !== 'queued') this.state.mayRunSince = target.acceptedAt;
		if (accepted === 'started') {
			this.state.startedBy = target.acceptedAt;
			this.state.likelyStart = target.acceptedAt;
		}
		if (accepted === 'mayHaveQueued') this.state.probe = true;
	}

	/** What is known of the task, for the poll schedule and the watcher to read. */
	get facts(): Readonly<WatchFacts> {
		return this.state;
	}

	/** The next poll is due at `at`. */
	schedule(at: number): void {
		this.state.nextPollAt = at;
	}

	/** While it surely waits in the queue: poll it anyway at `at`. */
	planRecheck(at: number): void {
		this.state.queuedRecheckAt = at;
	}

	/** A poll answered `task`; the task's `action` tells the kind of job when the submission did not. */
	polled(task: Task, now: number): void {
		this.state.lastPollAt = now;
		this.state.lastTask = task;
		this.state.jobKind ??= jobKindOf(task.action);
	}

	/**
	 * A poll found it queued: it starts after now, and what its earlier run seemed to say is void. Behind jobs of
	 * this watcher not known to have ended it surely waits; otherwise it may start any moment.
	 */
	seenQueued(now: number, behindJobsNotEnded: boolean): void {
		this.state = {
			...this.state,
			notEndedAt: now,
			startedAfter: now,
			startedBy: undefined,
			likelyStart: undefined,
			ranAtLeastMs: undefined,
			fullProgressAt: undefined,
			recentProgress: [],
			progressSeen: [],
			mayRunSince: behindJobsNotEnded ? undefined : now,
		};
	}

	/** A poll found it running at `progress`: it started by now, when `guessStart` says if nobody saw it start. */
	seenRunning(progress: number, now: number, guessStart: () => number): void {
		this.state.notEndedAt = now;
		if (this.state.startedBy === undefined) {
			this.state.startedBy = now;
			this.state.likelyStart = guessStart();
		}
		this.state.mayRunSince ??= now;
		if (progress >= 100) this.state.fullProgressAt ??= now;
		if (progress > 0 && progress < 100) {
			this.state.recentProgress = [...this.state.recentProgress, { at: now, progress }].slice(-2);
		}
	}

	/**
	 * Running, with its start known closely: it has surely run since it started by, and `progress` came this far
	 * after its likely start. Returns how long it has surely run.
	 */
	ranFromKnownStart(progress: number, now: number): number {
		const ranAtLeastMs = now - (this.state.startedBy as number);
		this.state.ranAtLeastMs = ranAtLeastMs;
		if (progress > 0 && progress < 100) {
			const elapsedMs = now - (this.state.likelyStart as number);
			this.state.progressSeen = [...this.state.progressSeen, { progress, elapsedMs }];
		}
		return ranAtLeastMs;
	}

	/** The jobs it queued behind are no longer watched (they failed or reached Max Wait): it may run from `at`. */
	mayRunFrom(at: number): void {
		this.state.mayRunSince = at;
	}

	/**
	 * The job ahead of it ended after `endedAfter` and was found ended now, freeing the slot it waited for: it started
	 * in between, when `guessStart` says from these bounds, and may run since `mayRunSince`.
	 */
	startedBehindEndedJob(
		endedAfter: number,
		mayRunSince: number,
		now: number,
		guessStart: (started: Readonly<WatchFacts>) => number,
	): void {
		this.state.mayRunSince = mayRunSince;
		this.state.startedAfter = Math.max(this.state.startedAfter, endedAfter);
		this.state.startedBy = now;
		this.state.likelyStart = guessStart(this.state);
	}
}
