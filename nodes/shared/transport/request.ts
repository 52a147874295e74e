import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { cancellableSleep } from '../cancellable-sleep';
import { cancelledError } from '../node-errors';
import { cancelSignalOf, type ExecuteOrWebhookContext } from '../node-context';
import { httpStatusError, networkError, networkErrorCode, redirectError, type ErrorContext } from './errors';
import { HOLD_HEADER, senderFor } from './hold-keys';
import { checkedBaseUrl } from './key-destination';
import { budgetKey, DEFAULT_REQUESTS_PER_SECOND, takeRequestSlot } from './request-budget';
import {
	backoffDelay,
	isRetryableNetworkError,
	isRetryableStatus,
	maxRetries,
	parseRetryAfter,
	type RetryClass,
} from './retries';

const DEFAULT_TIMEOUT_MS = 60000;

export interface LinkrRequest {
	method: IHttpRequestMethods;
	/** Path below the Base URL, e.g. `/imagine` */
	path: string;
	body?: IDataObject;
	itemIndex: number;
	/** The task this call is about, carried into every error */
	taskId?: string;
	timeoutMs?: number;
	requestsPerSecond?: number;
	/** Epoch ms; retries never wait beyond it */
	deadline?: number;
	/** The call does something on Discord (a job, an /info command): retried only where it surely did not run */
	hasSideEffects?: boolean;
	/** The hold of the node's hold pool the call is for; unset, the node's one-hold credential */
	hold?: string;
}

interface FullResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

function retryClass(request: LinkrRequest): RetryClass {
	return request.method === 'GET' && !request.hasSideEffects ? 'idempotent' : 'sideEffect';
}

/** Where a request went, for every error it ends in: the call, the task, the hold; the key only to redact it. */
export function errorContextOf(request: LinkrRequest, apiKey?: string, hold?: string): ErrorContext {
	return {
		itemIndex: request.itemIndex,
		endpoint: `${request.method} ${request.path.replace(/\/fetch\/.*/, '/fetch/{task_id}')}`,
		taskId: request.taskId,
		apiKey,
		hold: hold ?? request.hold,
	};
}

/**
 * The only code that calls LinkrAPI: applies the credential through n8n, paces requests per hold,
 * retries what is safe to retry, and turns every failure into a NodeApiError that names the task.
 */
export async function linkrApiRequest(context: ExecuteOrWebhookContext, request: LinkrRequest): Promise<unknown> {
	const sender = await senderFor(context, request.hold, request.itemIndex);
	const baseUrl = checkedBaseUrl(context.getNode(), sender.baseUrl, request.itemIndex);
	const signal = cancelSignalOf(context);
	const budget = budgetKey(baseUrl, sender.apiKey);
	const errorContext = errorContextOf(request, sender.apiKey, sender.hold);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		json: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: signal,
		// The key must reach LinkrAPI only. n8n follows redirects by default and resends Authorization to any origin
		// (sendCredentialsOnCrossOriginRedirect defaults to true); both are switched off, and a 3xx is an error below.
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
	};
	if (request.body) options.body = request.body;
	// The pool credential's authenticate reads the hold it puts the key of from this header, and removes it.
	if (sender.hold !== undefined) options.headers = { [HOLD_HEADER]: sender.hold };

	for (let attempt = 0; ; attempt++) {
		const releaseSlot = await takeRequestSlot(budget, request.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, signal);
		let response: FullResponse;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				sender.credentialType,
				options,
			)) as FullResponse;
		} catch (error) {
			releaseSlot();
			if (signal?.aborted) throw cancelledError(context.getNode());
			const canRetry = isRetryableNetworkError(retryClass(request), networkErrorCode(error));
			if (!canRetry || !(await waitBeforeRetry(request, attempt, undefined, signal))) {
				throw networkError(context.getNode(), error, errorContext);
			}
			continue;
		}
		releaseSlot();
		if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
		if (response.statusCode >= 300 && response.statusCode < 400) {
			throw redirectError(
				context.getNode(),
				response.statusCode,
				response.headers?.location,
				options.url,
				errorContext,
			);
		}
		const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
		if (
			!isRetryableStatus(retryClass(request), response.statusCode) ||
			!(await waitBeforeRetry(request, attempt, retryAfterMs, signal))
		) {
			throw httpStatusError(context.getNode(), response.statusCode, response.body, errorContext);
		}
	}
}

/** Sleeps before the next attempt; false when retries are used up or the wait would pass the deadline. */
async function waitBeforeRetry(
	request: LinkrRequest,
	attempt: number,
	retryAfterMs: number | undefined,
	signal: AbortSignal | undefined,
): Promise<boolean> {
	if (attempt >= maxRetries(retryClass(request))) return false;
	const delay = backoffDelay(attempt, retryAfterMs);
	if (request.deadline !== undefined && Date.now() + delay > request.deadline) return false;
	await cancellableSleep(delay, signal);
	return true;
}
