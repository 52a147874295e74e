import type { IBinaryData, IDataObject, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { hostKind, type HostKind } from '../host-address';
import { cancelSignalOf, type ExecuteOrWebhookContext } from '../node-context';
import { IMAGE_FORMAT_NAMES, imageTypeOf, type ImageType, withExtension } from './image-type';

/** Idle time allowed while connecting or between two chunks of the image. */
const IDLE_TIMEOUT_MS = 60000;
/** Whole download of one image, redirects included; checked at every chunk, so a slow drip cannot hold it open. */
const TOTAL_TIMEOUT_MS = 120000;
/** Image hosts may forward once or twice (e.g. to a regional CDN); every hop is checked like the first. */
const MAX_REDIRECTS = 3;

export interface DownloadLimits {
	maxBytes: number;
	/** Only when the Base URL itself is loopback (the simulator serves images from 127.0.0.1) */
	allowPrivateHosts: boolean;
}

interface StreamBody {
	destroy?: (error?: Error) => void;
	[Symbol.asyncIterator]?: () => AsyncIterator<unknown>;
}

interface StreamResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

const REFUSED_KINDS: Record<Exclude<HostKind, 'public'>, string> = {
	'loopback': 'a loopback address (this machine)',
	'private': 'a private network address',
	'link-local': 'a link-local address (where cloud metadata services live)',
	'reserved': 'a reserved address',
	'local-name': 'a name that only resolves inside a local network',
};

/** A download that was refused or failed: names the task and the host, never the signed URL itself. */
class DownloadFailure extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

function destroy(body: unknown): void {
	const stream = body as StreamBody | null;
	if (stream && typeof stream.destroy === 'function') stream.destroy();
}

function megabytes(bytes: number): string {
	return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function checkTarget(url: URL, limits: DownloadLimits, taskId: string, previous?: URL): void {
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new DownloadFailure(
			`Refused to download the image of task ${taskId}: only http and https links are downloaded`,
			`The link uses ${url.protocol}.`,
		);
	}
	const kind = hostKind(url.hostname);
	if (kind !== 'public' && !limits.allowPrivateHosts) {
		throw new DownloadFailure(
			`Refused to download the image of task ${taskId} from ${url.hostname}: ${REFUSED_KINDS[kind]}`,
			'Midjourney images are served from a public CDN. Links into your own network are refused, so a forged task or callback cannot make n8n fetch internal URLs (only a loopback Base URL, i.e. the local simulator, allows them).',
		);
	}
	if (previous?.protocol === 'https:' && url.protocol === 'http:') {
		throw new DownloadFailure(
			`Refused to download the image of task ${taskId}: ${previous.host} redirected from https to plain http`,
			`The redirect pointed to http://${url.host}.`,
		);
	}
}

async function readBounded(body: unknown, limits: DownloadLimits, host: string, taskId: string, deadline: number) {
	const tooLarge = () =>
		new DownloadFailure(
			`The image of task ${taskId} from ${host} is larger than the ${megabytes(limits.maxBytes)} limit`,
			'Raise "Max Image Size (MB)" in the node options if such large images are expected.',
		);
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer || typeof body === 'string') {
		// An n8n that ignored encoding: 'stream' handed over the whole body: the limit still holds, after the fact.
		const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body as ArrayBuffer);
		if (buffer.length > limits.maxBytes) throw tooLarge();
		return buffer;
	}
	const stream = body as StreamBody | null;
	if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') {
		throw new DownloadFailure(`Could not download the image of task ${taskId}`, `${host} sent no readable body.`);
	}
	const chunks: Buffer[] = [];
	let size = 0;
	let complete = false;
	try {
		for await (const chunk of stream as AsyncIterable<Buffer | string>) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
			size += buffer.length;
			if (size > limits.maxBytes) throw tooLarge();
			if (Date.now() > deadline) {
				throw new DownloadFailure(
					`Could not download the image of task ${taskId}`,
					`${host} did not send the image within ${TOTAL_TIMEOUT_MS / 1000} seconds.`,
				);
			}
			chunks.push(buffer);
		}
		complete = true;
	} finally {
		// Stop the transfer at once: a refused image is not read to its end.
		if (!complete) destroy(stream);
	}
	return Buffer.concat(chunks);
}

/** One request, with no redirect followed; a request that got no answer is handed back as `failed`. */
async function requestHop(context: ExecuteOrWebhookContext, url: URL): Promise<StreamResponse | { failed: unknown }> {
	try {
		return (await context.helpers.httpRequest({
			method: 'GET',
			url: url.toString(),
			encoding: 'stream',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// Redirects are followed here, one checked hop at a time, never by n8n.
			disableFollowRedirect: true,
			timeout: IDLE_TIMEOUT_MS,
			abortSignal: cancelSignalOf(context),
		})) as StreamResponse;
	} catch (error) {
		return { failed: error };
	}
}

function describeNetworkFailure(error: unknown): string {
	const status = (error as { response?: { status?: number } }).response?.status;
	if (status) return ` with HTTP ${status}`;
	const code = (error as { code?: unknown }).code;
	return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
}

/** A declared Content-Type as it may be quoted in a message: its media type only, and only if it looks like one. */
function declaredType(contentType: unknown): string {
	const mediaType = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	return /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,60}$/.test(mediaType) ? mediaType : 'no usable Content-Type';
}

function checkedImage(
	data: Buffer,
	contentType: unknown,
	host: string,
	taskId: string,
): { data: Buffer; type: ImageType } {
	const type = imageTypeOf(data);
	if (!type) {
		throw new DownloadFailure(
			`The file of task ${taskId} from ${host} is not an image`,
			`${host} sent ${data.length} bytes (${declaredType(contentType)}) that are no ${IMAGE_FORMAT_NAMES} image, e.g. an error or login page.`,
		);
	}
	return { data, type };
}

async function download(
	context: ExecuteOrWebhookContext,
	link: string,
	limits: DownloadLimits,
	taskId: string,
): Promise<{ data: Buffer; type: ImageType }> {
	if (!URL.canParse(link)) {
		throw new DownloadFailure(
			`The image link of task ${taskId} is not a valid URL`,
			'LinkrAPI (or the callback) sent an image_url that cannot be read.',
		);
	}
	let url = new URL(link);
	const deadline = Date.now() + TOTAL_TIMEOUT_MS;
	let previous: URL | undefined;
	for (let hop = 0; ; hop++) {
		checkTarget(url, limits, taskId, previous);
		const response = await requestHop(context, url);
		if ('failed' in response) {
			throw new DownloadFailure(
				`Could not download the image of task ${taskId}`,
				`GET ${url.host} failed${describeNetworkFailure(response.failed)}.`,
			);
		}
		const { statusCode, headers, body } = response;
		if (statusCode >= 300 && statusCode < 400 && typeof headers.location === 'string') {
			destroy(body);
			if (hop >= MAX_REDIRECTS) {
				throw new DownloadFailure(
					`Could not download the image of task ${taskId}`,
					`${url.host} redirected more than ${MAX_REDIRECTS} times.`,
				);
			}
			if (!URL.canParse(headers.location, url.href)) {
				throw new DownloadFailure(
					`Could not download the image of task ${taskId}`,
					`${url.host} redirected to an unreadable address.`,
				);
			}
			previous = url;
			url = new URL(headers.location, url);
			continue;
		}
		if (statusCode < 200 || statusCode >= 300) {
			destroy(body);
			throw new DownloadFailure(
				`Could not download the image of task ${taskId}`,
				`GET ${url.host} failed with HTTP ${statusCode}.`,
			);
		}
		const declared = Number(headers['content-length']);
		if (Number.isFinite(declared) && declared > limits.maxBytes) {
			destroy(body);
			throw new DownloadFailure(
				`The image of task ${taskId} from ${url.host} is larger than the ${megabytes(limits.maxBytes)} limit`,
				`${url.host} announced ${megabytes(declared)}. Raise "Max Image Size (MB)" in the node options if such large images are expected.`,
			);
		}
		const data = await readBounded(body, limits, url.host, taskId, deadline);
		return checkedImage(data, headers['content-type'], url.host, taskId);
	}
}

/**
 * The one download path of both nodes, with the plain (unauthenticated) request helper. This module never reads
 * the credential, so the LinkrAPI key cannot reach the image host. http(s) only; no addresses inside the network
 * unless the Base URL is loopback; redirects followed here with the same checks; size capped while streaming; the
 * type read from the bytes, and `fileName`'s extension made to match it.
 */
export async function downloadImage(
	context: ExecuteOrWebhookContext,
	url: string,
	fileName: string,
	itemIndex: number,
	taskId: string,
	limits: DownloadLimits,
): Promise<IBinaryData> {
	let downloaded: { data: Buffer; type: ImageType };
	try {
		downloaded = await download(context, url, limits, taskId);
	} catch (error) {
		const failure =
			error instanceof DownloadFailure
				? error
				: new DownloadFailure(
						`Could not download the image of task ${taskId}`,
						`The download was interrupted${describeNetworkFailure(error)}.`,
					);
		const apiError = new NodeApiError(context.getNode(), { message: failure.message } as JsonObject, {
			itemIndex,
			message: failure.message,
			description: `${failure.description} Image links expire: fetch the task again for a fresh link. Task ID: ${taskId}.`,
		});
		apiError.context.task_id = taskId;
		throw apiError;
	}
	const { data, type } = downloaded;
	return await context.helpers.prepareBinaryData(data, withExtension(fileName, type.extension), type.mimeType);
}
