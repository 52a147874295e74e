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

/** Task outcomes also reachable per prompt with the `[[fail]]`, `[[fail:subscribe]]`, … tokens. */
export type TaskOutcome = 'fail' | 'fail:subscribe' | 'timeout' | 'stuck' | 'unknown-status';

/** Give every Nth new task (imagine or action) a faulty outcome without a prompt token. */
export interface TaskFaultRule {
	outcome: TaskOutcome;
	every?: number;
	times?: number;
}

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
export type RuntimeConfig = Required<Omit<SimulatorOptions, 'port' | 'cdnPort' | 'host' | 'clock'>>;

export const DEFAULTS: RuntimeConfig = {
	keys: [DEFAULT_KEY],
	taskDurationMs: 6000,
	concurrency: 3,
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
	outcome: z.enum(['fail', 'fail:subscribe', 'timeout', 'stuck', 'unknown-status']),
	every: Count.optional(),
	times: Count.optional(),
});

/** Validates a partial runtime configuration (library `configure` and `POST /__sim/config`). */
export const ConfigPatch = z.strictObject({
	keys: z.array(z.string().min(1)).min(1).optional(),
	taskDurationMs: Millis.optional(),
	concurrency: Count.optional(),
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

/** Checks a patch and returns only the runtime fields; throws on startup-only or invalid fields. */
export function parseConfigPatch(patch: Partial<SimulatorOptions>): Partial<RuntimeConfig> {
	const fixed = STARTUP_ONLY.filter((name) => name in patch);
	if (fixed.length > 0) throw new Error(`${fixed.join(', ')} can only be set when the simulator starts`);
	const result = ConfigPatch.safeParse(patch);
	if (!result.success) throw new Error(`Invalid simulator configuration: ${z.prettifyError(result.error)}`);
	return result.data as Partial<RuntimeConfig>;
}
