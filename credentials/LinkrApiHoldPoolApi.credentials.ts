import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { forLog } from '../nodes/shared/for-log';
import { HOLD_HEADER, holdNamed, holdsOfPool, JOBS_AT_ONCE, JOBS_WAITING } from '../nodes/shared/transport';
import { baseUrlProperty, infoTest, withBearerKey } from './credential-parts';

export class LinkrApiHoldPoolApi implements ICredentialType {
	name = 'linkrApiHoldPoolApi';

	displayName = 'LinkrAPI Hold Pool API';

	icon: Icon = { light: 'file:../icons/linkrapi.svg', dark: 'file:../icons/linkrapi.dark.svg' };

	documentationUrl = 'https://linkrapi.com/docs/hold-account';

	properties: INodeProperties[] = [
		{
			displayName: 'Holds',
			name: 'holds',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Hold',
			default: {},
			description:
				'Every LinkrAPI hold (a Discord account with Midjourney, with its own key) the pool may give jobs to',
			options: [
				{
					displayName: 'Hold',
					name: 'hold',
					values: [
						{
							displayName: 'Name',
							name: 'name',
							type: 'string',
							default: '',
							required: true,
							description:
								'A name of your own for this hold, unique in the pool; outputs say which hold ran a task by it',
						},
						{
							displayName: 'API Key',
							name: 'apiKey',
							type: 'string',
							typeOptions: { password: true },
							default: '',
							required: true,
							description: 'The key on this hold’s card in the LinkrAPI dashboard (lkr_…)',
						},
						{
							displayName: 'Jobs at Once',
							name: 'jobsAtOnce',
							type: 'number',
							typeOptions: { minValue: JOBS_AT_ONCE.min, maxValue: JOBS_AT_ONCE.max },
							default: JOBS_AT_ONCE.default,
							description: 'Jobs Midjourney runs at once on this account: 3 on Basic and Standard, 12 on Pro and Mega',
						},
						{
							displayName: 'Jobs Allowed to Wait',
							name: 'jobsWaiting',
							type: 'number',
							typeOptions: { minValue: JOBS_WAITING.min, maxValue: JOBS_WAITING.max },
							default: JOBS_WAITING.default,
							description:
								'Jobs the node may leave waiting in this account’s own queue beyond Jobs at Once. 0 keeps them in n8n until a hold has a free slot, so no job waits on one hold while another is idle.',
						},
					],
				},
			],
		},
		baseUrlProperty,
	];

	/**
	 * `Authorization: Bearer <key>` of the hold the request names in its hold header (the nodes always name one; the
	 * credential test and an HTTP Request node using the pool get the first hold), after the pool was checked. Never
	 * on a request over plain http to another machine.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		let holds;
		try {
			holds = holdsOfPool(credentials);
		} catch (error) {
			throw new UserError(
				`${(error as Error).message}. ${(error as { description?: string }).description ?? ''}`.trim(),
			);
		}
		const { [HOLD_HEADER]: named, ...headers } = (requestOptions.headers ?? {}) as IDataObject;
		const hold = typeof named === 'string' ? holdNamed(holds, named) : holds[0];
		if (!hold) throw new UserError(`The hold pool has no hold named ${forLog(named, 60)}`);
		return withBearerKey(hold.apiKey, credentials.baseUrl, requestOptions, headers);
	}

	// n8n's credential test sends one request: the first hold's GET /info. Every hold is checked before that for what
	// needs no request (a name of its own, a key starting lkr_, numbers in range); Get Info with this pool asks every hold.
	test: ICredentialTestRequest = infoTest({
		401: 'LinkrAPI rejected the API key of the first hold in the list. Copy the key (lkr_…) again from that hold’s card in the LinkrAPI dashboard.',
		403: 'The first hold in the list is suspended. Check it in the LinkrAPI dashboard.',
		502: 'The first hold’s key was accepted, but LinkrAPI could not reach Discord/Midjourney for /info. Check that hold’s Discord token, or retry in a minute.',
	});
}
