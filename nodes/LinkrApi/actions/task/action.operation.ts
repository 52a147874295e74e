import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readTaskOptions, readWaitMode } from '../read-options';
import { submittedToJson } from '../../../shared/task-item/task-output';
import { requireText } from '../validate-input';
import { submitAction, type ActionBody } from '../../../shared/transport/endpoints';
import { callbackUrlProperty, taskIdProperty, waitingOptionsProperty, waitModeProperty } from '../common.descriptions';
import type { OperationResult } from '../node.type';
import { trackSubmission, webhookUrlFor } from '../track-submission';

const properties: INodeProperties[] = [
	{ ...taskIdProperty, description: 'The task_id of a completed Imagine (or Variation/Reroll) task' },
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		default: 'upsample1',
		description:
			'What to do with the grid. Images are numbered 1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right.',
		options: [
			{
				name: 'Custom (Raw Custom ID)',
				value: 'custom',
				description: 'Any button of the task, by its custom_id',
				action: 'Press any button by its custom id',
			},
			{
				name: 'Reroll',
				value: 'reroll',
				description: 'Run the same prompt again for a new grid',
				action: 'Reroll the grid',
			},
			{
				name: 'Upscale Image 1',
				value: 'upsample1',
				description: 'Upscale image 1 of the grid',
				action: 'Upscale image 1 of the grid',
			},
			{
				name: 'Upscale Image 2',
				value: 'upsample2',
				description: 'Upscale image 2 of the grid',
				action: 'Upscale image 2 of the grid',
			},
			{
				name: 'Upscale Image 3',
				value: 'upsample3',
				description: 'Upscale image 3 of the grid',
				action: 'Upscale image 3 of the grid',
			},
			{
				name: 'Upscale Image 4',
				value: 'upsample4',
				description: 'Upscale image 4 of the grid',
				action: 'Upscale image 4 of the grid',
			},
			{
				name: 'Vary Image 1',
				value: 'variation1',
				description: 'Make variations of image 1 of the grid',
				action: 'Make variations of image 1 of the grid',
			},
			{
				name: 'Vary Image 2',
				value: 'variation2',
				description: 'Make variations of image 2 of the grid',
				action: 'Make variations of image 2 of the grid',
			},
			{
				name: 'Vary Image 3',
				value: 'variation3',
				description: 'Make variations of image 3 of the grid',
				action: 'Make variations of image 3 of the grid',
			},
			{
				name: 'Vary Image 4',
				value: 'variation4',
				description: 'Make variations of image 4 of the grid',
				action: 'Make variations of image 4 of the grid',
			},
		],
	},
	{
		displayName: 'Custom ID',
		name: 'customId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'MJ::JOB::upsample::1::…',
		description: 'A custom_id from the task’s actions (output field "actions"), e.g. for zoom or pan buttons',
		displayOptions: { show: { action: ['custom'] } },
	},
	callbackUrlProperty,
	waitModeProperty('poll', true),
	waitingOptionsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['action'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const taskId = requireText('Task ID', this.getNodeParameter('taskId', itemIndex));
	const choice = this.getNodeParameter('action', itemIndex) as string;
	const action =
		choice === 'custom' ? requireText('Custom ID', this.getNodeParameter('customId', itemIndex, '')) : choice;
	const waitMode = readWaitMode.call(this, itemIndex, 'poll');
	const webhookUrl = await webhookUrlFor.call(this, itemIndex, waitMode);
	const options = readTaskOptions.call(this, itemIndex);

	const body: ActionBody = { task_id: taskId, action };
	if (webhookUrl) body.webhook_url = webhookUrl;

	const submitted = await submitAction.call(this, body, {
		itemIndex,
		requestsPerSecond: options.requestsPerSecond,
	});
	return trackSubmission(submitted, itemIndex, waitMode, options, {
		...submittedToJson(submitted, action, null),
		source_task_id: taskId,
	});
}
