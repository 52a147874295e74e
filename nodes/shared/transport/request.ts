import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { cancellableSleep } from '../cancellable-sleep';
import { cancelledError } from '../cancellation';
import { cancelSignalOf, type ExecuteOrWebhookContext } from '../node-context';
import { httpStatusError, networkError, networkErrorCode, redirectError, type ErrorContext } from './api-errors';
import { checkedBaseUrl, isLoopbackBaseUrl } from './base-url';
import { budgetKey, DEFAULT_REQUESTS_PER_SECOND, takeRequestSlot } from './request-budget';
import {
	backoffDelay,
	isRetryableNetworkError,
	isRetryableStatus,
	maxRetries,
	parseRetryAfter,
	type RetryClass,
} from './retry-policy';

export const CREDENTIAL_NAME = 'linkrApi';
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
}

interface FullResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

interface LinkrCredentials {
	apiKey: string;
	baseUrl?: string;
}

function retryClass(request: LinkrRequest): RetryClass {
	return request.method === 'GET' && !request.hasSideEffects ? 'idempotent' : 'sideEffect';
}

/**
 * Whether the credential's Base URL is this machine (the simulator). Without a credential (the Trigger with Verify
 * With API off) the answer is no, the strict one.
 */
export async function isLoopbackApi(context: ExecuteOrWebhookContext): Promise<boolean> {
	try {
		const credentials = await context.getCredentials<LinkrCredentials>(CREDENTIAL_NAME);
		return isLoopbackBaseUrl(credentials.baseUrl);
	} catch {
		return false;
	}
}

/**
 * The only code that calls LinkrAPI: applies the credential through n8n, paces requests per hold,
 * retries what is safe to retry, and turns every failure into a NodeApiError that names the task.
 */
export async function linkrApiRequest(this: ExecuteOrWebhookContext, request: LinkrRequest): Promise<unknown> {
	const credentials = await this.getCredentials<LinkrCredentials>(CREDENTIAL_NAME);
	const baseUrl = checkedBaseUrl(this.getNode(), credentials.baseUrl, request.itemIndex);
	const signal = cancelSignalOf(this);
	const budget = budgetKey(baseUrl, credentials.apiKey);
	const errorContext: ErrorContext = {
		itemIndex: request.itemIndex,
		endpoint: `${request.method} ${request.path.replace(/\/fetch\/.*/, '/fetch/{task_id}')}`,
		taskId: request.taskId,
		apiKey: credentials.apiKey,
	};
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

	for (let attempt = 0; ; attempt++) {
		const releaseSlot = await takeRequestSlot(budget, request.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, signal);
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_NAME,
				options,
			)) as FullResponse;
		} catch (error) {
			releaseSlot();
			if (signal?.aborted) throw cancelledError(this.getNode());
			const canRetry = isRetryableNetworkError(retryClass(request), networkErrorCode(error));
			if (!canRetry || !(await waitBeforeRetry(request, attempt, undefined, signal))) {
				throw networkError(this.getNode(), error, errorContext);
			}
			continue;
		}
		releaseSlot();
		if (response.statusCode >= 200 && response.statusCode < 300) return response.body;
		if (response.statusCode >= 300 && response.statusCode < 400) {
			throw redirectError(this.getNode(), response.statusCode, response.headers?.location, options.url, errorContext);
		}
		const retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
		if (
			!isRetryableStatus(retryClass(request), response.statusCode) ||
			!(await waitBeforeRetry(request, attempt, retryAfterMs, signal))
		) {
			throw httpStatusError(this.getNode(), response.statusCode, response.body, errorContext);
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
