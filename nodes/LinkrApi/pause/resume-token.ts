import { createHmac, timingSafeEqual } from 'crypto';

/**
 * The query parameter of the resume URL that carries the node's own resume token. Its name stays as first released:
 * resume URLs already handed to LinkrAPI carry it.
 */
export const RESUME_TOKEN_PARAM = 'linkrapi_check';

/** One pause of one execution: the node that paused and which of its runs it was (a node in a loop pauses again). */
export interface PauseId {
	nodeId: string;
	/** The node, output and run that fed this run (pause-id.ts) */
	runSource: string;
}

/**
 * A keyed hash, under the API key, of the execution, the node and its run: the resume token the resume URL of one
 * pause carries. n8n's own `?signature=` (2.14+) is one per execution, so every pause of an execution would accept the
 * others' callbacks; and n8n before 2.14 has none. With this token a late callback of an earlier pause (the grid of
 * Imagine, while Upscale waits) is refused, and only whoever holds this URL (LinkrAPI, for this one task) can resume
 * this pause. The key itself never leaves n8n.
 */
export function resumeToken(apiKey: string, executionId: string, pause: PauseId): string {
	return createHmac('sha256', apiKey)
		.update(`linkrapi-resume:${executionId}\n${pause.nodeId}\n${pause.runSource}`)
		.digest('hex');
}

export function resumeTokenMatches(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	// Compared as bytes: a string of the right length may still be longer in UTF-8.
	const givenBytes = Buffer.from(given);
	const expectedBytes = Buffer.from(expected);
	return givenBytes.length === expectedBytes.length && timingSafeEqual(givenBytes, expectedBytes);
}
