import { apiClient, fetchTask, imagine, OTHER_KEY, useSimulator } from '../helpers/simulator';

describe('per-key concurrency (manual clock, 1000 ms tasks, 3 running per key)', () => {
	const h = useSimulator({ concurrency: 3 });

	async function statuses(ids: string[], api = h.api): Promise<string[]> {
		return Promise.all(ids.map(async (id) => (await fetchTask(api, id)).status as string));
	}

	it('runs three tasks and keeps the rest queued until a slot frees', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push(await imagine(h.api, `castle ${i}`));

		expect(await statuses(ids)).toEqual(['sending', 'sending', 'sending', 'queued', 'queued']);
		h.clock!.advance(999);
		expect(await statuses(ids)).toEqual(['uploading', 'uploading', 'uploading', 'queued', 'queued']);
		h.clock!.advance(1);
		expect(await statuses(ids)).toEqual(['completed', 'completed', 'completed', 'sending', 'sending']);
		h.clock!.advance(1000);
		expect(await statuses(ids)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
	});

	it('serves the queue first come, first served as slots free one by one', async () => {
		const first = await imagine(h.api, 'castle 0');
		h.clock!.advance(300);
		const second = await imagine(h.api, 'castle 1');
		const third = await imagine(h.api, 'castle 2');
		const fourth = await imagine(h.api, 'castle 3');
		const fifth = await imagine(h.api, 'castle 4');

		h.clock!.advance(700); // the first task ends: the fourth takes its slot, the fifth still waits
		expect(await statuses([first, second, third, fourth, fifth])).toEqual([
			'completed',
			'processing',
			'processing',
			'sending',
			'queued',
		]);
		h.clock!.advance(300);
		expect(await statuses([fifth])).toEqual(['sending']);
	});

	it('frees the slot of a failed task when it fails', async () => {
		const failing = await imagine(h.api, 'castle [[fail]]');
		await imagine(h.api, 'castle 1');
		await imagine(h.api, 'castle 2');
		const waiting = await imagine(h.api, 'castle 3');
		h.clock!.advance(500);
		expect(await statuses([failing, waiting])).toEqual(['failed', 'sending']);
	});

	it('counts each key separately', async () => {
		for (let i = 0; i < 3; i++) await imagine(h.api, `castle ${i}`);
		const other = apiClient(h.sim, OTHER_KEY);
		const otherTask = await imagine(other, 'castle of the other hold');
		expect(await statuses([otherTask], other)).toEqual(['sending']);
	});

	it('reports running and queued jobs of the key in /info', async () => {
		for (let i = 0; i < 5; i++) await imagine(h.api, `castle ${i}`);
		const info = await h.api.get('/info');
		expect(info.data.data).toMatchObject({
			running_jobs: '3',
			queued_jobs_fast: '2',
		});

		const otherInfo = await apiClient(h.sim, OTHER_KEY).get('/info');
		expect(otherInfo.data.data).toMatchObject({
			running_jobs: '0',
			queued_jobs_fast: '0',
		});
	});

	it('applies a concurrency changed at runtime to new tasks', async () => {
		h.sim.configure({ concurrency: 1 });
		const first = await imagine(h.api, 'castle 0');
		const second = await imagine(h.api, 'castle 1');
		expect(await statuses([first, second])).toEqual(['sending', 'queued']);
	});
});
