import {
	backoffDelay,
	isRetryableNetworkError,
	isRetryableStatus,
	maxRetries,
	parseRetryAfter,
} from '../../../../nodes/shared/transport/retry-policy';

describe('retry policy', () => {
	it('retries reads on 429 and 5xx, calls with side effects only on 429', () => {
		expect(isRetryableStatus('idempotent', 429)).toBe(true);
		expect(isRetryableStatus('idempotent', 503)).toBe(true);
		expect(isRetryableStatus('idempotent', 404)).toBe(false);
		expect(isRetryableStatus('sideEffect', 429)).toBe(true);
		expect(isRetryableStatus('sideEffect', 502)).toBe(false);
	});

	it('retries a call with side effects only when the request surely never arrived', () => {
		expect(isRetryableNetworkError('idempotent', 'ECONNRESET')).toBe(true);
		expect(isRetryableNetworkError('sideEffect', 'ECONNREFUSED')).toBe(true);
		expect(isRetryableNetworkError('sideEffect', 'ECONNRESET')).toBe(false);
		expect(isRetryableNetworkError('sideEffect', 'ETIMEDOUT')).toBe(false);
		expect(isRetryableNetworkError('sideEffect', undefined)).toBe(false);
		expect(maxRetries('idempotent')).toBeGreaterThan(maxRetries('sideEffect'));
	});

	it('reads Retry-After as seconds or an HTTP date, capped at a minute', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter(['2'], now)).toBe(2000);
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
		expect(parseRetryAfter('3600', now)).toBe(60000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});

	it('backs off exponentially with jitter, capped, and follows Retry-After when given', () => {
		expect(backoffDelay(0, undefined, () => 0)).toBe(750);
		expect(backoffDelay(0, undefined, () => 1)).toBe(1250);
		expect(backoffDelay(2, undefined, () => 0.5)).toBe(4000);
		expect(backoffDelay(10, undefined, () => 0.5)).toBe(30000);
		expect(backoffDelay(3, 1500)).toBe(1500);
	});
});
