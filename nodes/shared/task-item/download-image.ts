import type { IBinaryData, IDataObject, IExecuteFunctions, IWebhookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

const DOWNLOAD_TIMEOUT_MS = 120000;

/**
 * Downloads an image from the CDN with the plain (unauthenticated) request helper. This module never reads the
 * credential, so the LinkrAPI key cannot be sent to the image host.
 */
export async function downloadImage(
	this: IExecuteFunctions | IWebhookFunctions,
	url: string,
	fileName: string,
	itemIndex: number,
	taskId: string,
): Promise<IBinaryData> {
	let response: { body: ArrayBuffer | Buffer; headers: IDataObject };
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			timeout: DOWNLOAD_TIMEOUT_MS,
			abortSignal: 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined,
		})) as { body: ArrayBuffer | Buffer; headers: IDataObject };
	} catch (error) {
		const status = (error as { httpCode?: string; response?: { status?: number } }).response?.status;
		const message = `Could not download the image of task ${taskId}`;
		const apiError = new NodeApiError(this.getNode(), { message } as JsonObject, {
			itemIndex,
			message,
			description: `GET ${new URL(url).host} failed${status ? ` with HTTP ${status}` : ''}. Image links expire: fetch the task again for a fresh link. Task ID: ${taskId}.`,
		});
		apiError.context.task_id = taskId;
		throw apiError;
	}
	const contentType = response.headers['content-type'];
	const mimeType = typeof contentType === 'string' ? contentType.split(';')[0].trim() : 'image/png';
	return await this.helpers.prepareBinaryData(Buffer.from(response.body), fileName, mimeType || 'image/png');
}
