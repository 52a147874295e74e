import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { buildPrompt, midjourneyParametersProperty, type MidjourneyParameters } from '../../midjourney';
import { readTaskOptions, readWaitMode } from '../read-options';
import { submittedToJson } from '../../../shared/task-item';
import { optionalReferenceImageUrl, requireText } from '../validate-input';
import { type ImagineBody, submitImagine } from '../../../shared/transport';
import { callbackUrlProperty, holdProperty, waitingOptionsProperty, waitModeProperty } from '../common.descriptions';
import type { OperationResult, ReadParameter } from '../node.type';
import { type Holds, pinnedHold } from '../../holds';
import { readCallbackUrl, submissionResult, webhookUrlFor } from './submission';

const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'a futuristic city at sunset, cinematic lighting --ar 16:9',
		description:
			'What Midjourney should draw. Midjourney parameters such as --ar 16:9 or --v 7 go at the end of the text.',
		typeOptions: { rows: 3 },
	},
	{
		displayName: 'Reference Image URL',
		name: 'referenceImageUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/reference.jpg',
		description: 'Optional public link to a JPG, PNG or WebP image that guides the style or content',
	},
	midjourneyParametersProperty,
	holdProperty(false),
	callbackUrlProperty,
	waitModeProperty('poll', true),
	waitingOptionsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['imagine'] } }, properties);

/** The prompt sent to Midjourney: the Prompt field with the Midjourney Parameters appended. */
export function finalPromptOf(read: ReadParameter): string {
	return buildPrompt(requireText('Prompt', read('prompt')), read('midjourneyParameters', {}) as MidjourneyParameters);
}

export async function execute(context: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult> {
	const read: ReadParameter = (name, fallback) => context.getNodeParameter(name, itemIndex, fallback);
	requireText('Prompt', read('prompt'));
	const referenceImage = optionalReferenceImageUrl(
		'Reference Image URL',
		context.getNodeParameter('referenceImageUrl', itemIndex, ''),
	);
	const waitMode = readWaitMode(context, itemIndex, 'poll');
	const callbackUrl = readCallbackUrl(context, itemIndex, waitMode);
	const options = readTaskOptions(context, itemIndex);
	const pinned = pinnedHold(context, holds, itemIndex);
	const finalPrompt = finalPromptOf(read);

	const { submitted, hold } = await holds.submitNewJob({
		kind: 'grid',
		itemIndex,
		waitedFor: waitMode === 'poll',
		pinned,
		submit: async (onHold) => {
			const body: ImagineBody = { prompt: finalPrompt };
			if (referenceImage) body.reference_image = referenceImage;
			const webhookUrl = await webhookUrlFor(context, itemIndex, waitMode, callbackUrl, onHold);
			if (webhookUrl) body.webhook_url = webhookUrl;
			return await submitImagine(context, body, {
				itemIndex,
				requestsPerSecond: options.requestsPerSecond,
				hold: onHold,
			});
		},
	});
	const json = submittedToJson(submitted, 'imagine', finalPrompt);
	return submissionResult(submitted, itemIndex, waitMode, options, json, { final_prompt: finalPrompt }, hold);
}
