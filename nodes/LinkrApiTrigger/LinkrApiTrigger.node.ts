import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { noRegistrationWebhookMethods } from '../shared/no-registration-webhook-methods';
import { downloadOptionFields } from '../shared/task-item';
import { HOLD_SOURCE } from '../shared/hold-source';
import { isSecretLongEnough, MIN_SECRET_LENGTH } from './callback-token';
import { runFromCallback } from './run-from-callback';

/** Refuses to activate with a guessable secret: the webhook URL is public, the secret is all that protects it. */
function checkSecret(context: IHookFunctions): void {
	const secret = String(context.getNodeParameter('secretToken', '') ?? '');
	if (!isSecretLongEnough(secret)) {
		throw new NodeOperationError(
			context.getNode(),
			`The Secret Token must be at least ${MIN_SECRET_LENGTH} characters long`,
			{
				description:
					'Anyone who knows the trigger URL could otherwise guess it and start this workflow with forged results. Use a long random string, e.g. from a password generator.',
			},
		);
	}
}

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
				displayOptions: { show: { verifyWithApi: [true], authentication: [HOLD_SOURCE.oneHold] } },
			},
			{
				name: 'linkrApiHoldPoolApi',
				required: true,
				displayOptions: { show: { verifyWithApi: [true], authentication: [HOLD_SOURCE.holdPool] } },
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
					'A random string of at least 16 characters that only you and LinkrAPI know. Callbacks without it are refused with 401, so nobody can start this workflow with forged results.',
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
				displayName: 'Holds',
				name: 'authentication',
				type: 'options',
				noDataExpression: true,
				description:
					'Which keys verify a callback: one hold’s, or every hold of a pool (the hold the callback URL names first, then the others)',
				options: [
					{ name: 'One Hold', value: 'oneHold', description: 'A LinkrAPI API credential' },
					{
						name: 'Hold Pool',
						value: 'holdPool',
						description: 'A LinkrAPI Hold Pool credential: jobs of any of its holds start the workflow',
					},
				],
				default: 'oneHold',
				displayOptions: { show: { verifyWithApi: [true] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					...downloadOptionFields,
					{
						displayName: 'On Image Download Failure',
						name: 'onDownloadFailure',
						type: 'options',
						default: 'answerError',
						description: 'What to do when Download Image is on and the image host fails',
						options: [
							{
								name: 'Answer 502 (LinkrAPI May Retry)',
								value: 'answerError',
								description:
									'Start nothing and answer 502; the delivery is not remembered, so a retried callback is handled again',
							},
							{
								name: 'Run Without the Image',
								value: 'runWithoutImage',
								description: 'Start the workflow with the task and a download_error field instead of the image',
							},
						],
					},
				],
			},
		],
	};

	// Activation checks the Secret Token first.
	webhookMethods = noRegistrationWebhookMethods(checkSecret);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await runFromCallback(this);
	}
}
