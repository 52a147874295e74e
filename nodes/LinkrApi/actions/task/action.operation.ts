import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readTaskOptions, readWaitMode } from '../read-options';
import { submittedToJson } from '../../../shared/task-item/task-json';
import { requireText } from '../validate-input';
import { MIDJOURNEY_BUTTONS, type ButtonHome } from '../../../shared/buttons/midjourney-buttons';
import type { ExecuteOrWebhookContext } from '../../../shared/node-context';
import { type ActionBody, fetchTask, submitAction } from '../../../shared/transport';
import { callbackUrlProperty, taskIdProperty, waitingOptionsProperty, waitModeProperty } from '../common.descriptions';
import type { OperationResult, ReadParameter } from '../node.type';
import { submissionResult, webhookUrlFor } from './wait-mode';
import { CUSTOM_CHOICE, readActionChoice, type ActionChoice } from './action-choice';
import { customIdOfButton } from './find-button';

const buttonOptions: INodePropertyOptions[] = MIDJOURNEY_BUTTONS.map((button) => ({
	name: button.name,
	value: button.value,
	description: `${button.does} (on ${button.home === 'grid' ? 'a grid' : 'an upscaled image'})`,
}));

const namesOn = (home: ButtonHome) =>
	MIDJOURNEY_BUTTONS.filter((button) => button.home === home)
		.map((button) => button.name)
		.join(', ');

const properties: INodeProperties[] = [
	{
		...taskIdProperty,
		description: 'The task_id of the completed task whose button to press: a grid, or an upscaled image',
	},
	{
		displayName: 'Action',
		name: 'action',
		type: 'options',
		default: 'upsample1',
		description: `The Midjourney button to press. On a grid: ${namesOn('grid')} (images are numbered 1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right). On an upscaled image: ${namesOn('upscaled image')}. The node reads the task first to find the button.`,
		options: [
			...buttonOptions,
			{
				name: 'Custom (Raw Custom ID)',
				value: CUSTOM_CHOICE,
				description: 'Any button of the task, by its custom_id from the task’s actions',
			},
		].sort((a, b) => a.name.localeCompare(b.name)),
	},
	{
		displayName: 'Custom ID',
		name: 'customId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'MJ::JOB::upsample::1::…',
		description:
			'A custom_id from the task’s actions (output field "actions"), for a button the Action list does not name',
		displayOptions: { show: { action: [CUSTOM_CHOICE] } },
	},
	callbackUrlProperty,
	waitModeProperty('poll', true),
	waitingOptionsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['action'] } }, properties);

/** The task whose button to press, and the button, as the fields say: read before any request. */
export function readPressedButton(read: ReadParameter): { taskId: string; choice: ActionChoice } {
	const taskId = requireText('Task ID', read('taskId'));
	return { taskId, choice: readActionChoice(read('action'), () => read('customId', '')) };
}

/**
 * The `action` to send (a documented name as it is, a raw custom_id, or the custom_id of the task's own button,
 * read from the task), and the fields it adds to the item: the task pressed, and the button found on it.
 */
export async function actionToSend(
	context: ExecuteOrWebhookContext,
	itemIndex: number,
	taskId: string,
	choice: ActionChoice,
	requestsPerSecond?: number,
): Promise<{ action: string; fields: IDataObject }> {
	const source = { source_task_id: taskId };
	if (choice.kind === 'documented') return { action: choice.button.value, fields: source };
	if (choice.kind === 'custom') return { action: choice.customId, fields: { ...source, custom_id: choice.customId } };
	const task = await fetchTask.call(context, taskId, { itemIndex, requestsPerSecond });
	const customId = customIdOfButton(task, choice.button);
	return { action: customId, fields: { ...source, custom_id: customId, button: choice.button.name } };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const { taskId, choice } = readPressedButton((name, fallback) => this.getNodeParameter(name, itemIndex, fallback));
	const waitMode = readWaitMode.call(this, itemIndex, 'poll');
	const webhookUrl = await webhookUrlFor.call(this, itemIndex, waitMode);
	const options = readTaskOptions.call(this, itemIndex);
	const { action, fields } = await actionToSend(this, itemIndex, taskId, choice, options.requestsPerSecond);

	const body: ActionBody = { task_id: taskId, action };
	if (webhookUrl) body.webhook_url = webhookUrl;

	const submitted = await submitAction.call(this, body, {
		itemIndex,
		requestsPerSecond: options.requestsPerSecond,
	});
	return submissionResult(submitted, itemIndex, waitMode, options, submittedToJson(submitted, action, null), fields);
}
