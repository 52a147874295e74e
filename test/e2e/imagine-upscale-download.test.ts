import { assertExecutionStatus, nodeOutput } from '../../real-n8n/harness';
import { E2E_TEST_TIMEOUT_MS, useTestbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Imagine → wait → Upscale 2 → download, in a real n8n', () => {
	const bed = useTestbed();

	it('outputs the upscaled image as PNG binary data, downloaded without the API key', async () => {
		const workflow = await bed.deploy('imagine-upscale-download.json');

		const run = await bed.run(workflow, {
			prompt: 'a lighthouse at dawn, watercolor --ar 1:1',
		});

		assertExecutionStatus(run.execution, 'success');
		expect(run.httpStatus).toBe(200);
		const [grid] = nodeOutput(run.execution, 'Imagine');
		expect(grid.json).toMatchObject({
			status: 'completed',
			prompt: 'a lighthouse at dawn, watercolor --ar 1:1',
		});
		expect(grid.json.actions).toEqual(
			expect.arrayContaining([
				expect.objectContaining({
					name: 'upsample2',
					custom_id: expect.any(String),
				}),
			]),
		);

		const [upscaled] = nodeOutput(run.execution, 'Upscale 2');
		expect(upscaled.json).toMatchObject({
			status: 'completed',
			image_url: expect.stringContaining(bed.sim.cdnUrl),
		});
		expect(upscaled.pairedItem).toEqual({ item: 0 });
		const binary = upscaled.binary?.data;
		expect(binary).toMatchObject({
			mimeType: 'image/png',
			fileName: `${String(upscaled.json.task_id)}.png`,
		});

		const submitted = bed.sim.inspect();
		expect(submitted.counts['POST /imagine']).toBe(1);
		expect(submitted.counts['POST /action']).toBe(1);
		const actionRequest = submitted.requests.find((request) => request.route === 'POST /action');
		expect(actionRequest?.body).toMatchObject({ task_id: grid.json.task_id });
		const upscaleTask = submitted.tasks.find((task) => task.task_id === upscaled.json.task_id);
		expect(upscaleTask).toMatchObject({ parent_task_id: grid.json.task_id });

		// The image reached the CDN host without credentials: no Authorization header, no key in any header.
		expect(submitted.cdnRequests.length).toBeGreaterThanOrEqual(1);
		for (const request of submitted.cdnRequests) {
			expect(Object.keys(request.headers).map((name) => name.toLowerCase())).not.toContain('authorization');
			expect(JSON.stringify(request.headers)).not.toContain(bed.apiKey);
			expect(JSON.stringify(request.headers)).not.toMatch(/lkr_/);
		}

		// The bytes n8n stored are exactly the CDN's image.
		const stored = await bed.n8n.readBinary(binary ?? {});
		const original = Buffer.from(await (await fetch(String(upscaled.json.image_url))).arrayBuffer());
		expect(stored.subarray(0, 8)).toEqual(PNG_SIGNATURE);
		expect(stored.length).toBe(original.length);
		expect(stored.equals(original)).toBe(true);
		expect(stored.readUInt32BE(16)).toBeGreaterThan(0); // PNG width from the IHDR chunk
	});
});
