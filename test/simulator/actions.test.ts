import { ACTION_NOT_FOUND_DETAIL, SubmitResponse, type TaskComponent } from '../../simulator/contract';
import { action, download, fetchTask, imagine, pngDimensions, useSimulator } from './helpers';

describe('POST /v1/action (manual clock, 1000 ms tasks)', () => {
	const h = useSimulator();

	async function completedGrid(prompt = 'a red fox --ar 1:1'): Promise<Record<string, unknown>> {
		const id = await imagine(h.api, prompt);
		h.clock!.advance(1000);
		return fetchTask(h.api, id);
	}

	async function runAction(taskId: string, name: string): Promise<Record<string, unknown>> {
		const response = await action(h.api, taskId, name);
		expect(response.status).toBe(200);
		expect(SubmitResponse.parse(response.data)).toMatchObject({
			status: 'SUCCESS',
			message: 'Action submitted successfully',
		});
		h.clock!.advance(1000);
		return fetchTask(h.api, response.data.task_id);
	}

	it('gives a grid the Midjourney buttons U1–U4, 🔄, V1–V4 with MJ::JOB custom_ids', async () => {
		const grid = await completedGrid();
		const components = grid.components as TaskComponent[];
		expect(components.map((c) => c.label)).toEqual(['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
		const jobId = /^MJ::JOB::upsample::1::([0-9a-f-]{36})$/.exec(components[0].custom_id)?.[1];
		expect(jobId).toBeDefined();
		expect(components[4].custom_id).toBe(`MJ::JOB::reroll::0::${jobId}::SOLO`);
		expect(components[6].custom_id).toBe(`MJ::JOB::variation::2::${jobId}`);
		expect(components.every((c) => c.style === 2)).toBe(true);
	});

	it.each(['upsample1', 'upsample2', 'upsample3', 'upsample4'])('%s makes a single upscaled image', async (name) => {
		const grid = await completedGrid();
		const upscale = await runAction(grid.task_id as string, name);
		expect(upscale).toMatchObject({
			action: name,
			status: 'completed',
			prompt: grid.prompt,
		});
		expect(upscale).not.toHaveProperty('images');
		const image = await download(upscale.image_url as string);
		expect(pngDimensions(Buffer.from(image.data))).toEqual({
			width: 128,
			height: 128,
		});
	});

	it('upscales the quadrant it names: upsample3 shows the same picture as the grid image _3.png', async () => {
		const grid = await completedGrid();
		const upscale = await runAction(grid.task_id as string, 'upsample3');
		const quadrants = await Promise.all(
			(grid.images as string[]).map(async (url) => Buffer.from((await download(url)).data)),
		);
		const upscaled = Buffer.from((await download(upscale.image_url as string)).data);
		expect(quadrants.map((q) => q.equals(upscaled))).toEqual([false, false, true, false]);
	});

	it.each(['variation2', 'reroll'])('%s makes a new grid with its own buttons', async (name) => {
		const grid = await completedGrid();
		const result = await runAction(grid.task_id as string, name);
		expect(result).toMatchObject({ action: name, status: 'completed' });
		expect(result.images).toHaveLength(4);
		expect((result.components as TaskComponent[]).map((c) => c.label)).toContain('U1');
		expect(result.image_url).not.toBe(grid.image_url);
	});

	it("accepts a raw custom_id from the task's components", async () => {
		const grid = await completedGrid();
		const variation3 = (grid.components as TaskComponent[]).find((c) => c.label === 'V3')!;
		const result = await runAction(grid.task_id as string, variation3.custom_id);
		expect(result.action).toBe('variation3');
	});

	it('rejects a button label such as U1 with the observed 400', async () => {
		const grid = await completedGrid();
		const response = await action(h.api, grid.task_id as string, 'U1');
		expect(response.status).toBe(400);
		expect(response.data).toEqual({ detail: ACTION_NOT_FOUND_DETAIL });
	});

	it("rejects a custom_id that belongs to another task's buttons", async () => {
		const first = await completedGrid();
		const second = await completedGrid();
		const foreign = (second.components as TaskComponent[])[0].custom_id;
		const response = await action(h.api, first.task_id as string, foreign);
		expect(response.status).toBe(400);
		expect(response.data).toEqual({ detail: ACTION_NOT_FOUND_DETAIL });
	});

	it('rejects an action on a task that is not completed yet', async () => {
		const id = await imagine(h.api, 'a red fox');
		const response = await action(h.api, id, 'upsample1');
		expect(response.status).toBe(400);
		expect(response.data.detail).toMatch(/not completed \(status: sending\)/);
	});

	it('rejects an action on a failed task', async () => {
		const id = await imagine(h.api, 'a red fox [[fail]]');
		h.clock!.advance(1000);
		expect((await action(h.api, id, 'upsample1')).status).toBe(400);
	});

	it('answers 404 for an unknown original task', async () => {
		const response = await action(h.api, '00000000-0000-0000-0000-000000000000', 'upsample1');
		expect(response.status).toBe(404);
		expect(response.data).toEqual({ detail: 'Task not found' });
	});

	it('gives an upscale the v7 buttons; their custom_ids work, documented grid names do not', async () => {
		const grid = await completedGrid();
		const upscale = await runAction(grid.task_id as string, 'upsample1');
		const components = upscale.components as TaskComponent[];
		expect(components.map((c) => c.label)).toEqual([
			'Upscale (Subtle)',
			'Upscale (Creative)',
			'Vary (Subtle)',
			'Vary (Strong)',
		]);
		expect(components[0].custom_id).toMatch(/^MJ::JOB::upsample_v7_2x_subtle::1::[0-9a-f-]{36}::SOLO$/);

		expect((await action(h.api, upscale.task_id as string, 'upsample1')).data).toEqual({
			detail: ACTION_NOT_FOUND_DETAIL,
		});

		const subtle = await runAction(upscale.task_id as string, components[0].custom_id);
		expect(subtle).toMatchObject({
			action: 'upsample_v7_2x_subtle',
			status: 'completed',
			components: null,
		});
		expect(pngDimensions(Buffer.from((await download(subtle.image_url as string)).data))).toEqual({
			width: 256,
			height: 256,
		});

		const vary = await runAction(upscale.task_id as string, components[3].custom_id);
		expect(vary).toMatchObject({ action: 'high_variation' });
		expect(vary.images).toHaveLength(4);
	});

	it('records the parent task of an action task', async () => {
		const grid = await completedGrid();
		const upscale = await runAction(grid.task_id as string, 'upsample2');
		const record = h.sim.inspect().tasks.find((t) => t.task_id === upscale.task_id);
		expect(record).toMatchObject({
			action: 'upsample2',
			parent_task_id: grid.task_id,
		});
	});
});
