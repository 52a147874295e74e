/**
 * Holds: each API key is one Discord/Midjourney account with its own slots, queue, speed and faults (contract §1,
 * §8 "Several holds"). A key's settings are its `holds` entry, field by field falling back to the global options.
 */
import type { FaultRule, HoldMode, HoldSettings, RuntimeConfig, TaskFaultRule } from './options';

/**
 * Run-time factor of a hold by its mode when neither `speed` nor `keySpeeds` sets one. Midjourney documents no exact
 * ratio: relax queues jobs behind paying fast users (taken as 3× as long), turbo runs on faster GPUs (taken as half).
 */
export const MODE_SPEEDS: Readonly<Record<HoldMode, number>> = { fast: 1, relax: 3, turbo: 0.5 };

/** Pro and Mega plans run 12 fast jobs at once (Basic and Standard 3): `/v1/info` names the plan by the slots. */
export const PRO_PLAN_CONCURRENCY = 12;

/** `detail` of a submit refused because the hold's queue is full (the simulator's wording: LinkrAPI shows none). */
export const QUEUE_FULL_DETAIL =
	'Job queue is full: this hold already has as many jobs waiting as it allows. Submit again when one of its jobs has finished.';

/** A key's effective settings. */
export interface Hold {
	concurrency: number;
	/** null: no limit. */
	queueLimit: number | null;
	mode: HoldMode;
	speed: number;
	submitFaults: FaultRule | null;
	fetchFaults: FaultRule | null;
	infoFaults: FaultRule | null;
	taskFaults: TaskFaultRule | null;
}

export type HoldConfig = Pick<RuntimeConfig, 'concurrency' | 'queueLimit' | 'keySpeeds' | 'holds'>;

/** Run-time factor of a key: its hold's `speed`, else `keySpeeds[key]`, else by its mode. */
export function holdSpeed(
	config: Pick<HoldConfig, 'keySpeeds'> & { holds?: HoldConfig['holds'] },
	key: string,
): number {
	const settings: HoldSettings = config.holds?.[key] ?? {};
	return settings.speed ?? config.keySpeeds[key] ?? MODE_SPEEDS[settings.mode ?? 'fast'];
}

export function holdOf(config: HoldConfig, key: string): Hold {
	const settings: HoldSettings = config.holds[key] ?? {};
	return {
		concurrency: settings.concurrency ?? config.concurrency,
		queueLimit: settings.queueLimit ?? config.queueLimit,
		mode: settings.mode ?? 'fast',
		speed: holdSpeed(config, key),
		submitFaults: settings.submitFaults ?? null,
		fetchFaults: settings.fetchFaults ?? null,
		infoFaults: settings.infoFaults ?? null,
		taskFaults: settings.taskFaults ?? null,
	};
}

/** Keys the API accepts: those of `keys` and every key with hold settings. */
export function acceptedKeys(config: Pick<RuntimeConfig, 'keys' | 'holds'>): string[] {
	return [...new Set([...config.keys, ...Object.keys(config.holds)])];
}
