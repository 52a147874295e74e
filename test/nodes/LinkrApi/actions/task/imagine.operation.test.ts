import nock from 'nock';

import { API_HOST, API_KEY, CDN_HOST } from '../../../../helpers/execute-context';
import {
	completedGrid,
	failedTask,
	imagineParameters,
	PNG_BYTES,
	runningTask,
	submitted,
	TASK_ID,
} from '../../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../../helpers/run-node';
import { gapsBetween } from '../../../../helpers/virtual-clock';
import { useVirtualClock } from '../../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

const clock = useVirtualClock();
const imagine = imagineParameters;
const api = () => nock(API_HOST).matchHeader('authorization', `Bearer ${API_KEY}`);

/**
 * Accepts one imagine, then answers its polls with these statuses (progress 0 while queued, else 50) and finally with the completed grid.
 * Returns the scope and the (virtual) times at which the submit and every poll arrived.
 */
function serveStatusSequence(statuses: string[]): { scope: nock.Scope; requestTimes: number[] } {
	const requestTimes: number[] = [];
	const scope = api()
		.post('/api/v1/imagine')
		.reply(() => {
			requestTimes.push(clock.now());
			return [200, submitted()];
		});
	scope
		.get(`/api/v1/fetch/${TASK_ID}`)
		.times(statuses.length + 1)
		.reply(() => {
			const status = statuses[requestTimes.length - 1];
			requestTimes.push(clock.now());
			return [200, status ? runningTask(status, status === 'queued' ? 0 : 50) : completedGrid()];
		});
	return { scope, requestTimes };
}

describe('Imagine', () => {
	it('submits the trimmed prompt with the bearer key and polls through the newer statuses to completion', async () => {
		const scope = api().post('/api/v1/imagine', { prompt: 'a cat' }).reply(200, submitted());
		for (const [status, progress] of [
			['queued', 0],
			['sending', 0],
			['starting', 5],
			['processing', 45],
			['uploading', 95],
		] as const) {
			scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask(status, progress));
		}
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		const { output } = await runNode({
			params: imagine({ prompt: '  a cat \n' }),
		});

		expect(scope.isDone()).toBe(true);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toMatchObject({
			task_id: TASK_ID,
			status: 'completed',
			progress: 100,
			image_url: completedGrid().image_url,
			images: completedGrid().images,
			grid_url: completedGrid().grid_url,
			message_id: '1234567890123456789',
			error: null,
		});
		expect(output[0].json.actions).toEqual([
			{
				name: 'upsample1',
				button: 'Upscale Image 1',
				label: 'U1',
				custom_id: `MJ::JOB::upsample::1::${TASK_ID}`,
			},
			{
				name: 'upsample2',
				button: 'Upscale Image 2',
				label: 'U2',
				custom_id: `MJ::JOB::upsample::2::${TASK_ID}`,
			},
			{
				name: 'variation1',
				button: 'Vary Image 1',
				label: 'V1',
				custom_id: `MJ::JOB::variation::1::${TASK_ID}`,
			},
			{
				name: 'reroll',
				button: 'Reroll',
				label: '🔄',
				custom_id: `MJ::JOB::reroll::0::${TASK_ID}::SOLO`,
			},
		]);
	});

	it('polls through the older pending → processing → completed vocabulary', async () => {
		const scope = api().post('/api/v1/imagine').reply(200, submitted());
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('pending', 0));
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('processing', 60));
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		const { output } = await runNode({ params: imagine() });

		expect(scope.isDone()).toBe(true);
		expect(output[0].json.status).toBe('completed');
	});

	it('treats an unknown status as still running and keeps polling', async () => {
		const scope = api().post('/api/v1/imagine').reply(200, submitted());
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('moderating', null));
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, runningTask('moderating', null));
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		const { output } = await runNode({ params: imagine() });

		expect(scope.isDone()).toBe(true);
		expect(output[0].json.status).toBe('completed');
	});

	it('waits the poll interval between polls of a running task, and never less than 2 seconds', async () => {
		const { scope, requestTimes } = serveStatusSequence(['processing', 'processing']);

		await runNode({ params: imagine({ options: { pollInterval: 1 } }) });

		expect(scope.isDone()).toBe(true);
		const gaps = gapsBetween(requestTimes);
		expect(gaps).toHaveLength(3);
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1995);
	});

	it('sends the reference image and callback URL when given', async () => {
		const scope = api()
			.post('/api/v1/imagine', {
				prompt: 'a cat',
				reference_image: 'https://example.com/ref.webp',
				webhook_url: 'https://n8n.example.com/webhook/abc',
			})
			.reply(200, submitted());

		const { output } = await runNode({
			params: imagine({
				referenceImageUrl: 'https://example.com/ref.webp',
				callbackUrl: 'https://n8n.example.com/webhook/abc',
				waitMode: 'none',
			}),
		});

		expect(scope.isDone()).toBe(true);
		expect(output[0].json).toEqual({
			task_id: TASK_ID,
			action: 'imagine',
			status: 'submitted',
			prompt: 'a cat',
			submit_status: 'SUCCESS',
			message: 'Task submitted successfully',
			final_prompt: 'a cat',
		});
	});

	it('appends Midjourney parameters to the prompt it sends and outputs the final prompt', async () => {
		const scope = api()
			.post('/api/v1/imagine', { prompt: 'a cat --ar 2:3 --v 7 --style raw' })
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, completedGrid());

		const { output } = await runNode({
			params: imagine({ midjourneyParameters: { aspectRatio: '2:3', version: '7', styleRaw: true } }),
		});

		expect(scope.isDone()).toBe(true);
		expect(output[0].json.final_prompt).toBe('a cat --ar 2:3 --v 7 --style raw');
	});

	it('refuses a parameter the prompt already sets, before any request', async () => {
		const error = await runNodeError({
			params: imagine({ prompt: 'a cat --ar 1:1', midjourneyParameters: { aspectRatio: '2:3' } }),
		});
		expect(error.message).toBe('The prompt already sets --ar, and "Aspect Ratio" sets it too');
	});

	it('refuses parameters slipped into Exclude before any request, naming the field', async () => {
		const error = await runNodeError({
			params: imagine({ midjourneyParameters: { exclude: 'dogs --v 4 --tile' } }),
		});
		expect(error.message).toBe('"Exclude" cannot hold Midjourney parameters');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('rejects an empty prompt before any request, naming the field', async () => {
		const error = await runNodeError({ params: imagine({ prompt: '   ' }) });
		expect(error.message).toBe('The "Prompt" field is empty');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it.each([
		['ftp://example.com/a.png', 'must be an http or https URL'],
		['not a url', 'is not a valid URL'],
		['https://example.com/a.gif', 'points to a .gif file, which LinkrAPI does not accept'],
	])('rejects the reference image %s with a clear message', async (url, message) => {
		const error = await runNodeError({
			params: imagine({ referenceImageUrl: url }),
		});
		expect(error.message).toContain('"Reference Image URL"');
		expect(error.message).toContain(message);
	});

	it('refuses a reference image URL with spaces in it, so no parameters ride along, before any request', async () => {
		const error = await runNodeError({
			params: imagine({ referenceImageUrl: 'https://example.com/ref.png?size=1 --v 4 --tile' }),
		});
		expect(error.message).toBe('The "Reference Image URL" field has spaces in it');
		expect(error.description).toContain('%20');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('sends the reference image as the URL it checked, in its parsed form', async () => {
		const scope = api()
			.post('/api/v1/imagine', { prompt: 'a cat', reference_image: 'https://example.com/ref.webp' })
			.reply(200, submitted());

		await runNode({ params: imagine({ referenceImageUrl: 'HTTPS://Example.COM/ref.webp', waitMode: 'none' }) });

		expect(scope.isDone()).toBe(true);
	});

	it('lists the accepted formats when the reference image has another extension', async () => {
		const error = await runNodeError({
			params: imagine({ referenceImageUrl: 'https://example.com/a.bmp' }),
		});
		expect(error.description).toContain('JPG, JPEG, PNG or WebP');
	});

	it('fails with the Midjourney error and the task id when the task fails', async () => {
		api()
			.post('/api/v1/imagine')
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, failedTask('Banned prompt detected: "gore"'));

		const error = await runNodeError({ params: imagine() });

		expect(error.message).toBe(`Midjourney could not finish task ${TASK_ID}: Banned prompt detected: "gore"`);
		expect(error.description).toContain(`Task ID: ${TASK_ID}`);
	});

	it('fails with the task id when LinkrAPI reports a server-side timeout', async () => {
		api()
			.post('/api/v1/imagine')
			.reply(200, submitted())
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(200, failedTask(null, 'timeout'));

		const error = await runNodeError({ params: imagine() });

		expect(error.message).toBe(`Midjourney did not finish task ${TASK_ID} in time`);
		expect(error.description).toContain(TASK_ID);
	});

	it('stops at Max Wait with an error that carries task id, last status and progress', async () => {
		const scope = api().post('/api/v1/imagine').reply(200, submitted());
		scope.get(`/api/v1/fetch/${TASK_ID}`).times(100).reply(200, runningTask('processing', 40));

		const error = await runNodeError({
			params: imagine({ options: { maxWait: 0.5, pollInterval: 10 } }),
		});

		expect(error.message).toBe(
			`Task ${TASK_ID} did not finish within Max Wait (0.5 min), last status "processing" at 40%`,
		);
		expect(error.description).toContain('Fetch operation');
		expect(clock.elapsedMs()).toBeGreaterThanOrEqual(30000);
		expect(clock.elapsedMs()).toBeLessThan(31000);
	});

	it('outputs the last status at Max Wait when On Timeout is "Output Last Status"', async () => {
		const scope = api().post('/api/v1/imagine').reply(200, submitted());
		scope.get(`/api/v1/fetch/${TASK_ID}`).times(100).reply(200, runningTask('queued', 0));

		const { output } = await runNode({
			params: imagine({
				options: { maxWait: 1, pollInterval: 5, onTimeout: 'output' },
			}),
		});

		expect(output[0].json).toMatchObject({
			task_id: TASK_ID,
			status: 'queued',
			wait_timed_out: true,
		});
	});

	it('polls a task that sits queued with no job of its own ahead every Poll Interval, as it may start any time', async () => {
		const { scope, requestTimes } = serveStatusSequence([
			'queued',
			'queued',
			'queued',
			'queued',
			'processing',
			'processing',
		]);

		await runNode({ params: imagine({ options: { pollInterval: 5 } }) });

		expect(scope.isDone()).toBe(true);
		const gapsInSeconds = gapsBetween(requestTimes).map((ms) => Math.round(ms / 1000));
		expect(gapsInSeconds).toEqual([5, 5, 5, 5, 5, 5, 5]);
	});

	it('downloads the image and the four quadrants as binary data without sending the API key to the image host', async () => {
		api().post('/api/v1/imagine').reply(200, submitted()).get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		const seenAuthorization: Array<string | undefined> = [];
		const cdn = nock(CDN_HOST)
			.get(/\/attachments\/.*\.png$/)
			.times(5)
			.reply(function () {
				seenAuthorization.push(this.req.headers.authorization as string | undefined);
				return [200, PNG_BYTES, { 'Content-Type': 'image/png; charset=binary' }];
			});

		const { output, fake } = await runNode({
			params: imagine({
				options: {
					downloadImage: true,
					downloadQuadrants: true,
					binaryPropertyName: 'image',
				},
			}),
		});

		expect(cdn.isDone()).toBe(true);
		expect(seenAuthorization).toEqual([undefined, undefined, undefined, undefined, undefined]);
		expect(Object.keys(output[0].binary ?? {})).toEqual(['image', 'image_1', 'image_2', 'image_3', 'image_4']);
		expect(output[0].binary?.image).toMatchObject({
			fileName: `${TASK_ID}.png`,
			mimeType: 'image/png',
		});
		expect(fake.binaries[0]).toEqual({
			fileName: `${TASK_ID}.png`,
			mimeType: 'image/png',
			size: PNG_BYTES.length,
		});
	});

	it('names the task when the image download fails', async () => {
		api().post('/api/v1/imagine').reply(200, submitted()).get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());
		nock(CDN_HOST)
			.get(/grid\.png$/)
			.reply(403, 'expired');

		const error = await runNodeError({
			params: imagine({ options: { downloadImage: true } }),
		});

		expect(error.message).toBe(`Could not download the image of task ${TASK_ID}`);
		expect(error.description).toContain('HTTP 403');
		expect(error.description).toContain(TASK_ID);
	});

	it('stops waiting at once when the execution is cancelled', async () => {
		const controller = new AbortController();
		const scope = api().post('/api/v1/imagine').reply(200, submitted());
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(() => {
			controller.abort();
			return [200, runningTask('processing', 10)];
		});
		scope.get(`/api/v1/fetch/${TASK_ID}`).reply(200, completedGrid());

		await expect(runNode({ params: imagine(), signal: controller.signal })).rejects.toThrow();
		expect(scope.pendingMocks()).toHaveLength(1);
	});
});
