export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export interface PollOptions {
	/** How long to keep asking; default 30 s. `Infinity` waits for as long as it takes. */
	timeoutMs?: number;
	/** The pause between two checks; default 100 ms. */
	intervalMs?: number;
	/** The message of the error thrown at the timeout, in place of "Timed out after … waiting for <what>." */
	onTimeout?: () => string | Promise<string>;
}

/**
 * Calls `check` until it returns something other than undefined and returns that; after `timeoutMs` throws an
 * Error naming `what` (or saying what `onTimeout` says). An error thrown by `check` ends the wait at once.
 */
export async function pollUntil<T>(
	what: string,
	check: () => T | undefined | Promise<T | undefined>,
	{ timeoutMs = 30_000, intervalMs = 100, onTimeout }: PollOptions = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() >= deadline) {
			throw new Error(onTimeout ? await onTimeout() : `Timed out after ${timeoutMs / 1000} s waiting for ${what}.`);
		}
		await sleep(intervalMs);
	}
}
