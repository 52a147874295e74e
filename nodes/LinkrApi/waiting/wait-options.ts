export interface WaitOptions {
	pollIntervalMs: number;
	maxWaitMs: number;
	onTimeout: 'error' | 'output';
}
