import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlProperty, infoTest, withBearerKey } from './credential-parts';

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
		baseUrlProperty,
	];

	/** `Authorization: Bearer <key>`, never over plain http to another machine (credential-parts.ts). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return withBearerKey(String(credentials.apiKey ?? ''), credentials.baseUrl, requestOptions);
	}

	test: ICredentialTestRequest = infoTest({
		401: 'LinkrAPI rejected the API key. Copy the key (lkr_…) again from the hold card in the LinkrAPI dashboard.',
		403: 'The key is known but its hold is suspended. Check the hold in the LinkrAPI dashboard.',
		502: 'The key was accepted, but LinkrAPI could not reach Discord/Midjourney for /info. Check the hold’s Discord token, or retry in a minute.',
	});
}
