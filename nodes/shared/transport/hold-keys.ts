import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forLog } from '../for-log';
import type { ExecuteOrWebhookContext } from '../node-context';
import { asNodeError, InvalidFieldError } from '../node-errors';
import { isLoopbackBaseUrl, normaliseBaseUrl } from './key-destination';
import { budgetKey } from './request-budget';

/** One hold of a pool: a Discord account with Midjourney, its LinkrAPI key, and how many jobs it may be given. */
export interface Hold {
	name: string;
	apiKey: string;
	/** Its LinkrAPI, normalised */
	baseUrl: string;
	/** Who it is, whatever a pool calls it: a hash of its Base URL and key (what the process remembers it by) */
	id: string;
	/** Jobs Midjourney runs at once on this account: 3 on Basic and Standard fast, 12 on Pro and Mega */
	jobsAtOnce: number;
	/** Jobs allowed to wait in this account's own queue beyond those running */
	jobsWaiting: number;
}

export const JOBS_AT_ONCE = { min: 1, max: 15, default: 3 } as const;
export const JOBS_WAITING = { min: 0, max: 50, default: 0 } as const;

const KEY_PREFIX = 'lkr_';

function entriesOf(credentials: ICredentialDataDecryptedObject): Array<Record<string, unknown>> {
	const holds = credentials.holds as { hold?: unknown } | undefined;
	return Array.isArray(holds?.hold) ? (holds.hold as Array<Record<string, unknown>>) : [];
}

function wholeNumber(value: unknown, fallback: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	return Number.isInteger(number) ? number : NaN;
}

function checkedHold(entry: Record<string, unknown>, position: number, seen: Set<string>, baseUrl: string): Hold {
	const name = typeof entry.name === 'string' ? entry.name.trim() : '';
	const label = name ? `Hold "${forLog(name, 60).slice(1, -1)}"` : `Hold ${position}`;
	if (!name) {
		throw new InvalidFieldError(
			'Name',
			`${label} of the hold pool has no Name`,
			'Give every hold a name of its own: outputs say which hold ran each task by it.',
		);
	}
	const key = name.toLowerCase();
	if (seen.has(key)) {
		throw new InvalidFieldError(
			'Name',
			`Two holds of the hold pool are named "${forLog(name, 60).slice(1, -1)}"`,
			'Give every hold a name of its own (names are compared without case): outputs and the Hold field tell holds apart by it.',
		);
	}
	seen.add(key);
	const apiKey = typeof entry.apiKey === 'string' ? entry.apiKey.trim() : '';
	if (!apiKey.startsWith(KEY_PREFIX)) {
		throw new InvalidFieldError(
			'API Key',
			`The API Key of ${label} does not start with ${KEY_PREFIX}`,
			'Paste the key shown on the hold card in the LinkrAPI dashboard: lkr_ followed by 32 characters.',
		);
	}
	const jobsAtOnce = wholeNumber(entry.jobsAtOnce, JOBS_AT_ONCE.default);
	if (!(jobsAtOnce >= JOBS_AT_ONCE.min && jobsAtOnce <= JOBS_AT_ONCE.max)) {
		throw new InvalidFieldError(
			'Jobs at Once',
			`Jobs at Once of ${label} must be a whole number from ${JOBS_AT_ONCE.min} to ${JOBS_AT_ONCE.max}`,
			'Midjourney runs 3 fast jobs at once on Basic and Standard plans, 12 on Pro and Mega.',
		);
	}
	const jobsWaiting = wholeNumber(entry.jobsWaiting, JOBS_WAITING.default);
	if (!(jobsWaiting >= JOBS_WAITING.min && jobsWaiting <= JOBS_WAITING.max)) {
		throw new InvalidFieldError(
			'Jobs Allowed to Wait',
			`Jobs Allowed to Wait of ${label} must be a whole number from ${JOBS_WAITING.min} to ${JOBS_WAITING.max}`,
			"Jobs beyond Jobs at Once wait in the Midjourney account's own queue; 0 keeps them in n8n until a hold has a free slot.",
		);
	}
	return { name, apiKey, baseUrl, id: budgetKey(baseUrl, apiKey), jobsAtOnce, jobsWaiting };
}

/** The holds of a pool credential, each checked before any request: names given and unique, keys lkr_…, numbers in range. */
export function holdsOfPool(credentials: ICredentialDataDecryptedObject): Hold[] {
	const entries = entriesOf(credentials);
	if (entries.length === 0) {
		throw new InvalidFieldError(
			'Holds',
			'The hold pool has no holds',
			'Add a hold (a name and its API key) for every LinkrAPI hold the pool may use.',
		);
	}
	const seen = new Set<string>();
	const baseUrl = normaliseBaseUrl(credentials.baseUrl as string | undefined);
	return entries.map((entry, index) => checkedHold(entry, index + 1, seen, baseUrl));
}

/** The hold of that name (compared without case), if the pool has it. */
export function holdNamed(holds: Hold[], name: string): Hold | undefined {
	const wanted = name.trim().toLowerCase();
	return holds.find((hold) => hold.name.toLowerCase() === wanted);
}

/**
 * The request header in which the nodes name the hold a request is for. The pool credential's `authenticate` reads
 * it, puts that hold's key into `Authorization` and removes it: it never leaves n8n.
 */
export const HOLD_HEADER = 'x-linkrapi-hold';

const CREDENTIAL_NAME = 'linkrApi';
/** The credential of several holds; a request names which of them it is for. */
const POOL_CREDENTIAL_NAME = 'linkrApiHoldPoolApi';

/** What a request goes out with: which credential, and within a pool which hold (its key, for budget and redaction). */
export interface Sender {
	credentialType: string;
	baseUrl?: string;
	apiKey: string;
	hold?: string;
}

/**
 * What a node's credential says, read and checked once per n8n context (one node run, one webhook call): every
 * request and every choice of a hold in it reuses the same holds.
 */
const readOnce = new WeakMap<object, Map<string, Promise<unknown>>>();

async function once<T>(context: ExecuteOrWebhookContext, what: string, read: () => Promise<T>): Promise<T> {
	const reads = readOnce.get(context) ?? new Map<string, Promise<unknown>>();
	readOnce.set(context, reads);
	const earlier = reads.get(what) as Promise<T> | undefined;
	if (earlier) return await earlier;
	const reading = read();
	reads.set(what, reading);
	return await reading;
}

/** The holds of the node's hold pool, each checked (names, keys, numbers) before any request. */
export async function poolHolds(context: ExecuteOrWebhookContext, itemIndex = 0): Promise<Hold[]> {
	return await once(context, POOL_CREDENTIAL_NAME, async () => {
		const pool = await context.getCredentials(POOL_CREDENTIAL_NAME);
		try {
			return holdsOfPool(pool);
		} catch (error) {
			throw asNodeError(context.getNode(), error, itemIndex);
		}
	});
}

/** The one wording for a hold name the pool does not have (the Hold field, an input item's `hold`). */
export function unknownHoldError(node: INode, name: string, holds: Hold[], itemIndex: number): NodeOperationError {
	return new NodeOperationError(node, `The Hold ${forLog(name, 60)} is not a hold of the pool`, {
		itemIndex,
		description: `The Hold field, or the hold field of the input item, must name a hold of the LinkrAPI Hold Pool credential: ${holds.map((hold) => hold.name).join(', ')}.`,
	});
}

/** The node's one-hold credential, or the named hold of its hold pool, checked before anything is sent. */
export async function senderFor(
	context: ExecuteOrWebhookContext,
	hold: string | undefined,
	itemIndex: number,
): Promise<Sender> {
	if (hold === undefined) {
		return await once(context, CREDENTIAL_NAME, async () => {
			const credentials = await context.getCredentials<{ apiKey: string; baseUrl?: string }>(CREDENTIAL_NAME);
			return { credentialType: CREDENTIAL_NAME, baseUrl: credentials.baseUrl, apiKey: credentials.apiKey };
		});
	}
	const holds = await poolHolds(context, itemIndex);
	const found = holdNamed(holds, hold);
	if (!found) throw unknownHoldError(context.getNode(), hold, holds, itemIndex);
	return { credentialType: POOL_CREDENTIAL_NAME, baseUrl: found.baseUrl, apiKey: found.apiKey, hold: found.name };
}

/** The key and Base URL a call for this hold (or the one-hold credential) goes out with: for a keyed hash only. */
export async function holdCredentials(
	context: ExecuteOrWebhookContext,
	hold?: string,
): Promise<{ baseUrl?: string; apiKey: string; hold?: string }> {
	const { baseUrl, apiKey, hold: name } = await senderFor(context, hold, 0);
	return { baseUrl, apiKey, hold: name };
}

/** The budget (and learned job times) key of a hold: a hash of its Base URL and key, never the key itself. */
export async function holdBudgetKey(
	context: ExecuteOrWebhookContext,
	hold?: string,
): Promise<{ baseUrl: string; budgetKey: string }> {
	const sender = await senderFor(context, hold, 0);
	const baseUrl = normaliseBaseUrl(sender.baseUrl);
	return { baseUrl, budgetKey: budgetKey(baseUrl, sender.apiKey) };
}

/**
 * Whether the credential's Base URL is this machine (the simulator). Without a credential (the Trigger with Verify
 * With API off) the answer is no, the strict one.
 */
export async function isLoopbackApi(context: ExecuteOrWebhookContext): Promise<boolean> {
	// The node has one of the two credentials: asking for the other fails.
	for (const type of [CREDENTIAL_NAME, POOL_CREDENTIAL_NAME]) {
		try {
			const credentials = await context.getCredentials<{ baseUrl?: string }>(type);
			return isLoopbackBaseUrl(credentials.baseUrl);
		} catch {
			continue;
		}
	}
	return false;
}
