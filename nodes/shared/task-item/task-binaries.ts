import type { IBinaryKeyData } from 'n8n-workflow';

import type { ExecuteOrWebhookContext } from '../node-context';
import { isLoopbackApi, type Task } from '../transport';
import { downloadImage, type DownloadLimits } from './download-image';
import type { DownloadOptions } from './download-options';

/** A grid has four quadrants: a task (or a forged callback) listing more never causes more downloads. */
const MAX_QUADRANTS = 4;

/** The binaries an item gets from an ended task: its image and, if asked, the grid's four quadrants. */
export async function downloadBinaries(
	context: ExecuteOrWebhookContext,
	task: Task,
	options: DownloadOptions,
	itemIndex: number,
): Promise<IBinaryKeyData | undefined> {
	if (!options.downloadImage && !options.downloadQuadrants) return undefined;
	const binary: IBinaryKeyData = {};
	const property = options.binaryPropertyName;
	const limits: DownloadLimits = {
		maxBytes: options.maxBytes,
		allowPrivateHosts: await isLoopbackApi(context),
	};
	if (options.downloadImage && task.image_url) {
		binary[property] = await downloadImage(
			context,
			task.image_url,
			`${task.task_id}.png`,
			itemIndex,
			task.task_id,
			limits,
		);
	}
	if (options.downloadQuadrants && task.images) {
		for (const [index, url] of task.images.slice(0, MAX_QUADRANTS).entries()) {
			binary[`${property}_${index + 1}`] = await downloadImage(
				context,
				url,
				`${task.task_id}_${index + 1}.png`,
				itemIndex,
				task.task_id,
				limits,
			);
		}
	}
	return Object.keys(binary).length > 0 ? binary : undefined;
}
