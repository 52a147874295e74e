import { timingSafeEqual } from 'crypto';

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(received: unknown, expected: string): boolean {
	if (typeof received !== 'string' || expected === '') return false;
	const a = Buffer.from(received);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
