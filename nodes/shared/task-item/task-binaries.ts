import type { IBinaryKeyData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { Task } from '../transport/api-types';
import { downloadImage } from './download-image';
import type { DownloadOptions } from './download-options';

/** The binaries an item gets from a finished task: its image and, if asked, the grid's four quadrants. */
export async function downloadBinaries(
	context: IExecuteFunctions | IWebhookFunctions,
	task: Task,
	options: DownloadOptions,
	itemIndex: number,
): Promise<IBinaryKeyData | undefined> {
	if (!options.downloadImage && !options.downloadQuadrants) return undefined;
	const binary: IBinaryKeyData = {};
	const property = options.binaryPropertyName;
	if (options.downloadImage && task.image_url) {
		binary[property] = await downloadImage.call(
			context,
			task.image_url,
			`${task.task_id}.png`,
			itemIndex,
			task.task_id,
		);
	}
	if (options.downloadQuadrants && task.images) {
		for (const [index, url] of task.images.entries()) {
			binary[`${property}_${index + 1}`] = await downloadImage.call(
				context,
				url,
				`${task.task_id}_${index + 1}.png`,
				itemIndex,
				task.task_id,
			);
		}
	}
	return Object.keys(binary).length > 0 ? binary : undefined;
}
