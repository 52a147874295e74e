import axios, { type AxiosResponseHeaders } from 'axios';
import type { IBinaryData, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';

import { LinkrApi } from '../../credentials/LinkrApi.credentials';
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
}

/** What n8n's httpRequest does with these options, done with axios so that nock sees real HTTP requests. */
export async function performRequest(options: IHttpRequestOptions): Promise<unknown> {
	VirtualClock.active?.requestStarted();
	try {
		return await sendWithAxios(options);
	} finally {
		VirtualClock.active?.requestEnded();
	}
}

async function sendWithAxios(options: IHttpRequestOptions): Promise<unknown> {
	const response = await axios.request({
		method: options.method ?? 'GET',
		url: options.url,
		baseURL: options.baseURL,
		data: options.body,
		headers: options.headers as Record<string, string> | undefined,
		params: options.qs,
		timeout: options.timeout,
		signal: options.abortSignal as AbortSignal | undefined,
		responseType: options.encoding === 'arraybuffer' ? 'arraybuffer' : options.json === false ? 'text' : 'json',
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

/** Applies the credential's own `authenticate` definition, as n8n does, by resolving its expression. */
function authenticated(options: IHttpRequestOptions, apiKey: string): IHttpRequestOptions {
	const headers = new LinkrApi().authenticate.properties.headers ?? {};
	const resolved = Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [
			name,
			String(value).replace(/^=/, '').replace('{{$credentials.apiKey}}', apiKey),
		]),
	);
	return { ...options, headers: { ...options.headers, ...resolved } };
}

export interface FakeContext {
	context: IExecuteFunctions;
	binaries: Array<{ fileName?: string; mimeType?: string; size: number }>;
	authenticatedCalls: number;
	waitTill?: Date;
	customData: Record<string, string>;
}

export function createExecuteContext(options: ContextOptions): FakeContext {
	const itemCount = options.items ?? (Array.isArray(options.params) ? options.params.length : 1);
	const items: INodeExecutionData[] = Array.from({ length: itemCount }, (_, index) => ({
		json: { index },
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
		customData: {},
	};

	fake.context = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => options.continueOnFail ?? false,
		isToolExecution: () => options.asTool ?? false,
		getExecutionCancelSignal: () => options.signal,
		evaluateExpression: (expression: string) => {
			if (expression.includes('$execution.resumeUrl')) return options.resumeUrl;
			throw new Error(`Unexpected expression ${expression}`);
		},
		putExecutionToWait: async (waitTill: Date) => {
			fake.waitTill = waitTill;
		},
		customData: {
			set: (key: string, value: string) => {
				fake.customData[key] = value;
			},
			get: (key: string) => fake.customData[key],
		},
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const params = paramsFor(itemIndex);
			if (name in params) return params[name];
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getCredentials: async (type: string) => {
			if (type !== 'linkrApi') throw new Error(`Unknown credential ${type}`);
			return credentials;
		},
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => await performRequest(requestOptions),
			httpRequestWithAuthentication: async (type: string, requestOptions: IHttpRequestOptions) => {
				if (type !== 'linkrApi') throw new Error(`Unknown credential ${type}`);
				fake.authenticatedCalls++;
				return await performRequest(authenticated(requestOptions, credentials.apiKey));
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
