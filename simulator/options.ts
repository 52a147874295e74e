/** Simulator options: defaults, the runtime-changeable subset, and its zod schema for `POST /__sim/config`. */
import { z } from 'zod';

/** The simulator's fixed default bearer key, shaped like a real one (`lkr_` + 32 lowercase hex): `lkr_000…0c0ffee`. */
export const DEFAULT_KEY = `lkr_${'0'.repeat(26)}c0ffee`;

export type Vocabulary = 'new' | 'old';

/** How an injected fault answers one request. Rules count the requests they see; see `every` and `times`. */
export interface FaultRule {
	/** Answer this HTTP status instead of the real response (JSON `{"detail": ...}` unless `html`). */
	status?: number;
	/** With `status`: answer an HTML error page (`text/html`), like a proxy in front of the API. */
	html?: boolean;
	/** `Retry-After` header in seconds; defaults to 1 for status 429, absent otherwise. */
	retryAfterSeconds?: number;
	/** Delay the answer (the real one, or the injected error) by this many ms. */
	slowMs?: number;
	/** Destroy the connection without answering. */
	drop?: boolean;
	/** Act on every Nth request this rule sees (1 = every request). Default 1. */
	every?: number;
	/** Act at most this many times, then let requests through. Default unlimited. */
	times?: number;
}

/**
 * Task outcomes that fail because of the hold's Midjourney or Discord account, not the prompt (contract §4, documented
 * rejection causes): the subscription is inactive, the Discord account is banned, or restricted.
 */
export const ACCOUNT_FAILURES = [
	'fail:subscription-inactive',
	'fail:account-banned',
	'fail:account-restricted',
] as const;
export type AccountFailure = (typeof ACCOUNT_FAILURES)[number];

/** Task outcomes also reachable per prompt with the `[[fail]]`, `[[fail:subscribe]]`, … tokens. */
export const TASK_OUTCOMES = [
	'fail',
	'fail:subscribe',
	...ACCOUNT_FAILURES,
	'timeout',
	'stuck',
	'unknown-status',
] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** Give every Nth new task (imagine or action) a faulty outcome without a prompt token. */
export interface TaskFaultRule {
	outcome: TaskOutcome;
	every?: number;
	times?: number;
}

/** The Midjourney job mode of a hold's account, as `/v1/info` reports it. */
export type HoldMode = 'fast' | 'relax' | 'turbo';

/**
 * One key's own settings: a hold is one Discord/Midjourney account with its own slots, queue and speed (contract §8,
 * "Several holds"). A field left out falls back to the option of the same name (`concurrency`, `queueLimit`, …).
 */
export interface HoldSettings {
	/** Jobs running at once (3 on Basic/Standard, 12 on Pro/Mega); default `concurrency`. */
	concurrency?: number;
	/** Jobs allowed to wait beyond the running ones; a submit beyond that is refused. Default `queueLimit`. */
	queueLimit?: number;
	/** Shown by `/v1/info`; a relax hold runs 3× and a turbo hold 0.5× as long unless `speed` says otherwise. */
	mode?: HoldMode;
	/** Factor on every run time of this hold; default `keySpeeds[key]`, else by `mode`. */
	speed?: number;
	/** Faults of this hold's `POST /imagine` and `POST /action`, after authentication (e.g. `{ status: 403 }`). */
	submitFaults?: FaultRule;
	/** Faults of this hold's `GET /fetch`, after authentication. */
	fetchFaults?: FaultRule;
	/** Faults of this hold's `GET /info`, after authentication. */
	infoFaults?: FaultRule;
	/** Faulty outcomes of this hold's new tasks, e.g. `{ outcome: 'fail:account-banned', times: 2 }`. */
	taskFaults?: TaskFaultRule;
}

/** A change of one hold's settings: a field set to null goes back to the global option. */
export type HoldPatch = { [Field in keyof HoldSettings]?: HoldSettings[Field] | null };

export interface SimulatorOptions {
	/** API port, default 0 (a free port). */
	port?: number;
	/** CDN port, default 0 (a free port). */
	cdnPort?: number;
	host?: string;
	/** Valid bearer keys; default [DEFAULT_KEY]. */
	keys?: string[];
	/** Running time of one task once it leaves the queue; default 6000. */
	taskDurationMs?: number;
	/** Running tasks per key (Midjourney-like concurrency); default 3. */
	concurrency?: number;
	/** Tasks allowed to wait per key beyond the running ones; a submit beyond that answers 429. Default null: no limit. */
	queueLimit?: number | null;
	/**
	 * Per key, its own settings; each key named here is accepted too. Changed at runtime, the patch is merged per key and
	 * per field; a key set to null loses its settings (and, unless in `keys`, its access).
	 */
	holds?: Record<string, HoldPatch | null>;
	vocabulary?: Vocabulary;
	/** Delay of `GET /v1/info` (a real Discord command takes 5–15 s); default 0. */
	infoDelayMs?: number;
	/** Delays before each webhook retry; attempts = 1 + length. Default [200, 1000, 3000]. */
	webhookRetryDelaysMs?: number[];
	/** Per-attempt webhook timeout; default 5000. */
	webhookTimeoutMs?: number;
	/** Copies of each callback sent at once, each retried on its own (a sender that delivers twice); default 1. */
	webhookCopies?: number;
	/** Faults for `POST /v1/imagine` and `POST /v1/action`. */
	submitFaults?: FaultRule | null;
	/** Faults for `GET /v1/fetch/{id}`. */
	fetchFaults?: FaultRule | null;
	/** Faults for `GET /v1/info`. */
	infoFaults?: FaultRule | null;
	/** Faulty outcomes for new tasks. */
	taskFaults?: TaskFaultRule | null;
	/** Median running time of single-image jobs (upscales); null (default) = `taskDurationMs`. */
	upscaleDurationMs?: number | null;
	/** Log-normal spread of run times: standard deviation of ln(run time); default 0 (every job the median). */
	durationSpread?: number;
	/** Per API key, a factor on every run time (e.g. 3 for a relax hold); default {}. */
	keySpeeds?: Record<string, number>;
	/** Seed of the run-time draws (default 1); the same seed gives the same run times after each reset. */
	seed?: number;
	/** Clock in ms since epoch; tests pass a manual clock to make the lifecycle exact. Not runtime-changeable. */
	clock?: () => number;
}

/** Options that `configure()` and `POST /__sim/config` may change while running. */
export type RuntimeConfig = Required<Omit<SimulatorOptions, 'port' | 'cdnPort' | 'host' | 'clock' | 'holds'>> & {
	holds: Record<string, HoldSettings>;
};

export const DEFAULTS: RuntimeConfig = {
	keys: [DEFAULT_KEY],
	taskDurationMs: 6000,
	concurrency: 3,
	queueLimit: null,
	holds: {},
	vocabulary: 'new',
	infoDelayMs: 0,
	webhookRetryDelaysMs: [200, 1000, 3000],
	webhookTimeoutMs: 5000,
	webhookCopies: 1,
	submitFaults: null,
	fetchFaults: null,
	infoFaults: null,
	taskFaults: null,
	upscaleDurationMs: null,
	durationSpread: 0,
	keySpeeds: {},
	seed: 1,
};

const Count = z.number().int().positive();
const Millis = z.number().int().nonnegative();

const FaultRuleSchema = z.strictObject({
	status: z.number().int().min(400).max(599).optional(),
	html: z.boolean().optional(),
	retryAfterSeconds: z.number().int().nonnegative().optional(),
	slowMs: Millis.optional(),
	drop: z.boolean().optional(),
	every: Count.optional(),
	times: Count.optional(),
});

const TaskFaultRuleSchema = z.strictObject({
	outcome: z.enum(TASK_OUTCOMES),
	every: Count.optional(),
	times: Count.optional(),
});

const HoldPatchSchema = z.strictObject({
	concurrency: Count.nullable().optional(),
	queueLimit: z.number().int().nonnegative().nullable().optional(),
	mode: z.enum(['fast', 'relax', 'turbo']).nullable().optional(),
	speed: z.number().positive().nullable().optional(),
	submitFaults: FaultRuleSchema.nullable().optional(),
	fetchFaults: FaultRuleSchema.nullable().optional(),
	infoFaults: FaultRuleSchema.nullable().optional(),
	taskFaults: TaskFaultRuleSchema.nullable().optional(),
});

/** Validates a partial runtime configuration (library `configure` and `POST /__sim/config`). */
export const ConfigPatch = z.strictObject({
	keys: z.array(z.string().min(1)).min(1).optional(),
	taskDurationMs: Millis.optional(),
	concurrency: Count.optional(),
	queueLimit: z.number().int().nonnegative().nullable().optional(),
	holds: z.record(z.string().min(1), HoldPatchSchema.nullable()).optional(),
	vocabulary: z.enum(['new', 'old']).optional(),
	infoDelayMs: Millis.optional(),
	webhookRetryDelaysMs: z.array(Millis).optional(),
	webhookTimeoutMs: Count.optional(),
	webhookCopies: Count.optional(),
	submitFaults: FaultRuleSchema.nullable().optional(),
	fetchFaults: FaultRuleSchema.nullable().optional(),
	infoFaults: FaultRuleSchema.nullable().optional(),
	taskFaults: TaskFaultRuleSchema.nullable().optional(),
	upscaleDurationMs: Millis.nullable().optional(),
	durationSpread: z.number().nonnegative().max(2).optional(),
	keySpeeds: z.record(z.string().min(1), z.number().positive()).optional(),
	seed: z.number().int().optional(),
});

const STARTUP_ONLY: ReadonlyArray<keyof SimulatorOptions> = ['port', 'cdnPort', 'host', 'clock'];

/** The runtime part of start-up options (everything but ports, host and clock). */
export function runtimeOptions(options: SimulatorOptions): Partial<SimulatorOptions> {
	return Object.fromEntries(
		Object.entries(options).filter(([name]) => !STARTUP_ONLY.includes(name as keyof SimulatorOptions)),
	);
}

/** A checked runtime patch: every field replaces the current one, but `holds` is merged per key and field. */
export type RuntimePatch = Partial<Omit<RuntimeConfig, 'holds'>> & { holds?: Record<string, HoldPatch | null> };

/** Merges a `holds` change: per key (null removes the key's settings), then per field (null removes the field). */
function mergeHolds(
	current: Record<string, HoldSettings>,
	patch: Record<string, HoldPatch | null>,
): Record<string, HoldSettings> {
	const merged = { ...current };
	for (const [key, change] of Object.entries(patch)) {
		if (change === null) {
			delete merged[key];
			continue;
		}
		const settings: Record<string, unknown> = { ...merged[key] };
		for (const [field, value] of Object.entries(change)) {
			if (value === null) delete settings[field];
			else settings[field] = value;
		}
		merged[key] = settings as HoldSettings;
	}
	return merged;
}

/**
 * The configuration after a checked patch. Untouched fields (fault rules above all) keep their identity, so their
 * `every`/`times` counters go on; a replaced rule starts counting afresh.
 */
export function applyPatch(config: RuntimeConfig, patch: RuntimePatch): RuntimeConfig {
	const { holds, ...rest } = patch;
	const next: RuntimeConfig = { ...config, ...rest, holds: holds ? mergeHolds(config.holds, holds) : config.holds };
	if (next.keys.length === 0 && Object.keys(next.holds).length === 0) {
		throw new Error('Invalid simulator configuration: no key left; keep at least one in keys or holds');
	}
	return next;
}

/** Start-up configuration: with `holds` and without `keys`, only the holds' keys are accepted (not DEFAULT_KEY). */
export function initialConfig(options: SimulatorOptions): RuntimeConfig {
	const onlyHolds = options.keys === undefined && Object.keys(options.holds ?? {}).length > 0;
	return applyPatch({ ...DEFAULTS, keys: onlyHolds ? [] : DEFAULTS.keys }, parseConfigPatch(runtimeOptions(options)));
}

/** Checks a patch and returns only the runtime fields; throws on startup-only or invalid fields. */
export function parseConfigPatch(patch: Partial<SimulatorOptions>): RuntimePatch {
	const fixed = STARTUP_ONLY.filter((name) => name in patch);
	if (fixed.length > 0) throw new Error(`${fixed.join(', ')} can only be set when the simulator starts`);
	const result = ConfigPatch.safeParse(patch);
	if (!result.success) throw new Error(`Invalid simulator configuration: ${z.prettifyError(result.error)}`);
	return result.data as RuntimePatch;
}
