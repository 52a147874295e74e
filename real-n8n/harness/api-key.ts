import { randomBytes } from 'node:crypto';

/**
 * A fresh LinkrAPI key of the real shape (`lkr_` + 32 hex), for a simulator run of its own: no concurrency slot or
 * request budget carries over from another run, and a leaked key points at the run that made it.
 */
export function newApiKey(): string {
	return `lkr_${randomBytes(16).toString('hex')}`;
}
