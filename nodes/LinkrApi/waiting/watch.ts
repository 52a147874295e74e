/** What the watcher, its poll schedule and the job-time learning share: the tasks and what is known of each. */
import type { IDataObject } from 'n8n-workflow';

import type { JobKind } from '../../shared/buttons/midjourney-buttons';
import type { DownloadOptions } from '../../shared/task-item';
import type { Task } from '../../shared/transport';
import type { WaitOptions } from './wait-options';

/**
 * A task an item waits for (Poll Until Finished, Pause Until Callback) and all its item is built from once the
 * waiting ends: one record from the operation that submitted the task to the item it outputs.
 */
export interface TaskToWaitFor {
	taskId: string;
	itemIndex: number;
	wait: WaitOptions;
	requestsPerSecond: number;
	/** Epoch ms at which LinkrAPI accepted the task (for a Fetch: when waiting for it began) */
	acceptedAt: number;
	/** Poll at once (Fetch) instead of when the job can first have ended (Imagine, Action) */
	pollImmediately?: boolean;
	/** The kind of job, when known at submission; a Fetch learns it from the task's `action` */
	jobKind?: JobKind;
	/** The images the item gets once the task has ended */
	download: DownloadOptions;
	/** Fields the operation adds to whatever the item outputs, e.g. final_prompt */
	itemFields: IDataObject;
	/** The hold of the node's hold pool that runs the task; unset with the one-hold credential */
	hold?: string;
}

export type WaitOutcome =
	| { kind: 'ended'; task: Task }
	| { kind: 'maxWaitReached'; task?: Task }
	| { kind: 'error'; error: Error };

/** A progress report of a running job, kept until the job ends and its run time is known. */
export interface ProgressSeen {
	progress: number;
	/** Time since the job's likely start */
	elapsedMs: number;
}

/** What the watcher knows of one task: what the poll schedule reads, and only TaskWatch writes. */
export interface WatchFacts {
	target: TaskToWaitFor;
	jobKind?: JobKind;
	deadline: number;
	nextPollAt: number;
	lastPollAt?: number;
	lastTask?: Task;
	/**
	 * The task may have been running since this moment: from then on it is polled at least every Poll Interval.
	 * Undefined while it surely waits in the account's queue behind jobs of this watcher that have not ended.
	 */
	mayRunSince?: number;
	/** While it surely waits in the queue: when to poll it anyway (set when it was accepted or last seen queued) */
	queuedRecheckAt?: number;
	/** Nothing ahead of it is known to be queued, yet enough jobs have not ended that it may be: poll it at once */
	probe?: boolean;
	/** The job began running at or after this: acceptance, or the last poll that saw it queued */
	startedAfter: number;
	/** The job began running at or before this; undefined while it may still wait in the account's queue */
	startedBy?: number;
	/** Best guess of when the job began running, between the two bounds */
	likelyStart?: number;
	/** The last poll that found the job not yet ended (queued or running); the job ended after it */
	notEndedAt?: number;
	/** The longest the job had surely run when a poll last found it running */
	ranAtLeastMs?: number;
	/** The first poll that found the job running at 100 % progress (drawn, maybe uploading) */
	fullProgressAt?: number;
	/** The last two progress reports between 0 and 100 %, and when they came: how fast this job progresses */
	recentProgress: ReadonlyArray<{ at: number; progress: number }>;
	/** Progress reports of this job, to calibrate what progress says about the end */
	progressSeen: readonly ProgressSeen[];
}

/** Surely waiting in the account's queue, so it need not be polled every Poll Interval. */
export function surelyQueued(watch: Readonly<WatchFacts>): boolean {
	return watch.mayRunSince === undefined;
}
