import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readTaskOptions, readWaitMode } from '../read-options';
import { submittedToJson } from '../../../shared/task-item';
import { requireText } from '../validate-input';
import { jobKindOf, MIDJOURNEY_BUTTONS, type ButtonHome } from '../../../shared/buttons/midjourney-buttons';
import type { ExecuteOrWebhookContext } from '../../../shared/node-context';
import { type ActionBody, fetchTask, submitAction, type Task } from '../../../shared/transport';
import { type Holds, namedHold } from '../../holds';
import {
	callbackUrlProperty,
	holdProperty,
	taskIdProperty,
	waitingOptionsProperty,
	waitModeProperty,
} from '../common.descriptions';
import type { OperationResult, ReadParameter } from '../node.type';
import { readCallbackUrl, submissionResult, webhookUrlFor } from './submission';
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
	holdProperty(true),
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
	source: { requestsPerSecond?: number; hold?: string; task?: Task } = {},
): Promise<{ action: string; fields: IDataObject }> {
	const pressed = { source_task_id: taskId };
	if (choice.kind === 'documented') return { action: choice.button.value, fields: pressed };
	if (choice.kind === 'custom') return { action: choice.customId, fields: { ...pressed, custom_id: choice.customId } };
	const task =
		source.task ??
		(await fetchTask(context, taskId, {
			itemIndex,
			requestsPerSecond: source.requestsPerSecond,
			hold: source.hold,
		}));
	const customId = customIdOfButton(task, choice.button);
	return { action: customId, fields: { ...pressed, custom_id: customId, button: choice.button.name } };
}

export async function execute(context: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult> {
	const { taskId, choice } = readPressedButton((name, fallback) => context.getNodeParameter(name, itemIndex, fallback));
	const waitMode = readWaitMode(context, itemIndex, 'poll');
	const callbackUrl = readCallbackUrl(context, itemIndex, waitMode);
	const options = readTaskOptions(context, itemIndex);
	const requestsPerSecond = options.requestsPerSecond;
	// A button works only with the key of the hold that ran the task.
	const owner = await holds.ownerOf(taskId, itemIndex, namedHold(context, holds, itemIndex));
	const { action, fields } = await actionToSend(context, itemIndex, taskId, choice, { requestsPerSecond, ...owner });

	const { submitted, hold } = await holds.submitNewJob({
		kind: jobKindOf(action),
		itemIndex,
		waitedFor: waitMode === 'poll',
		pinned: owner.hold,
		submit: async (onHold) => {
			const body: ActionBody = { task_id: taskId, action };
			const webhookUrl = await webhookUrlFor(context, itemIndex, waitMode, callbackUrl, onHold);
			if (webhookUrl) body.webhook_url = webhookUrl;
			return await submitAction(context, body, { itemIndex, requestsPerSecond, hold: onHold });
		},
	});
	const json = submittedToJson(submitted, action, null);
	return submissionResult(submitted, itemIndex, waitMode, options, json, fields, hold);
}
