import type { IExecuteFunctions } from 'n8n-workflow';

import { readNumber } from '../../shared/number-range';
import {
	toDownloadOptions,
	type DownloadOptions,
	type DownloadParameters,
} from '../../shared/task-item/download-options';
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
export function readTaskOptions(this: IExecuteFunctions, itemIndex: number): TaskOptions {
	const raw = this.getNodeParameter('options', itemIndex, {}) as RawOptions;
	return {
		wait: toWaitOptions(raw),
		download: toDownloadOptions(raw),
		requestsPerSecond: readNumber(raw.maxRequestsPerSecond, REQUESTS_PER_SECOND),
	};
}

export function readWaitMode(this: IExecuteFunctions, itemIndex: number, fallback: WaitMode): WaitMode {
	const mode = this.getNodeParameter('waitMode', itemIndex, fallback) as string;
	return mode === 'poll' || mode === 'none' || mode === 'callback' ? mode : fallback;
}
