import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readTaskOptions, readWaitMode } from '../read-options';
import { endedTaskItem, taskToJson } from '../../../shared/task-item';
import { requireText } from '../validate-input';
import { checkTaskId, fetchTask } from '../../../shared/transport';
import { holdProperty, taskIdProperty, waitingOptionsProperty, waitModeProperty } from '../common.descriptions';
import type { OperationResult } from '../node.type';
import { type Holds, namedHold } from '../../holds';
import { taskToWaitFor } from './submission';

const properties: INodeProperties[] = [
	taskIdProperty,
	holdProperty(true),
	waitModeProperty('none'),
	waitingOptionsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['fetch'] } }, properties);

export async function execute(context: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult> {
	const taskId = checkTaskId(
		context.getNode(),
		itemIndex,
		requireText('Task ID', context.getNodeParameter('taskId', itemIndex)),
	);
	const waitMode = readWaitMode(context, itemIndex, 'none');
	const options = readTaskOptions(context, itemIndex);
	// A task is found only with the key of the hold that ran it.
	const owner = await holds.ownerOf(taskId, itemIndex, namedHold(context, holds, itemIndex));
	const holdField = owner.hold !== undefined ? { hold: owner.hold } : {};
	if (waitMode === 'poll') {
		return {
			kind: 'poll',
			task: taskToWaitFor(taskId, itemIndex, options, { pollImmediately: true, hold: owner.hold }),
		};
	}
	const task =
		owner.task ??
		(await fetchTask(context, taskId, { itemIndex, requestsPerSecond: options.requestsPerSecond, hold: owner.hold }));
	// Without waiting, a failed task is a valid answer to "what is its status?", not an error.
	const item =
		task.state === 'completed'
			? await endedTaskItem(context, task, options.download, itemIndex)
			: { json: taskToJson(task), pairedItem: { item: itemIndex } };
	return { kind: 'output', items: [{ ...item, json: { ...item.json, ...holdField } }] };
}
