/** A hold that refused rests this long the first time: long enough not to be asked by every item of a batch. */
export const FIRST_REST_MS = 30_000;
/** However often it refused, it is tried again after this at the latest. */
export const LONGEST_REST_MS = 15 * 60_000;

/** The rest after a refusal: the first is short (Discord may be back), each next one without a success in between twice as long. */
export function nextRestMs(lastRestMs: number | undefined): number {
	return lastRestMs === undefined ? FIRST_REST_MS : Math.min(LONGEST_REST_MS, 2 * lastRestMs);
}
