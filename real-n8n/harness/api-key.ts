import { randomBytes } from 'node:crypto';

/**
 * A fresh LinkrAPI key of the real shape (`lkr_` + 32 hex), for a simulator run of its own: no concurrency slot or
 * request budget carries over from another run, and a leaked key points at the run that made it.
 */
export function newApiKey(): string {
	return `lkr_${randomBytes(16).toString('hex')}`;
}

/** Fresh keys, one per name, whose last four characters differ: what the simulator's masked records tell apart. */
export function newApiKeys<N extends string>(names: readonly N[]): Record<N, string> {
	const keys = {} as Record<N, string>;
	const tails = new Set<string>();
	for (const name of names) {
		let key = newApiKey();
		while (tails.has(key.slice(-4))) key = newApiKey();
		tails.add(key.slice(-4));
		keys[name] = key;
	}
	return keys;
}
