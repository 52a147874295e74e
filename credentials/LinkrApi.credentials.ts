import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { DEFAULT_BASE_URL, keyDestinationRefusal, redactSecrets } from '../nodes/shared/transport';

export class LinkrApi implements ICredentialType {
	name = 'linkrApi';

	displayName = 'LinkrAPI API';

	icon: Icon = { light: 'file:../icons/linkrapi.svg', dark: 'file:../icons/linkrapi.dark.svg' };

	documentationUrl = 'https://linkrapi.com/docs/hold-account';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: 'Starts with lkr_. Each hold (Discord account with Midjourney) has its own key, shown on the hold card in the LinkrAPI dashboard.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Change only to use a proxy or the local LinkrAPI simulator. Must be https://, except for localhost (the simulator).',
		},
	];

	/**
	 * `Authorization: Bearer <key>`, as generic authentication would add it, but never on a request over plain http
	 * to another machine: n8n runs this before every request that carries the credential (the credential test, the
	 * nodes, an HTTP Request node using it), and the refusal is the message the credential test shows.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const apiKey = String(credentials.apiKey ?? '');
		const refusal = keyDestinationRefusal(requestOptions, credentials.baseUrl);
		if (refusal) throw new UserError(redactSecrets(refusal, apiKey));
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${apiKey}` } };
	}

	// GET /info is the only documented endpoint that answers 2xx to a valid key. It takes 5–15 s and sends one
	// real /info command through the hold's Discord account, so n8n runs it only when the credential is saved or tested.
	test: ICredentialTestRequest = {
		request: {
			// normaliseBaseUrl's rule: trimmed, empty means the default, no trailing slash
			baseURL: `={{ (($credentials.baseUrl || "").trim() || "${DEFAULT_BASE_URL}").replace(/\\/+$/, "") }}`,
			url: '/info',
			timeout: 30000,
			// The test carries the key too: a redirect fails the test instead of taking the key to another host.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'LinkrAPI rejected the API key. Copy the key (lkr_…) again from the hold card in the LinkrAPI dashboard.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The key is known but its hold is suspended. Check the hold in the LinkrAPI dashboard.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 502,
					message:
						'The key was accepted, but LinkrAPI could not reach Discord/Midjourney for /info. Check the hold’s Discord token, or retry in a minute.',
				},
			},
		],
	};
}
