/** Anything shaped like a full LinkrAPI key (`lkr_` + 32 hex). Masked forms (`lkr_…abcd`) do not match. */
export const FULL_KEY_PATTERN = /lkr_[0-9a-f]{32}/g;

/** The full keys found in `text` (empty when none leaked). */
export function leakedKeys(text: string): string[] {
	return [...new Set(text.match(FULL_KEY_PATTERN) ?? [])];
}
