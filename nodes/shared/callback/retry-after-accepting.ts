import { sleep } from 'n8n-workflow';

import type { CallbackReply } from './callback-reply';

/** After an early answer LinkrAPI will not call again: a failed step (an image download) is retried this often. */
const RETRIES_AFTER_ACCEPTING = 2;
const PAUSE_BEFORE_RETRY_MS = 10000;

/**
 * Runs a step of a callback's handling. While the caller still waits for its answer, a failure is handed back at
 * once (the caller may then retry the callback); once the callback was accepted early, the step is tried again first.
 */
export async function retriedAfterAccepting<T>(
	reply: CallbackReply,
	step: () => Promise<T>,
): Promise<{ value: T } | { error: Error & { description?: string } }> {
	for (let retry = 0; ; retry++) {
		try {
			return { value: await step() };
		} catch (error) {
			if (!reply.acceptedEarly || retry >= RETRIES_AFTER_ACCEPTING) return { error: error as Error };
			await sleep(PAUSE_BEFORE_RETRY_MS);
		}
	}
}
