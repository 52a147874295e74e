import type { IExecuteFunctions } from 'n8n-workflow';

import { readNumber } from '../../shared/number-range';
import { type DownloadOptions, type DownloadParameters, toDownloadOptions } from '../../shared/task-item';
import { REQUESTS_PER_SECOND } from '../../shared/transport';
import { toWaitOptions, type WaitMode, type WaitOptions, type WaitParameters } from '../waiting';

export interface TaskOptions {
	wait: WaitOptions;
	download: DownloadOptions;
	requestsPerSecond: number;
}

interface RawOptions extends DownloadParameters, WaitParameters {
	maxRequestsPerSecond?: unknown;
}

/**
 * Reads the Options collection once per item. A value out of the range the UI offers (an expression may give any)
 * is moved into it; one that is no positive number gets the default.
 */
export function readTaskOptions(context: IExecuteFunctions, itemIndex: number): TaskOptions {
	const raw = context.getNodeParameter('options', itemIndex, {}) as RawOptions;
	return {
		wait: toWaitOptions(raw),
		download: toDownloadOptions(raw),
		requestsPerSecond: readNumber(raw.maxRequestsPerSecond, REQUESTS_PER_SECOND),
	};
}

export function readWaitMode(context: IExecuteFunctions, itemIndex: number, fallback: WaitMode): WaitMode {
	const mode = context.getNodeParameter('waitMode', itemIndex, fallback) as string;
	return mode === 'poll' || mode === 'none' || mode === 'callback' ? mode : fallback;
}
