import { createHmac, timingSafeEqual } from 'crypto';

/** The query parameter of the resume URL that carries the node's own check, where n8n gives nodes no custom data. */
export const RESUME_CHECK_PARAM = 'linkrapi_check';

/**
 * n8n before 2.16 gives nodes no custom data, so a paused execution cannot remember which task it waits for, and
 * n8n before 2.14 puts no secret into the resume URL. The node then adds a check of its own to the URL it hands to
 * LinkrAPI with the task: a keyed hash of the execution id under the API key. Only whoever holds that URL (LinkrAPI,
 * for this one task) can resume the execution; the key itself never leaves n8n.
 */
export function resumeCheck(apiKey: string, executionId: string): string {
	return createHmac('sha256', apiKey).update(`linkrapi-resume:${executionId}`).digest('hex');
}

export function resumeCheckMatches(given: unknown, expected: string): boolean {
	if (typeof given !== 'string' || given.length !== expected.length) return false;
	return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
