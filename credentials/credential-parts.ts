import type { ICredentialTestRequest, IDataObject, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { DEFAULT_BASE_URL, keyDestinationRefusal, redactSecrets } from '../nodes/shared/transport';

/** What both credentials share: the Base URL field, the key's header, the /info test. */

export const baseUrlProperty: INodeProperties = {
	displayName: 'Base URL',
	name: 'baseUrl',
	type: 'string',
	default: DEFAULT_BASE_URL,
	description:
		'Change only to use a proxy or the local LinkrAPI simulator. Must be https://, except for localhost (the simulator).',
};

/**
 * The request with `Authorization: Bearer <key>`, as generic authentication would add it, but never over plain http
 * to another machine: n8n runs a credential's `authenticate` before every request that carries it (the credential
 * test, these nodes, an HTTP Request node using it), and the refusal is the message the credential test shows.
 */
export function withBearerKey(
	apiKey: string,
	baseUrl: unknown,
	requestOptions: IHttpRequestOptions,
	headers: IDataObject = requestOptions.headers ?? {},
): IHttpRequestOptions {
	const refusal = keyDestinationRefusal(requestOptions, baseUrl);
	if (refusal) throw new UserError(redactSecrets(refusal, apiKey));
	return { ...requestOptions, headers: { ...headers, Authorization: `Bearer ${apiKey}` } };
}

/**
 * GET /info is the only documented endpoint that answers 2xx to a valid key. It takes 5–15 s and sends one real
 * /info command through the hold's Discord account, so n8n runs it only when the credential is saved or tested.
 */
export function infoTest(messages: { 401: string; 403: string; 502: string }): ICredentialTestRequest {
	return {
		request: {
			// normaliseBaseUrl's rule: trimmed, empty means the default, no trailing slash
			baseURL: `={{ (($credentials.baseUrl || "").trim() || "${DEFAULT_BASE_URL}").replace(/\\/+$/, "") }}`,
			url: '/info',
			timeout: 30000,
			// The test carries the key too: a redirect fails the test instead of taking the key to another host.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: ([401, 403, 502] as const).map((value) => ({
			type: 'responseCode' as const,
			properties: { value, message: messages[value] },
		})),
	};
}
