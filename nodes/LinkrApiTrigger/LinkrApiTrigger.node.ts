import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { noRegistrationWebhookMethods } from '../shared/callback/no-registration-webhook-methods';
import { downloadOptions } from '../shared/task-item/download-options';
import { handleCallback } from './handle-callback';

export class LinkrApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LinkrAPI Trigger',
		name: 'linkrApiTrigger',
		icon: { light: 'file:../../icons/linkrapi.svg', dark: 'file:../../icons/linkrapi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["events"].join(", ")}}',
		description: 'Starts the workflow when LinkrAPI reports that a Midjourney task has finished',
		defaults: { name: 'LinkrAPI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'linkrApi',
				required: true,
				displayOptions: { show: { verifyWithApi: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				// The node's own webhookId goes in front (<WEBHOOK_URL>webhook/<webhookId>/callback), so every trigger has a
				// URL of its own; the secret travels as ?token=, as n8n's own resume URLs carry theirs (?signature=).
				path: 'callback',
			},
		],
		properties: [
			{
				displayName:
					'Callback URL for a LinkrAPI node: the Production URL above followed by ?token= and the Secret Token below. Activate this workflow first.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Secret Token',
				name: 'secretToken',
				type: 'string',
				typeOptions: { password: true },
				required: true,
				default: '',
				description:
					'A long random string that only you and LinkrAPI know. Callbacks without it are refused with 401, so nobody can start this workflow with forged results.',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				default: ['completed', 'failed', 'timeout'],
				description: 'Which task endings start the workflow',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Timed Out', value: 'timeout' },
				],
			},
			{
				displayName: 'Verify With API',
				name: 'verifyWithApi',
				type: 'boolean',
				default: true,
				description:
					'Whether to re-fetch the task with the credential and output that, instead of trusting the callback body. Tasks of other API keys are then refused.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: downloadOptions,
			},
		],
	};

	webhookMethods = noRegistrationWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this);
	}
}
