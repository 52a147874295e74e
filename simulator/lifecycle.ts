/**
 * The status of a task as a pure function of time. A task waits in the queue until `startAt`, then runs for
 * `durationMs` through the phases below; faulty outcomes end early, never, or with another terminal status.
 */
import { ACCOUNT_FAILURES, type TaskOutcome, type Vocabulary } from './options';

export type Outcome = 'complete' | TaskOutcome;

export interface Schedule {
	startAt: number;
	durationMs: number;
	outcome: Outcome;
}

export interface TaskState {
	status: string;
	progress: number;
	terminal: boolean;
}

/** Phase boundaries in percent of the running time (new vocabulary); integers keep the arithmetic exact. */
const STARTING_AT = 10;
const PROCESSING_AT = 20;
const UPLOADING_AT = 80;
/** A failing task fails halfway through processing. */
const FAIL_AT = 50;
/** Midjourney turns an account away as soon as the command reaches it: when the task would be `starting`. */
const ACCOUNT_FAIL_AT = STARTING_AT;
/** Progress where timed-out and stuck tasks stall. */
export const STALLED_PROGRESS = 47;
/** The unlisted status that `[[unknown-status]]` tasks pass through instead of `uploading`. */
export const UNKNOWN_STATUS = 'moderating';

const OLD_NAMES: Record<string, string> = {
	queued: 'pending',
	sending: 'pending',
	starting: 'pending',
	uploading: 'processing',
};

/** Time the task spends running before its terminal status (Infinity: never ends). */
export function runningTime(outcome: Outcome, durationMs: number): number {
	if (outcome === 'stuck') return Infinity;
	if ((ACCOUNT_FAILURES as readonly string[]).includes(outcome)) return (durationMs * ACCOUNT_FAIL_AT) / 100;
	if (outcome === 'fail' || outcome === 'fail:subscribe') return (durationMs * FAIL_AT) / 100;
	return durationMs;
}

export function endAt(schedule: Schedule): number {
	return schedule.startAt + runningTime(schedule.outcome, schedule.durationMs);
}

function processingProgress(elapsed: number, durationMs: number, outcome: Outcome): number {
	const percent =
		durationMs > 0
			? (100 * (elapsed * 100 - durationMs * PROCESSING_AT)) / (durationMs * (UPLOADING_AT - PROCESSING_AT))
			: 100;
	const progress = Math.max(0, Math.min(99, Math.floor(percent)));
	return outcome === 'timeout' || outcome === 'stuck' ? Math.min(progress, STALLED_PROGRESS) : progress;
}

function terminalStatus(outcome: Outcome): string {
	if (outcome === 'complete' || outcome === 'unknown-status') return 'completed';
	if (outcome === 'timeout') return 'timeout';
	return 'failed';
}

function newVocabularyState({ startAt, durationMs, outcome }: Schedule, now: number): TaskState {
	if (now < startAt) return { status: 'queued', progress: 0, terminal: false };
	const elapsed = now - startAt;
	const running = runningTime(outcome, durationMs);
	if (elapsed >= running) {
		const status = terminalStatus(outcome);
		const progress = status === 'completed' ? 100 : processingProgress(running, durationMs, outcome);
		return { status, progress, terminal: true };
	}
	const percentElapsed = elapsed * 100;
	if (percentElapsed < durationMs * STARTING_AT) return { status: 'sending', progress: 0, terminal: false };
	if (percentElapsed < durationMs * PROCESSING_AT) return { status: 'starting', progress: 0, terminal: false };
	const stalls = outcome === 'timeout' || outcome === 'stuck';
	if (percentElapsed < durationMs * UPLOADING_AT || stalls) {
		return { status: 'processing', progress: processingProgress(elapsed, durationMs, outcome), terminal: false };
	}
	const status = outcome === 'unknown-status' ? UNKNOWN_STATUS : 'uploading';
	return { status, progress: 100, terminal: false };
}

export function stateAt(schedule: Schedule, now: number, vocabulary: Vocabulary): TaskState {
	const state = newVocabularyState(schedule, now);
	if (vocabulary === 'new') return state;
	return { ...state, status: OLD_NAMES[state.status] ?? state.status };
}
