import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import { HOLD_SOURCE } from '../shared/hold-source';
import { pausedItemFields } from './actions/paused-item-fields';
import { router } from './actions/router';
import * as task from './actions/task';
import { noRegistrationWebhookMethods } from '../shared/no-registration-webhook-methods';
import { resumeFromCallback } from './pause';

export class LinkrApi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'LinkrAPI',
		name: 'linkrApi',
		icon: { light: 'file:../../icons/linkrapi.svg', dark: 'file:../../icons/linkrapi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Generate, upscale and vary Midjourney images through LinkrAPI',
		defaults: { name: 'LinkrAPI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'linkrApi', required: true, displayOptions: { show: { authentication: [HOLD_SOURCE.oneHold] } } },
			{
				name: 'linkrApiHoldPoolApi',
				required: true,
				displayOptions: { show: { authentication: [HOLD_SOURCE.holdPool] } },
			},
		],
		// "Pause Until Callback": LinkrAPI calls this execution's resume URL, which n8n routes here.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: 'noData',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [
			{
				displayName: 'Holds',
				name: HOLD_SOURCE.name,
				type: 'options',
				noDataExpression: true,
				description:
					'Which Midjourney accounts (LinkrAPI holds) the node uses: one, with its key, or a pool of several keys',
				options: [
					{
						name: 'One Hold',
						value: HOLD_SOURCE.oneHold,
						description: 'One Midjourney account: a LinkrAPI API credential',
					},
					{
						name: 'Hold Pool',
						value: HOLD_SOURCE.holdPool,
						description:
							'Several Midjourney accounts, each with its own key: a batch is shared out among them, follow-ups go to the hold that owns the task',
					},
				],
				default: 'oneHold',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Task', value: 'task' },
				],
				default: 'task',
			},
			...task.description,
			...account.description,
		],
	};

	webhookMethods = noRegistrationWebhookMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback(this, pausedItemFields);
	}
}
