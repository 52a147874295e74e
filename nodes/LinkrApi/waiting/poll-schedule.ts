/**
 * When the watcher polls each task: the polling policy in one place (README "Waiting for the result"). Pure
 * functions of what is known of a task and of the learned job times.
 *
 * The floor is a plain poller: a task that may be running is polled at least every Poll Interval. Learning only
 * adds a poll, or moves one earlier, to just after the job's predicted end. Only a task that surely waits in the
 * account's queue, behind jobs of this execution that have not ended, is polled less often.
 */
import type { JobKind } from '../../shared/buttons/midjourney-buttons';
import { fractionAt, fractionAtFullProgress, type HoldJobTimes, type ProgressLine } from './job-duration-estimate';
import { surelyQueued, type WatchFacts } from './watch';

/** Jobs most Midjourney plans run at once; a task accepted behind this many jobs not ended may have queued. */
export const ASSUMED_CONCURRENT_JOBS = 3;
/** Polls aimed at a job's predicted end come this long after it, so it has surely ended. */
export const POLL_MARGIN_MS = 300;
/** An aimed poll comes at least this long after the last poll of the task. */
export const MIN_POLL_GAP_MS = 1000;
/**
 * A task that surely waits in the queue is still polled when the jobs ahead of it should have run, at least this
 * long and at most MAX_QUEUED_RECHECK_MS after it was last seen queued, in case LinkrAPI does not start queued
 * jobs in order, or jobs this execution does not watch (another workflow on the same hold) free a slot.
 */
export const QUEUED_RECHECK_MS = 30_000;
export const MAX_QUEUED_RECHECK_MS = 5 * 60_000;

/** Start bounds within this much of each other (or a quarter of the job time) teach the job time. */
const LEARNING_START_SPREAD_MS = 1500;

export function kindOf(watch: Readonly<WatchFacts>): JobKind {
	return watch.jobKind ?? 'grid';
}

/** The job's start is known closely enough for its polls to teach the job time. */
export function startIsKnown(watch: Readonly<WatchFacts>, times: HoldJobTimes): boolean {
	if (watch.startedBy === undefined) return false;
	const spread = Math.max(LEARNING_START_SPREAD_MS, times.likelyRunMs(kindOf(watch)) / 4);
	return watch.startedBy - watch.startedAfter <= spread;
}

/**
 * When a running job will likely end: from how fast its progress grew between its last two reports, else from
 * its last progress report and its likely start, else from the learned job time of its hold and kind; undefined
 * when none of these is known.
 */
export function predictedEndAt(watch: Readonly<WatchFacts>, times: HoldJobTimes): number | undefined {
	const { likelyStart, lastTask, lastPollAt } = watch;
	if (likelyStart === undefined) return undefined;
	const kind = kindOf(watch);
	const aim = times.aimMs(kind);
	const learnedEnd = aim === undefined ? undefined : likelyStart + aim;
	if (lastTask?.state === 'running' && lastPollAt !== undefined) {
		const line = times.progressLine(kind);
		const progress = lastTask.progress ?? 0;
		if (progress >= 100 && watch.fullProgressAt !== undefined) {
			// Done drawing, maybe uploading: it ends by the time the rest of the run (as learned) has passed, or when
			// jobs of its kind usually end if that is later — unless this job drew much faster than they ran, and
			// what was learned is out of date (uploading never takes as long again as drawing).
			const untilFull = Math.max(0, watch.fullProgressAt - likelyStart);
			const end = likelyStart + untilFull / fractionAtFullProgress(line);
			const usual = learnedEnd !== undefined && learnedEnd - likelyStart <= 2 * untilFull ? learnedEnd : -Infinity;
			return Math.max(end, watch.fullProgressAt + MIN_POLL_GAP_MS - POLL_MARGIN_MS, usual);
		}
		const fromRate = endFromProgressRate(watch, line);
		if (fromRate !== undefined) return fromRate;
		const fraction = fractionAt(line, progress);
		if (fraction !== undefined && lastPollAt > likelyStart) return likelyStart + (lastPollAt - likelyStart) / fraction;
	}
	return learnedEnd;
}

/** Two progress reports of one job tell its pace, whenever it started. */
function endFromProgressRate(watch: Readonly<WatchFacts>, line: ProgressLine): number | undefined {
	if (watch.recentProgress.length < 2) return undefined;
	const [earlier, later] = watch.recentProgress.slice(-2);
	const from = fractionAt(line, earlier.progress) as number;
	const to = fractionAt(line, later.progress) as number;
	if (to <= from) return undefined;
	const runMs = (later.at - earlier.at) / (to - from);
	return later.at + (1 - to) * runMs;
}

/**
 * When a task is polled next. A Fetch at once; a task that may have queued behind jobs not ended at once, to
 * learn which it is. A task that may be running: one Poll Interval after the later of its last poll and the moment
 * it may have started, or just after its predicted end if that comes sooner. A task that surely waits in the
 * queue: when a job ahead of it ends (the watcher then sets when it may have started), at the latest after
 * QUEUED_RECHECK_MS. Never past Max Wait.
 */
export function nextPollAt(watch: Readonly<WatchFacts>, times: HoldJobTimes): number {
	const { target, lastPollAt } = watch;
	if (lastPollAt === undefined && (target.pollImmediately || watch.probe)) {
		return Math.min(target.acceptedAt, watch.deadline);
	}
	const polledOrAccepted = lastPollAt ?? target.acceptedAt;
	if (surelyQueued(watch))
		return Math.min(watch.queuedRecheckAt ?? polledOrAccepted + QUEUED_RECHECK_MS, watch.deadline);

	const mayRunSince = watch.mayRunSince as number;
	let next = Math.max(lastPollAt ?? -Infinity, mayRunSince) + target.wait.pollIntervalMs;
	const end = predictedEndAt(watch, times);
	// A poll that came before the predicted end aims again, a gap later at the soonest; one that came after it and
	// found the job running says the prediction missed, and waits the Poll Interval.
	if (end !== undefined && end + POLL_MARGIN_MS > polledOrAccepted) {
		next = Math.min(next, Math.max(end + POLL_MARGIN_MS, polledOrAccepted + MIN_POLL_GAP_MS));
	}
	return Math.min(next, watch.deadline);
}

/**
 * When to poll a task that surely waits in the queue with `queuedAhead` surely queued tasks before it: when the
 * account, running ASSUMED_CONCURRENT_JOBS at once, should have started it, within the bounds above.
 */
export function queuedRecheckAt(watch: Readonly<WatchFacts>, times: HoldJobTimes, queuedAhead: number): number {
	const waves = 1 + Math.floor(queuedAhead / ASSUMED_CONCURRENT_JOBS);
	const wait = waves * times.likelyRunMs(kindOf(watch));
	const polledOrAccepted = watch.lastPollAt ?? watch.target.acceptedAt;
	return polledOrAccepted + Math.min(MAX_QUEUED_RECHECK_MS, Math.max(QUEUED_RECHECK_MS, wait));
}

/**
 * When a job whose start nobody saw began: from its progress and the likely job time if possible, else halfway
 * between the last poll that found it queued (or its acceptance) and now.
 */
export function guessStart(watch: Readonly<WatchFacts>, progress: number, times: HoldJobTimes, now: number): number {
	const kind = kindOf(watch);
	const runMs = times.likelyRunMs(kind);
	const after = Math.max(watch.startedAfter, watch.target.acceptedAt);
	const fraction = fractionAt(times.progressLine(kind), progress);
	if (fraction !== undefined) return Math.min(now, Math.max(after, now - fraction * runMs));
	return (after + now) / 2;
}

/**
 * When a queued task started, given that the job ahead of it was just (`now`) found ended: when that job was
 * predicted to end, but not before the last poll that found it not ended, nor after now.
 */
export function startBehind(
	ended: Readonly<WatchFacts>,
	queued: Readonly<WatchFacts>,
	endedPredictedAt: number | undefined,
	now: number,
): number {
	const after = Math.max(queued.startedAfter, ended.notEndedAt ?? -Infinity);
	return Math.min(now, Math.max(after, endedPredictedAt ?? now));
}
