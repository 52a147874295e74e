const TERMINAL_STATUSES = new Set(['completed', 'failed', 'timeout']);

/** Only completed, failed and timeout end a task; every other status, known or not, means "still running". */
export function isTerminalStatus(status: string): boolean {
	return TERMINAL_STATUSES.has(status.toLowerCase());
}

export function isFailureStatus(status: string): boolean {
	const normalised = status.toLowerCase();
	return normalised === 'failed' || normalised === 'timeout';
}

/** Tasks waiting for a free Midjourney slot: polling them often is wasted requests. */
export function isQueuedStatus(status: string): boolean {
	const normalised = status.toLowerCase();
	return normalised === 'queued' || normalised === 'pending';
}
