import { createHash } from 'crypto';

import { cancellableSleep } from '../helpers/cancellable-sleep';

export const DEFAULT_REQUESTS_PER_SECOND = 3;

const nextFreeSlotByCredential = new Map<string, number>();

/** One budget per hold: the map key is a hash, so the API key itself is never kept in memory here. */
export function budgetKey(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
}

/** Slots are spread a little wider than 1/rps, so network jitter cannot put rps + 1 requests into one second. */
const SPACING_MARGIN_MS = 15;

/**
 * Waits for this credential's next request slot. Slots are shared by every execution in this n8n process,
 * so parallel items and workflows together stay under the budget.
 */
export async function takeRequestSlot(key: string, requestsPerSecond: number, signal?: AbortSignal): Promise<void> {
	const spacingMs = 1000 / Math.max(requestsPerSecond, 0.01) + SPACING_MARGIN_MS;
	const now = Date.now();
	const slot = Math.max(now, nextFreeSlotByCredential.get(key) ?? 0);
	nextFreeSlotByCredential.set(key, slot + spacingMs);
	if (slot > now) await cancellableSleep(slot - now, signal);
}
