import type { INodeExecutionData } from 'n8n-workflow';

import type { ExecuteOrWebhookContext } from '../node-context';
import type { Task } from '../transport';
import type { DownloadOptions } from './download-options';
import { downloadBinaries } from './task-binaries';
import { taskToJson } from './task-json';

/** The item an ended task becomes, in every path: its fields, and the images as binary data if asked. */
export async function endedTaskItem(
	context: ExecuteOrWebhookContext,
	task: Task,
	download: DownloadOptions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const binary = await downloadBinaries(context, task, download, itemIndex);
	return { json: taskToJson(task), ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
}
