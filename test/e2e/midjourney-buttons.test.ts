import { assertExecutionStatus, nodeOutput } from '../../real-n8n/harness';
import { E2E_TEST_TIMEOUT_MS, useTestbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('Midjourney buttons by name, in a real n8n', () => {
	const bed = useTestbed();

	it('Upscale 2 → Upscale (Creative) makes one image, and Upscale 2 → Zoom Out 2x a grid that upscales again', async () => {
		const workflow = await bed.deploy('midjourney-buttons.json');

		const run = await bed.run(workflow, { prompt: 'a lighthouse at dawn, watercolor --ar 3:2' });

		assertExecutionStatus(run.execution, 'success');
		const [upscale2] = nodeOutput(run.execution, 'Upscale 2');
		const upscaleId = String(upscale2.json.task_id);
		expect(upscale2.json.actions).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ button: 'Upscale (Creative)', name: null }),
				expect.objectContaining({ button: 'Zoom Out 2x' }),
				expect.objectContaining({ button: 'Make Square' }),
			]),
		);

		const [creative] = nodeOutput(run.execution, 'Upscale (Creative)');
		expect(creative.json).toMatchObject({
			status: 'completed',
			source_task_id: upscaleId,
			button: 'Upscale (Creative)',
			custom_id: expect.stringMatching(/^MJ::JOB::upsample_v7_2x_creative::1::/),
		});
		expect(creative.json).not.toHaveProperty('images');
		expect(creative.binary?.data).toMatchObject({ mimeType: 'image/png' });

		const [zoom] = nodeOutput(run.execution, 'Zoom Out 2x');
		expect(zoom.json).toMatchObject({
			status: 'completed',
			source_task_id: upscaleId,
			button: 'Zoom Out 2x',
			custom_id: expect.stringMatching(/^MJ::Outpaint::50::1::/),
		});
		expect(zoom.json.images).toHaveLength(4);

		const [zoomUpscale] = nodeOutput(run.execution, 'Upscale 1 of the zoom');
		expect(zoomUpscale.json).toMatchObject({ status: 'completed', source_task_id: zoom.json.task_id });
		const stored = await bed.n8n.readBinary(zoomUpscale.binary?.data ?? {});
		expect(stored.subarray(0, 8)).toEqual(PNG_SIGNATURE);

		// Each named button read its source task once before pressing the button LinkrAPI listed on it.
		const seen = bed.sim.inspect();
		const actionBodies = seen.requests
			.filter((request) => request.route === 'POST /action')
			.map((request) => request.body as { task_id: string; action: string });
		expect(actionBodies).toEqual(
			expect.arrayContaining([
				{ task_id: upscaleId, action: creative.json.custom_id },
				{ task_id: upscaleId, action: zoom.json.custom_id },
				{ task_id: zoom.json.task_id, action: 'upsample1' },
			]),
		);
		const zoomTask = seen.tasks.find((task) => task.task_id === zoom.json.task_id);
		expect(zoomTask).toMatchObject({ parent_task_id: upscaleId });
	});

	it('Zoom Out 2x on a grid fails the node, lists the grid’s buttons and says to upscale first', async () => {
		const workflow = await bed.deploy('midjourney-buttons.json', (json) => ({
			...json,
			nodes: json.nodes.map((node) =>
				node.name === 'Upscale 2' ? { ...node, parameters: { ...node.parameters, action: 'zoom_out_2x' } } : node,
			),
		}));

		const actionsBefore = bed.sim.inspect().counts['POST /action'] ?? 0;
		const run = await bed.run(workflow, { prompt: 'a lighthouse at dawn --ar 1:1' });

		assertExecutionStatus(run.execution, 'error');
		const failure = JSON.stringify(run.execution);
		expect(failure).toContain('has no \\"Zoom Out 2x\\" button');
		expect(failure).toContain('Upscale Image 1–4, Reroll, Vary Image 1–4');
		expect(bed.sim.inspect().counts['POST /action'] ?? 0).toBe(actionsBefore);
	});
});
