import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { forLog } from './redact';

/** One hold of a pool: a Discord account with Midjourney, its LinkrAPI key, and how many jobs it may be given. */
export interface Hold {
	name: string;
	apiKey: string;
	/** Jobs Midjourney runs at once on this account: 3 on Basic and Standard fast, 12 on Pro and Mega */
	jobsAtOnce: number;
	/** Jobs allowed to wait in this account's own queue beyond those running */
	jobsWaiting: number;
}

export const JOBS_AT_ONCE = { min: 1, max: 15, default: 3 } as const;
export const JOBS_WAITING = { min: 0, max: 50, default: 0 } as const;

const KEY_PREFIX = 'lkr_';

/** A pool that cannot be used, named by the credential field that is wrong. */
export class InvalidHoldPoolError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'InvalidHoldPoolError';
	}
}

function entriesOf(credentials: ICredentialDataDecryptedObject): Array<Record<string, unknown>> {
	const holds = credentials.holds as { hold?: unknown } | undefined;
	return Array.isArray(holds?.hold) ? (holds.hold as Array<Record<string, unknown>>) : [];
}

function wholeNumber(value: unknown, fallback: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	return Number.isInteger(number) ? number : NaN;
}

function checkedHold(entry: Record<string, unknown>, position: number, seen: Set<string>): Hold {
	const name = typeof entry.name === 'string' ? entry.name.trim() : '';
	const label = name ? `Hold "${forLog(name, 60).slice(1, -1)}"` : `Hold ${position}`;
	if (!name) {
		throw new InvalidHoldPoolError(
			'Name',
			`${label} of the hold pool has no Name`,
			'Give every hold a name of its own: outputs say which hold ran each task by it.',
		);
	}
	const key = name.toLowerCase();
	if (seen.has(key)) {
		throw new InvalidHoldPoolError(
			'Name',
			`Two holds of the hold pool are named "${forLog(name, 60).slice(1, -1)}"`,
			'Give every hold a name of its own (names are compared without case): outputs and the Hold field tell holds apart by it.',
		);
	}
	seen.add(key);
	const apiKey = typeof entry.apiKey === 'string' ? entry.apiKey.trim() : '';
	if (!apiKey.startsWith(KEY_PREFIX)) {
		throw new InvalidHoldPoolError(
			'API Key',
			`The API Key of ${label} does not start with ${KEY_PREFIX}`,
			'Paste the key shown on the hold card in the LinkrAPI dashboard: lkr_ followed by 32 characters.',
		);
	}
	const jobsAtOnce = wholeNumber(entry.jobsAtOnce, JOBS_AT_ONCE.default);
	if (!(jobsAtOnce >= JOBS_AT_ONCE.min && jobsAtOnce <= JOBS_AT_ONCE.max)) {
		throw new InvalidHoldPoolError(
			'Jobs at Once',
			`Jobs at Once of ${label} must be a whole number from ${JOBS_AT_ONCE.min} to ${JOBS_AT_ONCE.max}`,
			'Midjourney runs 3 fast jobs at once on Basic and Standard plans, 12 on Pro and Mega.',
		);
	}
	const jobsWaiting = wholeNumber(entry.jobsWaiting, JOBS_WAITING.default);
	if (!(jobsWaiting >= JOBS_WAITING.min && jobsWaiting <= JOBS_WAITING.max)) {
		throw new InvalidHoldPoolError(
			'Jobs Allowed to Wait',
			`Jobs Allowed to Wait of ${label} must be a whole number from ${JOBS_WAITING.min} to ${JOBS_WAITING.max}`,
			"Jobs beyond Jobs at Once wait in the Midjourney account's own queue; 0 keeps them in n8n until a hold has a free slot.",
		);
	}
	return { name, apiKey, jobsAtOnce, jobsWaiting };
}

/** The holds of a pool credential, each checked before any request: names given and unique, keys lkr_…, numbers in range. */
export function holdsOfPool(credentials: ICredentialDataDecryptedObject): Hold[] {
	const entries = entriesOf(credentials);
	if (entries.length === 0) {
		throw new InvalidHoldPoolError(
			'Holds',
			'The hold pool has no holds',
			'Add a hold (a name and its API key) for every LinkrAPI hold the pool may use.',
		);
	}
	const seen = new Set<string>();
	return entries.map((entry, index) => checkedHold(entry, index + 1, seen));
}

/** The hold of that name (compared without case), if the pool has it. */
export function holdNamed(holds: Hold[], name: string): Hold | undefined {
	const wanted = name.trim().toLowerCase();
	return holds.find((hold) => hold.name.toLowerCase() === wanted);
}

/** The node parameter that picks the credential, in both nodes: one hold (default, as before) or a hold pool. */
export const HOLD_SOURCE = { name: 'authentication', oneHold: 'oneHold', holdPool: 'holdPool' } as const;

/**
 * The request header in which the nodes name the hold a request is for. The pool credential's `authenticate` reads
 * it, puts that hold's key into `Authorization` and removes it: it never leaves n8n.
 */
export const HOLD_HEADER = 'x-linkrapi-hold';
