import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

/**
 * Waits `ms`, or rejects as soon as the execution is cancelled. n8n-workflow's own `sleepWithAbort` exists only in
 * some versions (not in the one n8n 2.40 ships), so it is built here from `sleep`, which every version exports.
 */
export async function cancellableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new ManualExecutionCancelledError('');
	if (!signal) return await sleep(ms);
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(new ManualExecutionCancelledError(''));
		signal.addEventListener('abort', onAbort, { once: true });
		sleep(ms).then(
			() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			},
			(error: Error) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}
