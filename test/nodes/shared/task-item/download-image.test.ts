import nock from 'nock';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import type { IWebhookFunctions } from 'n8n-workflow';

import { downloadImage } from '../../../../nodes/shared/task-item/download-image';

import { API_HOST, API_KEY, CDN_HOST } from '../../../helpers/execute-context';
import { completedGrid, PNG_BYTES, TASK_ID } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

const clock = useVirtualClock();
const MB = 1024 * 1024;

function fetchWithDownload(options: Record<string, unknown> = {}) {
	return {
		resource: 'task',
		operation: 'fetch',
		taskId: TASK_ID,
		waitMode: 'none',
		options: { downloadImage: true, ...options },
	};
}

/** LinkrAPI answers the fetch with a completed task whose image (and quadrants) are these links. */
function taskWithImage(imageUrl: string, images?: string[]) {
	nock(API_HOST)
		.get(`/api/v1/fetch/${TASK_ID}`)
		.reply(200, { ...completedGrid(), image_url: imageUrl, images: images ?? completedGrid().images });
}

/**
 * A real image host on 127.0.0.1 (nock reads a reply stream eagerly, so only a real socket shows how much of a body
 * was pulled): serves `total` bytes in 64 KB chunks, writing the next only when the socket drained, and stops
 * when the client hangs up. `onChunk` runs before each chunk.
 */
function slowImageHost(total: number, headers: Record<string, string>, onChunk?: () => void) {
	let written = 0;
	const server = createServer((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'image/png', ...headers });
		let closed = false;
		response.on('close', () => (closed = true));
		const writeMore = () => {
			while (!closed && written < total) {
				onChunk?.();
				const size = Math.min(64 * 1024, total - written);
				written += size;
				if (!response.write(Buffer.alloc(size, 1))) return void response.once('drain', writeMore);
			}
			if (!closed) response.end();
		};
		writeMore();
	});
	return {
		written: () => written,
		start: async () => {
			await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
			return `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.png`;
		},
		stop: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const LOOPBACK_API = 'http://127.0.0.1:4010';

/** Fetch through a loopback Base URL, so the node may download from the local test host. */
async function fetchFromLocalHost(host: ReturnType<typeof slowImageHost>, options: Record<string, unknown>) {
	const imageUrl = await host.start();
	nock.enableNetConnect('127.0.0.1');
	nock(LOOPBACK_API)
		.get(`/api/v1/fetch/${TASK_ID}`)
		.reply(200, { ...completedGrid(), image_url: imageUrl });
	try {
		return await runNodeError({
			params: fetchWithDownload(options),
			credentials: { apiKey: API_KEY, baseUrl: `${LOOPBACK_API}/api/v1` },
		});
	} finally {
		nock.disableNetConnect();
		await host.stop();
	}
}

describe('Image downloads are bounded', () => {
	it('refuses an image whose Content-Length is over the limit before reading it', async () => {
		const host = slowImageHost(64 * MB, { 'Content-Length': String(64 * MB) });

		const error = await fetchFromLocalHost(host, { maxImageSizeMb: 1 });

		expect(error.message).toMatch(
			new RegExp(`^The image of task ${TASK_ID} from 127\\.0\\.0\\.1:\\d+ is larger than the 1 MB limit$`),
		);
		expect(error.description).toContain('announced 64 MB');
		expect(error.context?.task_id).toBe(TASK_ID);
		expect(host.written()).toBeLessThan(16 * MB);
	});

	it('counts a chunked image (no Content-Length) while it streams and stops reading at the limit', async () => {
		const host = slowImageHost(64 * MB, {});

		const error = await fetchFromLocalHost(host, { maxImageSizeMb: 1 });

		expect(error.message).toMatch(
			new RegExp(`^The image of task ${TASK_ID} from 127\\.0\\.0\\.1:\\d+ is larger than the 1 MB limit$`),
		);
		expect(host.written()).toBeLessThan(16 * MB);
	});

	it('gives up on an image that drips in slower than the total timeout, naming task and host', async () => {
		const host = slowImageHost(64 * MB, {}, () => clock.advance(30000));

		const error = await fetchFromLocalHost(host, {});

		expect(error.message).toBe(`Could not download the image of task ${TASK_ID}`);
		expect(error.description).toMatch(/127\.0\.0\.1:\d+ did not send the image within 120 seconds/);
		expect(host.written()).toBeLessThan(16 * MB);
	});

	it('accepts an image up to the default limit of 50 MB', async () => {
		taskWithImage(`${CDN_HOST}/attachments/upscale.png`);
		nock(CDN_HOST)
			.get('/attachments/upscale.png')
			.reply(200, Buffer.concat([PNG_BYTES, Buffer.alloc(2 * MB - PNG_BYTES.length, 1)]), {
				'Content-Type': 'image/png',
			});

		const { fake, output } = await runNode({ params: fetchWithDownload() });

		expect(fake.binaries).toEqual([{ fileName: `${TASK_ID}.png`, mimeType: 'image/png', size: 2 * MB }]);
		expect(output[0].binary?.data).toBeDefined();
	});

	it('asks n8n for a stream, a timeout and no redirects of its own', async () => {
		taskWithImage(`${CDN_HOST}/attachments/grid.png`);
		nock(CDN_HOST).get('/attachments/grid.png').reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });

		const { fake } = await runNode({ params: fetchWithDownload() });

		expect(fake.plainOptions[0]).toMatchObject({
			encoding: 'stream',
			disableFollowRedirect: true,
			timeout: 60000,
		});
		expect(fake.plainOptions[0].headers).toBeUndefined();
	});

	it('downloads at most the main image and four quadrants, however many links a task lists', async () => {
		const many = Array.from({ length: 12 }, (_, n) => `${CDN_HOST}/attachments/q${n + 1}.png`);
		taskWithImage(`${CDN_HOST}/attachments/grid.png`, many);
		const cdn = nock(CDN_HOST)
			.get(/\.png$/)
			.times(13)
			.reply(200, PNG_BYTES, { 'Content-Type': 'image/png' });

		const { output } = await runNode({ params: fetchWithDownload({ downloadQuadrants: true }) });

		expect(Object.keys(output[0].binary ?? {})).toEqual(['data', 'data_1', 'data_2', 'data_3', 'data_4']);
		expect(cdn.pendingMocks()).toHaveLength(1);
	});
});

describe('Image downloads never reach inside the network', () => {
	it.each([
		['http://169.254.169.254/latest/meta-data/iam', '169.254.169.254', 'link-local'],
		['http://[::ffff:169.254.169.254]/latest', '[::ffff:a9fe:a9fe]', 'link-local'],
		['http://2852039166/latest', '169.254.169.254', 'link-local'],
		['http://10.0.0.7/admin.png', '10.0.0.7', 'private network'],
		['http://192.168.1.1/x.png', '192.168.1.1', 'private network'],
		['http://127.0.0.1:5678/rest/settings', '127.0.0.1', 'loopback'],
		['http://localhost:5678/healthz', 'localhost', 'loopback'],
		['http://[::1]/x.png', '[::1]', 'loopback'],
		['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal', 'local network'],
	])('refuses %s before any request', async (imageUrl, host, kind) => {
		taskWithImage(imageUrl);
		const inside = nock(new URL(imageUrl).origin).get(/.*/).reply(200, 'secret');

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.message).toContain(`Refused to download the image of task ${TASK_ID} from ${host}`);
		expect(error.message).toContain(kind);
		expect(inside.isDone()).toBe(false);
	});

	it.each(['file:///etc/passwd', 'ftp://cdn.example/x.png', 'data:image/png;base64,AAAA'])(
		'refuses a %s link: http and https only',
		async (imageUrl) => {
			taskWithImage(imageUrl);

			const error = await runNodeError({ params: fetchWithDownload() });

			expect(error.message).toBe(
				`Refused to download the image of task ${TASK_ID}: only http and https links are downloaded`,
			);
		},
	);

	it('names the task (not "Invalid URL") when the image link cannot be parsed', async () => {
		taskWithImage('https://exa mple.com/%%%');

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.message).toBe(`The image link of task ${TASK_ID} is not a valid URL`);
		expect(error.context?.task_id).toBe(TASK_ID);
	});

	it('checks every redirect hop: a CDN that forwards to the metadata address is refused', async () => {
		taskWithImage(`${CDN_HOST}/attachments/grid.png`);
		nock(CDN_HOST).get('/attachments/grid.png').reply(302, '', { Location: 'http://169.254.169.254/latest' });
		const metadata = nock('http://169.254.169.254').get(/.*/).reply(200, 'secret');

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.message).toContain('from 169.254.169.254: a link-local address');
		expect(metadata.isDone()).toBe(false);
	});

	it('follows a redirect to another public host, checked and without credentials', async () => {
		taskWithImage(`${CDN_HOST}/attachments/grid.png`);
		nock(CDN_HOST).get('/attachments/grid.png').reply(301, '', { Location: 'https://media.cdn-two.test/grid.png' });
		let authorization: unknown = 'not seen';
		nock('https://media.cdn-two.test')
			.get('/grid.png')
			.reply(function () {
				authorization = this.req.headers.authorization;
				return [200, PNG_BYTES, { 'Content-Type': 'image/png' }];
			});

		const { output } = await runNode({ params: fetchWithDownload() });

		expect(output[0].binary?.data).toBeDefined();
		expect(authorization).toBeUndefined();
	});

	it('refuses a redirect from https down to plain http', async () => {
		taskWithImage(`${CDN_HOST}/attachments/grid.png`);
		nock(CDN_HOST)
			.get('/attachments/grid.png')
			.reply(302, '', { Location: 'http://cdn.linkrapi-images.test/grid.png' });

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.message).toContain('redirected from https to plain http');
	});

	it('stops after three redirects', async () => {
		taskWithImage(`${CDN_HOST}/r0.png`);
		for (let hop = 0; hop < 4; hop++) {
			nock(CDN_HOST)
				.get(`/r${hop}.png`)
				.reply(302, '', { Location: `/r${hop + 1}.png` });
		}

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.description).toContain('redirected more than 3 times');
	});

	it('never puts the signed link into an error, only its host', async () => {
		taskWithImage(`${CDN_HOST}/attachments/grid.png?ex=1234&is=5678&hm=signature-secret`);
		nock(CDN_HOST)
			.get(/grid\.png/)
			.reply(404, 'gone');

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.description).toContain('GET cdn.linkrapi-images.test failed with HTTP 404');
		expect(JSON.stringify({ message: error.message, description: error.description })).not.toContain(
			'signature-secret',
		);
	});

	it('allows images on this machine when the Base URL is loopback (the simulator)', async () => {
		nock('http://127.0.0.1:4010')
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, { ...completedGrid(), image_url: 'http://127.0.0.1:4011/images/grid.png' });
		const cdn = nock('http://127.0.0.1:4011').get('/images/grid.png').reply(200, PNG_BYTES);

		const { output } = await runNode({
			params: fetchWithDownload(),
			credentials: { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:4010/api/v1' },
		});

		expect(cdn.isDone()).toBe(true);
		expect(output[0].binary?.data).toBeDefined();
	});
});

describe('downloadImage on what n8n may hand back', () => {
	const limits = { maxBytes: MB, allowPrivateHosts: false };
	const URL_OF_IMAGE = 'https://cdn.example/grid.png?hm=signed';

	/** A webhook-like context (no cancel signal) whose plain request helper answers `answer`. */
	function contextAnswering(answer: () => Promise<unknown>) {
		return {
			getNode: () => ({ name: 'LinkrAPI' }),
			helpers: {
				httpRequest: answer,
				prepareBinaryData: async (data: Buffer, fileName: string, mimeType: string) => ({
					data: data.toString('base64'),
					fileName,
					mimeType,
				}),
			},
		} as unknown as IWebhookFunctions;
	}

	const run = async (answer: () => Promise<unknown>) =>
		await downloadImage(contextAnswering(answer), URL_OF_IMAGE, 'x.png', 0, TASK_ID, limits);

	it('an n8n that ignores encoding: "stream" and returns a Buffer: the limit still holds', async () => {
		const small = await run(async () => ({ statusCode: 200, headers: {}, body: PNG_BYTES }));
		expect(small).toMatchObject({ fileName: 'x.png', mimeType: 'image/png' });

		await expect(run(async () => ({ statusCode: 200, headers: {}, body: Buffer.alloc(MB + 1) }))).rejects.toThrow(
			`The image of task ${TASK_ID} from cdn.example is larger than the 1 MB limit`,
		);
	});

	it('a body that is neither a stream nor bytes fails naming the task', async () => {
		await expect(run(async () => ({ statusCode: 200, headers: {}, body: { odd: true } }))).rejects.toMatchObject({
			message: `Could not download the image of task ${TASK_ID}`,
			description: expect.stringContaining('cdn.example sent no readable body'),
		});
	});

	it('a network failure names its code and the host, not the signed link', async () => {
		const error = await run(async () => {
			throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${URL_OF_IMAGE}`), { code: 'ENOTFOUND' });
		}).catch((caught: Error & { description?: string }) => caught);

		expect((error as { description?: string }).description).toContain('GET cdn.example failed (ENOTFOUND)');
		expect(JSON.stringify(error)).not.toContain('hm=signed');
	});

	it('a stream that breaks off midway fails naming the task', async () => {
		async function* broken() {
			yield Buffer.alloc(10);
			throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
		}
		await expect(run(async () => ({ statusCode: 200, headers: {}, body: broken() }))).rejects.toMatchObject({
			message: `Could not download the image of task ${TASK_ID}`,
			description: expect.stringContaining('The download was interrupted (ECONNRESET)'),
		});
	});

	it('a redirect to an unreadable address fails naming the host that sent it', async () => {
		await expect(
			run(async () => ({ statusCode: 302, headers: { location: 'http://[not-an-ip' }, body: undefined })),
		).rejects.toMatchObject({
			description: expect.stringContaining('cdn.example redirected to an unreadable address'),
		});
	});

	it.each([
		['a PNG', PNG_BYTES, 'image/png', 'x.png'],
		['a JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]), 'image/jpeg', 'x.jpg'],
		['a WebP', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), 'image/webp', 'x.webp'],
		['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'image/gif', 'x.gif'],
	])('stores %s by what its bytes are, whatever the host declares', async (_name, body, mimeType, fileName) => {
		const binary = await run(async () => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body }));

		expect(binary).toMatchObject({ mimeType, fileName });
	});

	it('refuses a body that is no image, naming the task, the host and what it declared', async () => {
		const error = await run(async () => ({
			statusCode: 200,
			headers: { 'content-type': 'image/png; charset=utf-8' },
			body: Buffer.from('<!doctype html><title>Sign in</title>'),
		})).catch((caught: Error & { description?: string }) => caught);

		expect(error.message).toBe(`The file of task ${TASK_ID} from cdn.example is not an image`);
		expect((error as { description?: string }).description).toContain(
			'cdn.example sent 37 bytes (image/png) that are no PNG, JPEG, WebP or GIF image',
		);
		expect((error as { description?: string }).description).toContain(`Task ID: ${TASK_ID}.`);
	});

	it('does not quote a Content-Type that is no media type', async () => {
		const error = await run(async () => ({
			statusCode: 200,
			headers: { 'content-type': 'text/html\u2028--tile' },
			body: Buffer.from('nope'),
		})).catch((caught: Error & { description?: string }) => caught);

		expect((error as { description?: string }).description).toContain('(no usable Content-Type)');
	});
});

describe('A download that is no image fails the item', () => {
	it('an HTML page served as image/png fails the item, naming the task and the host', async () => {
		taskWithImage(`${CDN_HOST}/attachments/grid.png`);
		nock(CDN_HOST)
			.get('/attachments/grid.png')
			.reply(200, '<html><body>Access denied</body></html>', { 'Content-Type': 'image/png' });

		const error = await runNodeError({ params: fetchWithDownload() });

		expect(error.message).toBe(`The file of task ${TASK_ID} from cdn.linkrapi-images.test is not an image`);
		expect(error.context?.task_id).toBe(TASK_ID);
	});
});
