import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readTaskOptions, readWaitMode } from '../read-options';
import { endedTaskItem } from '../../../shared/task-item/ended-task-item';
import { taskToJson } from '../../../shared/task-item/task-json';
import { requireText } from '../validate-input';
import { checkTaskId, fetchTask } from '../../../shared/transport';
import { taskIdProperty, waitingOptionsProperty, waitModeProperty } from '../common.descriptions';
import type { OperationResult } from '../node.type';
import { taskToWaitFor } from './wait-mode';

const properties: INodeProperties[] = [taskIdProperty, waitModeProperty('none'), waitingOptionsProperty];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['fetch'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const taskId = checkTaskId(
		this.getNode(),
		itemIndex,
		requireText('Task ID', this.getNodeParameter('taskId', itemIndex)),
	);
	const waitMode = readWaitMode.call(this, itemIndex, 'none');
	const options = readTaskOptions.call(this, itemIndex);
	if (waitMode === 'poll') {
		return { kind: 'poll', task: taskToWaitFor(taskId, itemIndex, options, { pollImmediately: true }) };
	}
	const task = await fetchTask.call(this, taskId, { itemIndex, requestsPerSecond: options.requestsPerSecond });
	// Without waiting, a failed task is a valid answer to "what is its status?", not an error.
	if (task.state === 'completed') {
		return { kind: 'output', item: await endedTaskItem(this, task, options.download, itemIndex) };
	}
	return { kind: 'output', item: { json: taskToJson(task), pairedItem: { item: itemIndex } } };
}
