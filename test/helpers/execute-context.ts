import axios, { type AxiosRequestConfig, type AxiosResponseHeaders } from 'axios';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import { LinkrApi } from '../../credentials/LinkrApi.credentials';
import { LinkrApiHoldPoolApi } from '../../credentials/LinkrApiHoldPoolApi.credentials';
import { VirtualClock } from './virtual-clock';

export const API_KEY = 'lkr_0123456789abcdef0123456789abcdef';
export const API_HOST = 'https://linkrapi.test';
export const BASE_URL = `${API_HOST}/api/v1`;
export const CDN_HOST = 'https://cdn.linkrapi-images.test';

export const node: INode = {
	id: 'node-1',
	name: 'LinkrAPI',
	type: 'n8n-nodes-linkrapi.linkrApi',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

type Params = Record<string, unknown>;

export interface ContextOptions {
	/** Parameters of every item, or one object per item */
	params: Params | Params[];
	items?: number;
	continueOnFail?: boolean;
	credentials?: { apiKey: string; baseUrl: string };
	signal?: AbortSignal;
	/** What `{{ $execution.resumeUrl }}` resolves to */
	resumeUrl?: string;
	/** Run as an AI Agent tool; input items then carry the tool call's arguments */
	asTool?: boolean;
	inputJson?: Array<Record<string, unknown>>;
	/** Run as n8n before 2.16 does: custom data only through `$execution.customData`, not `this.customData` */
	withoutCustomData?: boolean;
	/** Which run of the node this is: the node, output and run that fed it (`$prevNode`), as "name/output/run" */
	runSource?: string;
	/** The LinkrAPI Hold Pool credential's data, for `authentication: 'holdPool'` */
	pool?: ICredentialDataDecryptedObject;
	/** The node, when a test needs another than the default one (e.g. a second LinkrAPI node) */
	node?: INode;
	executionId?: string;
}

export const EXECUTION_ID = '42';

/** What n8n's httpRequest does with these options, done with axios so that nock sees real HTTP requests. */
export async function performRequest(options: IHttpRequestOptions): Promise<unknown> {
	VirtualClock.active?.requestStarted();
	try {
		return await sendWithAxios(options);
	} finally {
		VirtualClock.active?.requestEnded();
	}
}

/**
 * n8n's helper (1.123 through 2.41) follows redirects unless `disableFollowRedirect` is set, and on every hop puts the
 * original `Authorization` header back, even on another origin, unless `sendCredentialsOnCrossOriginRedirect` is false.
 * Modelled here in our own words so redirect tests fail the way a real n8n would leak.
 */
function redirectPolicy(options: IHttpRequestOptions) {
	if (options.disableFollowRedirect === true) return { maxRedirects: 0 };
	const authorization = (options.headers as Record<string, unknown> | undefined)?.Authorization;
	const from = new URL(options.url, options.baseURL).origin;
	return {
		maxRedirects: 21,
		beforeRedirect: (redirected: RedirectHop) => {
			redirectsFollowed.push(String(redirected.href));
			const sameOrigin = new URL(redirected.href).origin === from;
			if (typeof authorization === 'string' && (sameOrigin || options.sendCredentialsOnCrossOriginRedirect !== false)) {
				redirected.headers.Authorization = authorization;
			}
		},
	};
}

type RedirectHop = Parameters<NonNullable<AxiosRequestConfig['beforeRedirect']>>[0];

/** Every redirect the fake n8n followed, for tests that prove none was. */
export const redirectsFollowed: string[] = [];

function responseTypeFor(options: IHttpRequestOptions): 'arraybuffer' | 'stream' | 'text' | 'json' {
	if (options.encoding === 'arraybuffer' || options.encoding === 'stream') return options.encoding;
	return options.json === false ? 'text' : 'json';
}

async function sendWithAxios(options: IHttpRequestOptions): Promise<unknown> {
	const response = await axios.request({
		...redirectPolicy(options),
		method: options.method ?? 'GET',
		url: options.url,
		baseURL: options.baseURL,
		data: options.body,
		headers: options.headers as Record<string, string> | undefined,
		params: options.qs,
		timeout: options.timeout,
		signal: options.abortSignal as AbortSignal | undefined,
		responseType: responseTypeFor(options),
		validateStatus: options.ignoreHttpStatusErrors ? () => true : (status) => status >= 200 && status < 300,
	});
	if (!options.returnFullResponse) return response.data;
	return {
		body: response.data,
		headers: { ...(response.headers as AxiosResponseHeaders) },
		statusCode: response.status,
		statusMessage: response.statusText,
	};
}

/** Applies the credential's own `authenticate`, as n8n does before every request that carries the credential. */
async function authenticated(
	options: IHttpRequestOptions,
	credentials: { apiKey: string; baseUrl: string },
): Promise<IHttpRequestOptions> {
	return await new LinkrApi().authenticate({ ...credentials }, { ...options });
}

export interface FakeContext {
	context: IExecuteFunctions;
	binaries: Array<{ fileName?: string; mimeType?: string; size: number }>;
	authenticatedCalls: number;
	/** The options the node handed to httpRequestWithAuthentication, in order */
	authenticatedOptions: IHttpRequestOptions[];
	/** The options the node handed to the plain httpRequest (downloads), in order */
	plainOptions: IHttpRequestOptions[];
	waitTill?: Date;
	customData: Record<string, string>;
	/** What the node logged as warnings */
	warnings: string[];
	/** Every credential the node read, by type, in order */
	credentialReads: string[];
}

export function createExecuteContext(options: ContextOptions): FakeContext {
	const itemCount = options.items ?? (Array.isArray(options.params) ? options.params.length : 1);
	const items: INodeExecutionData[] = Array.from({ length: itemCount }, (_, index) => ({
		json: { index, ...(options.inputJson?.[index] ?? {}) },
	}));
	const paramsFor = (itemIndex: number): Params =>
		Array.isArray(options.params) ? options.params[itemIndex] : options.params;
	const credentials = options.credentials ?? {
		apiKey: API_KEY,
		baseUrl: BASE_URL,
	};
	const fake: FakeContext = {
		context: undefined as unknown as IExecuteFunctions,
		binaries: [],
		authenticatedCalls: 0,
		authenticatedOptions: [],
		plainOptions: [],
		customData: {},
		warnings: [],
		credentialReads: [],
	};

	const customData = {
		set: (key: string, value: string) => {
			fake.customData[key] = value;
		},
		get: (key: string) => fake.customData[key],
	};
	fake.context = {
		logger: {
			warn: (message: string) => fake.warnings.push(message),
			debug: () => undefined,
			info: () => undefined,
			error: () => undefined,
		},
		getInputData: () => items,
		getNode: () => options.node ?? node,
		continueOnFail: () => options.continueOnFail ?? false,
		isToolExecution: () => options.asTool ?? false,
		getExecutionCancelSignal: () => options.signal,
		evaluateExpression: (expression: string) => {
			if (expression.includes('$execution.resumeUrl')) return options.resumeUrl;
			if (expression.includes('$prevNode.name')) return options.runSource ?? 'Webhook/0/0';
			throw new Error(`Unexpected expression ${expression}`);
		},
		getWorkflowDataProxy: () => ({ $execution: { customData } }),
		putExecutionToWait: async (waitTill: Date) => {
			fake.waitTill = waitTill;
		},
		getExecutionId: () => options.executionId ?? EXECUTION_ID,
		customData: options.withoutCustomData ? undefined : customData,
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const params = paramsFor(itemIndex);
			if (name in params) return params[name];
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getCredentials: async (type: string) => {
			fake.credentialReads.push(type);
			if (type === 'linkrApiHoldPoolApi' && options.pool) return options.pool;
			if (type !== 'linkrApi') throw new Error(`Unknown credential ${type}`);
			return credentials;
		},
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => {
				fake.plainOptions.push(requestOptions);
				return await performRequest(requestOptions);
			},
			httpRequestWithAuthentication: async (type: string, requestOptions: IHttpRequestOptions) => {
				fake.authenticatedCalls++;
				fake.authenticatedOptions.push(requestOptions);
				if (type === 'linkrApiHoldPoolApi' && options.pool) {
					const pooled = await new LinkrApiHoldPoolApi().authenticate({ ...options.pool }, { ...requestOptions });
					return await performRequest(pooled);
				}
				if (type !== 'linkrApi') throw new Error(`Unknown credential ${type}`);
				return await performRequest(await authenticated(requestOptions, credentials));
			},
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => {
				fake.binaries.push({ fileName, mimeType, size: data.length });
				return {
					data: data.toString('base64'),
					fileName,
					mimeType: mimeType ?? 'application/octet-stream',
					fileSize: String(data.length),
				};
			},
		},
	} as unknown as IExecuteFunctions;
	return fake;
}
