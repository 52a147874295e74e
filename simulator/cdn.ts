/**
 * The image CDN, on its own port like Discord's attachment host: serves the PNGs of completed tasks and records
 * every request with its headers, so tests can prove that no API key travelled to the image host.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';

import type { ImageSpec } from './images';
import { renderImage } from './images';
import type { Recorder } from './inspection';
import { parseImageFileName } from './task-view';

export interface CdnDeps {
	clock: () => number;
	recorder: Recorder;
	/** The image of a completed task, undefined otherwise (unknown, unfinished or reset). */
	imageOf: (taskId: string) => ImageSpec | undefined;
}

const ATTACHMENT_PATH = /^\/attachments\/\d+\/\d+\/([^/]+)$/;

function specFor(deps: CdnDeps, path: string): { spec: ImageSpec; quadrant?: number } | undefined {
	const fileName = ATTACHMENT_PATH.exec(path)?.[1];
	const file = fileName ? parseImageFileName(fileName) : undefined;
	const spec = file ? deps.imageOf(file.taskId) : undefined;
	return file && spec ? { spec, quadrant: file.quadrant } : undefined;
}

/** Streams `total` bytes without Content-Length, a chunk per drained write, until the client hangs up. */
function streamHugeImage(response: ServerResponse, total: number): void {
	const chunk = Buffer.alloc(64 * 1024);
	let sent = 0;
	const writeMore = () => {
		while (!response.destroyed && sent < total) {
			sent += chunk.length;
			if (!response.write(chunk)) return void response.once('drain', writeMore);
		}
		if (!response.destroyed) response.end();
	};
	response.writeHead(200, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
	writeMore();
}

export function createCdnServer(deps: CdnDeps): Server {
	return createServer((request, response) => {
		const at = deps.clock();
		const method = request.method ?? 'GET';
		const path = new URL(request.url ?? '/', 'http://cdn').pathname;
		const found = method === 'GET' || method === 'HEAD' ? specFor(deps, path) : undefined;
		const image = found ? renderImage(found.spec, found.quadrant) : undefined;
		const status = image ? 200 : 404;
		deps.recorder.cdn({
			method,
			path: request.url ?? '',
			headers: deps.recorder.maskHeaders(request.headers),
			at,
			status,
		});
		request.resume();
		if (image && found?.spec.hugeBytes && method === 'GET') return streamHugeImage(response, found.spec.hugeBytes);
		if (!image) {
			response.writeHead(404, { 'content-type': 'text/plain' });
			response.end('This content is no longer available.');
			return;
		}
		response.writeHead(200, {
			'content-type': 'image/png',
			'content-length': image.length,
			'cache-control': 'public, max-age=31536000',
		});
		response.end(method === 'HEAD' ? undefined : image);
	});
}
