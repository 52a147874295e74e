/**
 * The documented content-policy pre-check: NFKD-normalise the prompt, then match a word-boundary blocklist.
 * LinkrAPI's real list is not public; this small fixed list only has to trigger the same 400 in tests.
 */

export const BLOCKED_TERMS = ['gore', 'nsfw', 'nude', 'naked', 'porn', 'decapitated'] as const;

const BLOCKLIST = new RegExp(`\\b(?:${BLOCKED_TERMS.join('|')})\\b`, 'i');
const COMBINING_MARKS = /\p{M}/gu;

/** NFKD folds full-width and other compatibility forms to ASCII; dropping marks turns "nüde" into "nude". */
export function normalisePrompt(prompt: string): string {
	return prompt.normalize('NFKD').replace(COMBINING_MARKS, '');
}

export function violatesContentPolicy(prompt: string): boolean {
	return BLOCKLIST.test(normalisePrompt(prompt));
}
