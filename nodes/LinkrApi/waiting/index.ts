/**
 * Waiting's one door: how the node waits for Midjourney (Poll Until Finished; the item any waiting ends in). Its other
 * files are imported from here only (eslint.config.mjs enforces it); waiting's own tests may open them.
 */
export { forgetJobDurations, jobTimesFor, type HoldJobTimes } from './job-duration-estimate';
export { outcomeItem } from './outcome-item';
export { Polling, type SettledListener } from './polling';
export {
	DEFAULT_MAX_WAIT_MIN,
	DEFAULT_POLL_INTERVAL_S,
	MAX_WAIT_MIN,
	POLL_INTERVAL_S,
	toWaitOptions,
	type WaitMode,
	type WaitOptions,
	type WaitParameters,
} from './wait-options';
export type { TaskToWaitFor } from './watch';
