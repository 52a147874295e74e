const MAX_IDEMPOTENT_RETRIES = 4;
const MAX_SIDE_EFFECT_RETRIES = 2;
const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30000;
const MAX_RETRY_AFTER_MS = 60000;

/** Network error codes where the request surely never reached LinkrAPI, so a POST cannot have created a task. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Plain reads may be repeated freely; calls that start a job or a Discord command may not. */
export type RetryClass = 'idempotent' | 'sideEffect';

export function maxRetries(retryClass: RetryClass): number {
	return retryClass === 'idempotent' ? MAX_IDEMPOTENT_RETRIES : MAX_SIDE_EFFECT_RETRIES;
}

/**
 * Reads are retried on 429, 5xx and network errors. A POST may already have started a Midjourney job (LinkrAPI has
 * no idempotency key), and /info sends a real Discord command, so those are retried only on 429 or when the
 * connection was refused.
 */
export function isRetryableStatus(retryClass: RetryClass, statusCode: number): boolean {
	if (statusCode === 429) return true;
	return retryClass === 'idempotent' && statusCode >= 500;
}

export function isRetryableNetworkError(retryClass: RetryClass, code: string | undefined): boolean {
	if (retryClass === 'idempotent') return true;
	return code !== undefined && NOT_SENT_CODES.has(code);
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
	const date = Date.parse(String(text));
	if (Number.isNaN(date)) return undefined;
	return Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
}

/** Exponential back-off with ±25 % jitter, so parallel items do not retry in lockstep. */
export function backoffDelay(attempt: number, retryAfterMs?: number, random = Math.random): number {
	if (retryAfterMs !== undefined) return retryAfterMs;
	const exponential = Math.min(BASE_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS);
	return Math.round(exponential * (0.75 + random() * 0.5));
}
