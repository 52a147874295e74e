import { timingSafeEqual } from 'crypto';

/** Shorter secrets can be guessed or brute-forced against a public webhook URL. */
export const MIN_SECRET_LENGTH = 16;

export function isSecretLongEnough(secret: string): boolean {
	return secret.length >= MIN_SECRET_LENGTH;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(received: unknown, expected: string): boolean {
	if (typeof received !== 'string' || !isSecretLongEnough(expected)) return false;
	const a = Buffer.from(received);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}
