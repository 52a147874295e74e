import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancellableSleep } from '../cancellable-sleep';
import { cancelledError } from '../cancellation';
import { cancelSignalOf, type ExecuteOrWebhookContext } from '../node-context';
import { httpStatusError, networkError, networkErrorCode, redirectError, type ErrorContext } from './api-errors';
import { checkedBaseUrl, isLoopbackBaseUrl, normaliseBaseUrl } from './base-url';
import { HOLD_HEADER, holdNamed, holdsOfPool, type Hold, type InvalidHoldPoolError } from './hold-pool';
import { budgetKey, DEFAULT_REQUESTS_PER_SECOND, takeRequestSlot } from './request-budget';
import { forLog } from './redact';
import {
	backoffDelay,
	isRetryableNetworkError,
	isRetryableStatus,
	maxRetries,
	parseRetryAfter,
	type RetryClass,
} from './retry-policy';

export const CREDENTIAL_NAME = 'linkrApi';
/** The credential of several holds; a request names which of them it is for. */
export const POOL_CREDENTIAL_NAME = 'linkrApiHoldPoolApi';
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

interface LinkrCredentials {
	apiKey: string;
	baseUrl?: string;
}

/** What a request goes out with: which credential, and within a pool which hold (its key, for budget and redaction). */
interface Sender {
	credentialType: string;
	baseUrl?: string;
	apiKey: string;
	hold?: string;
}

function holdsOfThePool(
	context: ExecuteOrWebhookContext,
	pool: ICredentialDataDecryptedObject,
	itemIndex: number,
): Hold[] {
	try {
		return holdsOfPool(pool);
	} catch (error) {
		const problem = error as InvalidHoldPoolError;
		throw new NodeOperationError(context.getNode(), problem.message, { itemIndex, description: problem.description });
	}
}

/** The holds of the node's hold pool, each checked (names, keys, numbers) before any request. */
export async function poolHolds(context: ExecuteOrWebhookContext, itemIndex = 0): Promise<Hold[]> {
	return holdsOfThePool(context, await context.getCredentials(POOL_CREDENTIAL_NAME), itemIndex);
}

/** The node's one-hold credential, or the named hold of its hold pool, checked before anything is sent. */
async function senderFor(
	context: ExecuteOrWebhookContext,
	hold: string | undefined,
	itemIndex: number,
): Promise<Sender> {
	if (hold === undefined) {
		const credentials = await context.getCredentials<LinkrCredentials>(CREDENTIAL_NAME);
		return { credentialType: CREDENTIAL_NAME, baseUrl: credentials.baseUrl, apiKey: credentials.apiKey };
	}
	const pool = await context.getCredentials(POOL_CREDENTIAL_NAME);
	const found = holdNamed(holdsOfThePool(context, pool, itemIndex), hold);
	if (found) {
		return {
			credentialType: POOL_CREDENTIAL_NAME,
			baseUrl: pool.baseUrl as string,
			apiKey: found.apiKey,
			hold: found.name,
		};
	}
	throw new NodeOperationError(context.getNode(), `The hold pool has no hold named ${forLog(hold, 60)}`, {
		itemIndex,
		description:
			'Check the Hold field, or the hold field of the input item, against the names in the LinkrAPI Hold Pool credential.',
	});
}

/** The key and Base URL a call for this hold (or the one-hold credential) goes out with: for a keyed hash only. */
export async function holdCredentials(
	context: ExecuteOrWebhookContext,
	hold?: string,
): Promise<{ baseUrl?: string; apiKey: string; hold?: string }> {
	const { baseUrl, apiKey, hold: name } = await senderFor(context, hold, 0);
	return { baseUrl, apiKey, hold: name };
}

/** The budget (and learned job times) key of a hold: a hash of its Base URL and key, never the key itself. */
export async function holdBudgetKey(
	context: ExecuteOrWebhookContext,
	hold?: string,
): Promise<{ baseUrl: string; budgetKey: string }> {
	const sender = await senderFor(context, hold, 0);
	const baseUrl = normaliseBaseUrl(sender.baseUrl);
	return { baseUrl, budgetKey: budgetKey(baseUrl, sender.apiKey) };
}

function retryClass(request: LinkrRequest): RetryClass {
	return request.method === 'GET' && !request.hasSideEffects ? 'idempotent' : 'sideEffect';
}

/**
 * Whether the credential's Base URL is this machine (the simulator). Without a credential (the Trigger with Verify
 * With API off) the answer is no, the strict one.
 */
export async function isLoopbackApi(context: ExecuteOrWebhookContext): Promise<boolean> {
	// The node has one of the two credentials: asking for the other fails.
	for (const type of [CREDENTIAL_NAME, POOL_CREDENTIAL_NAME]) {
		try {
			const credentials = await context.getCredentials<{ baseUrl?: string }>(type);
			return isLoopbackBaseUrl(credentials.baseUrl);
		} catch {
			continue;
		}
	}
	return false;
}

/**
 * The only code that calls LinkrAPI: applies the credential through n8n, paces requests per hold,
 * retries what is safe to retry, and turns every failure into a NodeApiError that names the task.
 */
export async function linkrApiRequest(this: ExecuteOrWebhookContext, request: LinkrRequest): Promise<unknown> {
	const sender = await senderFor(this, request.hold, request.itemIndex);
	const baseUrl = checkedBaseUrl(this.getNode(), sender.baseUrl, request.itemIndex);
	const signal = cancelSignalOf(this);
	const budget = budgetKey(baseUrl, sender.apiKey);
	const errorContext: ErrorContext = {
		itemIndex: request.itemIndex,
		endpoint: `${request.method} ${request.path.replace(/\/fetch\/.*/, '/fetch/{task_id}')}`,
		taskId: request.taskId,
		apiKey: sender.apiKey,
		hold: sender.hold,
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
	// The pool credential's authenticate reads the hold it puts the key of from this header, and removes it.
	if (sender.hold !== undefined) options.headers = { [HOLD_HEADER]: sender.hold };

	for (let attempt = 0; ; attempt++) {
		const releaseSlot = await takeRequestSlot(budget, request.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND, signal);
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				sender.credentialType,
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
