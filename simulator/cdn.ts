/**
 * The image CDN, on its own port like Discord's attachment host: serves the PNGs of completed tasks and records
 * every request with its headers, so tests can prove that no API key travelled to the image host.
 */
import { createServer, type Server } from 'node:http';

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

function imageFor(deps: CdnDeps, path: string): Buffer | undefined {
	const fileName = ATTACHMENT_PATH.exec(path)?.[1];
	const file = fileName ? parseImageFileName(fileName) : undefined;
	const spec = file ? deps.imageOf(file.taskId) : undefined;
	return file && spec ? renderImage(spec, file.quadrant) : undefined;
}

export function createCdnServer(deps: CdnDeps): Server {
	return createServer((request, response) => {
		const at = deps.clock();
		const method = request.method ?? 'GET';
		const path = new URL(request.url ?? '/', 'http://cdn').pathname;
		const image = method === 'GET' || method === 'HEAD' ? imageFor(deps, path) : undefined;
		const status = image ? 200 : 404;
		deps.recorder.cdn({
			method,
			path: request.url ?? '',
			headers: deps.recorder.maskHeaders(request.headers),
			at,
			status,
		});
		request.resume();
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
