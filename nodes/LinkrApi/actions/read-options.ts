import type { IExecuteFunctions } from 'n8n-workflow';

import { boundedRequestsPerSecond, DEFAULT_REQUESTS_PER_SECOND } from '../../shared/transport';
import {
	toDownloadOptions,
	type DownloadOptions,
	type DownloadParameters,
} from '../../shared/task-item/download-options';
import type { WaitOptions } from '../waiting';

const MIN_POLL_INTERVAL_S = 2;
const DEFAULT_POLL_INTERVAL_S = 5;
const DEFAULT_MAX_WAIT_MIN = 15;
const MAX_MAX_WAIT_MIN = 60;

export type WaitMode = 'poll' | 'none' | 'callback';

export interface TaskOptions {
	wait: WaitOptions;
	download: DownloadOptions;
	requestsPerSecond: number;
}

interface RawOptions extends DownloadParameters {
	pollInterval?: number;
	maxWait?: number;
	onTimeout?: 'error' | 'output';
	maxRequestsPerSecond?: number;
}

function positiveNumber(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}

/** Reads the Options collection once per item; out-of-range values are clamped to what the UI allows. */
export function readTaskOptions(this: IExecuteFunctions, itemIndex: number): TaskOptions {
	const raw = this.getNodeParameter('options', itemIndex, {}) as RawOptions;
	const pollIntervalS = Math.max(positiveNumber(raw.pollInterval, DEFAULT_POLL_INTERVAL_S), MIN_POLL_INTERVAL_S);
	const maxWaitMin = Math.min(positiveNumber(raw.maxWait, DEFAULT_MAX_WAIT_MIN), MAX_MAX_WAIT_MIN);
	return {
		wait: {
			pollIntervalMs: pollIntervalS * 1000,
			maxWaitMs: maxWaitMin * 60000,
			onTimeout: raw.onTimeout === 'output' ? 'output' : 'error',
		},
		download: toDownloadOptions(raw),
		requestsPerSecond: boundedRequestsPerSecond(positiveNumber(raw.maxRequestsPerSecond, DEFAULT_REQUESTS_PER_SECOND)),
	};
}

export function readWaitMode(this: IExecuteFunctions, itemIndex: number, fallback: WaitMode): WaitMode {
	const mode = this.getNodeParameter('waitMode', itemIndex, fallback) as string;
	return mode === 'poll' || mode === 'none' || mode === 'callback' ? mode : fallback;
}
