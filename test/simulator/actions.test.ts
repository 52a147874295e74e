import { ACTION_NOT_FOUND_DETAIL, SubmitResponse, type TaskComponent } from '../../simulator/contract';
import { action, download, fetchTask, imagine, pngDimensions, useSimulator } from '../helpers/simulator';

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

	async function completedUpscale(prompt = 'a red fox --ar 1:1'): Promise<Record<string, unknown>> {
		const grid = await completedGrid(prompt);
		return runAction(grid.task_id as string, 'upsample1');
	}

	const kindsOf = (task: Record<string, unknown>) =>
		(task.components as TaskComponent[]).map(
			(c) => /^MJ::(?:JOB::)?(.+)::1::[0-9a-f-]{36}::SOLO$/.exec(c.custom_id)?.[1],
		);

	it('gives a v7 upscale its buttons: upscale subtle/creative, vary, zoom and pan (arrows without label)', async () => {
		const upscale = await completedUpscale();
		expect(kindsOf(upscale)).toEqual([
			'upsample_v7_2x_subtle',
			'upsample_v7_2x_creative',
			'low_variation',
			'high_variation',
			'Outpaint::50',
			'Outpaint::75',
			'pan_left',
			'pan_right',
			'pan_up',
			'pan_down',
		]);
		const components = upscale.components as TaskComponent[];
		expect(components.map((c) => c.label).slice(0, 6)).toEqual([
			'Upscale (Subtle)',
			'Upscale (Creative)',
			'Vary (Subtle)',
			'Vary (Strong)',
			'Zoom Out 2x',
			'Zoom Out 1.5x',
		]);
		expect(components[6]).toMatchObject({ label: '', emoji: { name: '⬅️' } });
	});

	it('adds Make Square under an image that is not square', async () => {
		expect(kindsOf(await completedUpscale('a red fox --ar 16:9'))).toContain('Outpaint::100');
	});

	it.each([
		['--v 6', 'upsample_v6_2x_subtle'],
		['--v 6.1', 'upsample_v6r1_2x_subtle'],
		['--niji 6', 'upsample_v6_2x_subtle'],
	])('names the upscales by the version: %s', async (flag, kind) => {
		expect(kindsOf(await completedUpscale(`a red fox ${flag}`))[0]).toBe(kind);
	});

	it('gives a v5 upscale Upscale (2x) and (4x) instead of subtle and creative', async () => {
		const kinds = kindsOf(await completedUpscale('a red fox --v 5.2'));
		expect(kinds.slice(0, 2)).toEqual(['upsample_v5_2x', 'upsample_v5_4x']);
		expect(kinds.join()).not.toMatch(/subtle|creative/);
	});

	it('Upscale (Creative) makes one bigger image that has the upscale buttons again', async () => {
		const upscale = await completedUpscale();
		const creative = await runAction(upscale.task_id as string, (upscale.components as TaskComponent[])[1].custom_id);
		expect(creative).toMatchObject({ action: 'upsample_v7_2x_creative', status: 'completed' });
		expect(creative).not.toHaveProperty('images');
		expect(kindsOf(creative)[0]).toBe('upsample_v7_2x_subtle');
		expect(pngDimensions(Buffer.from((await download(creative.image_url as string)).data))).toEqual({
			width: 256,
			height: 256,
		});
	});

	it('Zoom Out 2x makes a new grid, whose images can be upscaled again', async () => {
		const upscale = await completedUpscale();
		const zoom = await runAction(upscale.task_id as string, (upscale.components as TaskComponent[])[4].custom_id);
		expect(zoom).toMatchObject({ action: 'outpaint_50', status: 'completed' });
		expect(zoom.images).toHaveLength(4);
		expect((zoom.components as TaskComponent[]).map((c) => c.label)[0]).toBe('U1');
		const again = await runAction(zoom.task_id as string, 'upsample1');
		expect(again).toMatchObject({ action: 'upsample1', status: 'completed' });
	});

	it.each([
		[2, 'low_variation'],
		[3, 'high_variation'],
		[6, 'pan_left'],
		[9, 'pan_down'],
	])('button %i (%s) makes a new grid', async (index, name) => {
		const upscale = await completedUpscale();
		const task = await runAction(upscale.task_id as string, (upscale.components as TaskComponent[])[index].custom_id);
		expect(task).toMatchObject({ action: name });
		expect(task.images).toHaveLength(4);
	});

	it('a grid has no upscale buttons, an upscale no grid buttons', async () => {
		const grid = await completedGrid();
		const upscale = await runAction(grid.task_id as string, 'upsample1');
		const zoomOfUpscale = (upscale.components as TaskComponent[])[4].custom_id;
		expect((await action(h.api, grid.task_id as string, zoomOfUpscale)).data).toEqual({
			detail: ACTION_NOT_FOUND_DETAIL,
		});
		expect((await action(h.api, upscale.task_id as string, 'upsample2')).data).toEqual({
			detail: ACTION_NOT_FOUND_DETAIL,
		});
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
