import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readTaskOptions, readWaitMode } from '../read-options';
import { endedTaskItem } from '../../../shared/task-item/ended-task-item';
import { taskToJson } from '../../../shared/task-item/task-json';
import { requireText } from '../validate-input';
import { checkTaskId, fetchTask } from '../../../shared/transport';
import { holdProperty, taskIdProperty, waitingOptionsProperty, waitModeProperty } from '../common.descriptions';
import type { OperationResult } from '../node.type';
import { type Holds, namedHold } from '../../holds';
import { taskToWaitFor } from './wait-mode';

const properties: INodeProperties[] = [
	taskIdProperty,
	holdProperty(true),
	waitModeProperty('none'),
	waitingOptionsProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['fetch'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult> {
	const taskId = checkTaskId(
		this.getNode(),
		itemIndex,
		requireText('Task ID', this.getNodeParameter('taskId', itemIndex)),
	);
	const waitMode = readWaitMode.call(this, itemIndex, 'none');
	const options = readTaskOptions.call(this, itemIndex);
	// A task is found only with the key of the hold that ran it.
	const owner = await holds.ownerOf(taskId, itemIndex, namedHold(this, holds, itemIndex));
	const holdField = owner.hold !== undefined ? { hold: owner.hold } : {};
	if (waitMode === 'poll') {
		return {
			kind: 'poll',
			task: taskToWaitFor(taskId, itemIndex, options, { pollImmediately: true, hold: owner.hold }),
		};
	}
	const task =
		owner.task ??
		(await fetchTask.call(this, taskId, { itemIndex, requestsPerSecond: options.requestsPerSecond, hold: owner.hold }));
	// Without waiting, a failed task is a valid answer to "what is its status?", not an error.
	const item =
		task.state === 'completed'
			? await endedTaskItem(this, task, options.download, itemIndex)
			: { json: taskToJson(task), pairedItem: { item: itemIndex } };
	return { kind: 'output', items: [{ ...item, json: { ...item.json, ...holdField } }] };
}
