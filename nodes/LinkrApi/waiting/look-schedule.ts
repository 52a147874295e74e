/**
 * When the watcher looks at each task: the polling policy in one place (README "Waiting for the result").
 * Pure functions of what is known of a task and of the learned job time.
 */
import type { Task } from '../../shared/transport/api-types';
import type { JobDurationEstimate } from './job-duration-estimate';
import type { TaskToWaitFor } from './task-watcher';

/** Jobs most Midjourney plans run at once; a task accepted behind this many unfinished ones may have queued. */
export const ASSUMED_CONCURRENT_JOBS = 3;
/** Looks aim this long after a job's expected end, so it has surely ended. */
const LOOK_MARGIN_MS = 300;
/** Before any job was seen finishing, each look searches this many Poll Intervals past the longest run seen. */
const SEARCH_STEP_INTERVALS = 0.1;
/** Before any job time is learned, a task that may be queued is looked at less and less often, up to this gap. */
const MAX_QUEUED_BACKOFF_MS = 30000;
/** With a learned job time, a task waiting for its turn is still looked at this often. */
const MAX_QUEUED_LOOK_MS = 5 * 60_000;

/** What the watcher knows of one task. */
export interface Watch {
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

/** The job's start is known to within a look margin: it began running as LinkrAPI accepted it. */
export function startWasSeen(watch: Watch): boolean {
	return watch.startedBy !== undefined && watch.startedBy - watch.startedAfter <= LOOK_MARGIN_MS;
}

/**
 * When a task is looked at next: a running job when it is expected to have ended (never sooner than one Poll
 * Interval after the last look, nor than one after acceptance), a job that may still be queued at its queued look,
 * unless a job ending ahead of it gives it a start first; never past Max Wait.
 */
export function nextLookAt(watch: Watch, durations: JobDurationEstimate): number {
	const { lastPollAt, likelyStart, target } = watch;
	if (target.pollImmediately && lastPollAt === undefined) return Math.min(target.startedAt, watch.deadline);
	const interval = target.wait.pollIntervalMs;
	const floor = Math.max((lastPollAt ?? target.startedAt) + interval, target.startedAt + interval);
	const aim = durations.aimMs(interval * SEARCH_STEP_INTERVALS);
	let next = floor;
	if (likelyStart === undefined) next = Math.max(floor, watch.queuedLookAt ?? floor);
	else if (aim !== undefined) next = Math.max(floor, likelyStart + aim + LOOK_MARGIN_MS);
	return Math.min(next, watch.deadline);
}

/**
 * A task that may wait in the account's queue cannot end before the jobs ahead of it, and a job found ended gives
 * it a start (startBehind); this look only covers a LinkrAPI that does not start queued jobs in order. With a
 * learned job time it comes when the `tasksAhead` should all have run, else it backs off.
 */
export function queuedLookAt(watch: Watch, durations: JobDurationEstimate, tasksAhead: number): number {
	const interval = watch.target.wait.pollIntervalMs;
	const lookedAt = watch.lastPollAt ?? watch.target.startedAt;
	const expected = durations.expectedMs();
	if (expected !== undefined) {
		const wavesAhead = Math.ceil(Math.max(0, tasksAhead - ASSUMED_CONCURRENT_JOBS + 1) / ASSUMED_CONCURRENT_JOBS);
		const untilEnd = (wavesAhead + 1) * (expected + LOOK_MARGIN_MS);
		return lookedAt + Math.max(interval, Math.min(MAX_QUEUED_LOOK_MS, untilEnd));
	}
	if (watch.lastPollAt === undefined) return lookedAt + Math.max(interval, MAX_QUEUED_BACKOFF_MS);
	return lookedAt + Math.min(interval * 2 ** Math.min(watch.queuedPolls - 1, 4), MAX_QUEUED_BACKOFF_MS);
}

/** When a job whose start nobody saw began: from its progress if possible, else between two looks at it. */
export function guessStart(watch: Watch, task: Task, durations: JobDurationEstimate, now: number): number {
	const expected = durations.expectedMs();
	const progress = task.progress ?? 0;
	if (expected !== undefined && progress > 0 && progress < 100) return now - (progress / 100) * expected;
	return (Math.max(watch.startedAfter, watch.target.startedAt) + now) / 2;
}

/**
 * When a queued task started, given that the job ahead of it was just (`now`) found ended: when that job most
 * likely ended, one job time after it began, but not before the last look that saw it running, nor after now.
 */
export function startBehind(ended: Watch, queued: Watch, durations: JobDurationEstimate, now: number): number {
	const expected = durations.expectedMs();
	const likelyEnd = expected !== undefined && ended.likelyStart !== undefined ? ended.likelyStart + expected : now;
	return Math.max(queued.startedAfter, ended.seenRunningAt ?? -Infinity, Math.min(likelyEnd, now));
}
