import { pollUntil } from '../../real-n8n/harness';
import { Task } from '../../simulator/contract';
import { apiClient, fetchTask, imagine, useSimulator } from '../helpers/simulator';
import { startSimulator } from '../../simulator';

describe('task lifecycle, new vocabulary (manual clock, 1000 ms tasks)', () => {
	const h = useSimulator();

	it('walks sending → starting → processing (rising progress) → uploading → completed', async () => {
		const id = await imagine(h.api, 'a lighthouse at dawn');
		const submittedAt = h.clock!.now;
		const seen: Array<[number, string, number]> = [];
		for (const at of [0, 50, 100, 150, 200, 500, 799, 800, 999, 1000]) {
			h.clock!.now = submittedAt + at;
			const task = await fetchTask(h.api, id);
			seen.push([at, task.status as string, task.progress as number]);
		}
		expect(seen).toEqual([
			[0, 'sending', 0],
			[50, 'sending', 0],
			[100, 'starting', 0],
			[150, 'starting', 0],
			[200, 'processing', 0],
			[500, 'processing', 50],
			[799, 'processing', 99],
			[800, 'uploading', 100],
			[999, 'uploading', 100],
			[1000, 'completed', 100],
		]);
	});

	it('keeps image, message id and components null until completed', async () => {
		const id = await imagine(h.api, 'a lighthouse at dawn');
		h.clock!.advance(500);
		const running = await fetchTask(h.api, id);
		expect(running).toMatchObject({
			image_url: null,
			message_id: null,
			components: null,
			error: null,
		});
		expect(running).not.toHaveProperty('images');

		h.clock!.advance(500);
		const done = await fetchTask(h.api, id);
		expect(done.image_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/attachments\/\d+\/\d+\/linkr_[0-9a-f-]{36}\.png$/);
		expect(done.message_id).toMatch(/^\d{17,20}$/);
		expect((done.components as unknown[]).length).toBe(9);
		expect(done.error).toBeNull();
	});

	it('reports created_at as ISO without timezone, taken from the submit time', async () => {
		const id = await imagine(h.api, 'a lighthouse at dawn');
		const task = await fetchTask(h.api, id);
		expect(task.created_at).toBe('2025-02-26T10:30:00');
	});

	it('matches the lenient Task schema of the contract at every stage', async () => {
		const id = await imagine(h.api, 'a lighthouse at dawn');
		for (let step = 0; step <= 10; step++) {
			expect(Task.safeParse(await fetchTask(h.api, id)).success).toBe(true);
			h.clock!.advance(100);
		}
	});

	it('switches vocabulary at runtime through configure', async () => {
		const id = await imagine(h.api, 'a lighthouse at dawn');
		expect((await fetchTask(h.api, id)).status).toBe('sending');
		h.sim.configure({ vocabulary: 'old' });
		expect((await fetchTask(h.api, id)).status).toBe('pending');
	});
});

describe('task lifecycle, old vocabulary', () => {
	const h = useSimulator({ vocabulary: 'old' });

	it('speaks pending → processing → completed', async () => {
		const id = await imagine(h.api, 'a lighthouse at dawn');
		const statuses: string[] = [];
		for (let at = 0; at <= 1000; at += 100) {
			statuses.push((await fetchTask(h.api, id)).status as string);
			h.clock!.advance(100);
		}
		expect(statuses).toEqual([
			'pending',
			'pending',
			'processing',
			'processing',
			'processing',
			'processing',
			'processing',
			'processing',
			'processing',
			'processing',
			'completed',
		]);
	});
});

describe('task lifecycle in real time', () => {
	it('completes a 300 ms task after about 300 ms and records the exact completion time', async () => {
		const sim = await startSimulator({ taskDurationMs: 300 });
		try {
			const api = apiClient(sim);
			const submittedAt = Date.now();
			const id = await imagine(api, 'a lighthouse at dawn');
			const statuses: string[] = [];
			await pollUntil(
				`task ${id} to complete`,
				async () => {
					const { status } = await fetchTask(api, id);
					if (statuses[statuses.length - 1] !== status) statuses.push(status as string);
					return status === 'completed' ? true : undefined;
				},
				{ timeoutMs: 3000, intervalMs: 5 },
			);
			const noticedAt = Date.now();

			expect(statuses[0]).toBe('sending');
			expect(statuses[statuses.length - 1]).toBe('completed');
			const order = ['sending', 'starting', 'processing', 'uploading', 'completed'];
			expect(statuses.map((s) => order.indexOf(s))).toEqual(
				[...statuses.map((s) => order.indexOf(s))].sort((a, b) => a - b),
			);

			const [record] = sim.inspect().tasks;
			expect(record.completedAt).toBe(record.startedAt! + 300);
			expect(record.completedAt).toBeGreaterThanOrEqual(submittedAt + 300);
			expect(record.completedAt).toBeLessThanOrEqual(noticedAt);
			expect(record.noticedAt).toBeGreaterThanOrEqual(record.completedAt!);
		} finally {
			await sim.stop();
		}
	});
});
