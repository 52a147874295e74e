import { readNumber, type NumberRange } from '../../shared/number-range';

/** The Wait for Completion field: Poll Until Finished, Don't Wait, Pause Until Callback (values saved in workflows). */
export type WaitMode = 'poll' | 'none' | 'callback';

// n8n's lint reads a field's `default` only from a literal or a constant's name, so each default has its own.

/** The Poll Interval (Seconds) field; LinkrAPI recommends 5–10 seconds. */
export const DEFAULT_POLL_INTERVAL_S = 5;
export const POLL_INTERVAL_S: NumberRange = { min: 2, max: 300, default: DEFAULT_POLL_INTERVAL_S };

/** The Max Wait (Minutes) field: fast mode tasks end within 15 minutes, relax mode within 60. */
export const DEFAULT_MAX_WAIT_MIN = 15;
export const MAX_WAIT_MIN: NumberRange = { min: 0.05, max: 60, default: DEFAULT_MAX_WAIT_MIN };

export interface WaitOptions {
	pollIntervalMs: number;
	maxWaitMs: number;
	onTimeout: 'error' | 'output';
}

/** The waiting fields of an Options collection, as the UI names them. */
export interface WaitParameters {
	pollInterval?: unknown;
	maxWait?: unknown;
	onTimeout?: unknown;
}

/** The waiting settings of an Options collection, with the defaults and within the ranges the UI shows. */
export function toWaitOptions(raw: WaitParameters): WaitOptions {
	return {
		pollIntervalMs: readNumber(raw.pollInterval, POLL_INTERVAL_S) * 1000,
		maxWaitMs: readNumber(raw.maxWait, MAX_WAIT_MIN) * 60000,
		onTimeout: raw.onTimeout === 'output' ? 'output' : 'error',
	};
}
