import { parseCli } from '../../simulator/cli';
import { jobKindOfAction, RunTimes, type RunTimeConfig } from '../../simulator/run-times';
import { action, apiClient, fetchTask, imagine, OTHER_KEY, useSimulator } from '../helpers/simulator';

const BASE: RunTimeConfig = {
	taskDurationMs: 10000,
	upscaleDurationMs: null,
	durationSpread: 0,
	keySpeeds: {},
	seed: 1,
};

describe('run times (manual clock)', () => {
	describe('upscales shorter than grids, a relax hold slower', () => {
		const h = useSimulator({ taskDurationMs: 20000, upscaleDurationMs: 3000, keySpeeds: { [OTHER_KEY]: 3 } });

		it('runs a grid for the grid time and its upscale for the upscale time', async () => {
			const grid = await imagine(h.api, 'castle');
			h.clock!.advance(20000);
			expect((await fetchTask(h.api, grid)).status).toBe('completed');

			const upscale = (await action(h.api, grid, 'upsample2')).data.task_id as string;
			h.clock!.advance(2999);
			expect((await fetchTask(h.api, upscale)).status).not.toBe('completed');
			h.clock!.advance(1);
			expect((await fetchTask(h.api, upscale)).status).toBe('completed');
			expect(h.sim.inspect().tasks.map((task) => task.runMs)).toEqual([20000, 3000]);
		});

		it('runs the jobs of a key with speed factor 3 three times as long', async () => {
			const relax = apiClient(h.sim, OTHER_KEY);
			const slow = await imagine(relax, 'castle');
			h.clock!.advance(59999);
			expect((await fetchTask(relax, slow)).status).not.toBe('completed');
			h.clock!.advance(1);
			expect((await fetchTask(relax, slow)).status).toBe('completed');
		});

		it('never shows a speed key in its configuration', async () => {
			const config = (await h.api.get(`${h.sim.url.replace('/api/v1', '')}/__sim/config`)).data as {
				keySpeeds: Record<string, number>;
			};
			expect(Object.keys(config.keySpeeds)).toEqual(['lkr_…beef']);
		});
	});

	describe('times drawn around a median', () => {
		const h = useSimulator({ taskDurationMs: 10000, durationSpread: 0.5, seed: 7 });

		it('draws varying run times, the same ones again after a reset', async () => {
			for (let i = 0; i < 12; i++) await imagine(h.api, `castle ${i}`);
			const first = h.sim.inspect().tasks.map((task) => task.runMs);
			h.sim.reset();
			for (let i = 0; i < 12; i++) await imagine(h.api, `castle ${i}`);
			const again = h.sim.inspect().tasks.map((task) => task.runMs);

			expect(again).toEqual(first);
			expect(Math.max(...first) / Math.min(...first)).toBeGreaterThan(2);
		});
	});
});

describe('run-time draws', () => {
	it('times picking one image of a grid apart; a redrawing upscale runs for a grid’s time', () => {
		expect(jobKindOfAction('upsample1')).toBe('single');
		expect(jobKindOfAction('upsample_v7_2x_creative')).toBe('grid');
		expect(jobKindOfAction('outpaint_50')).toBe('grid');
		expect(jobKindOfAction('imagine')).toBe('grid');
		expect(jobKindOfAction('high_variation')).toBe('grid');
	});

	it('gives every job the median without spread', () => {
		const times = new RunTimes(1);
		expect([1, 2, 3].map(() => times.draw(BASE, 'imagine', 'k'))).toEqual([10000, 10000, 10000]);
	});

	it('spreads log-normally around the median: about half the draws below it, none past 2.5 deviations', () => {
		const times = new RunTimes(3);
		const config = { ...BASE, durationSpread: 0.4, seed: 3 };
		const draws = Array.from({ length: 400 }, () => times.draw(config, 'imagine', 'k'));
		const below = draws.filter((ms) => ms < 10000).length;
		expect(below).toBeGreaterThan(160);
		expect(below).toBeLessThan(240);
		expect(Math.max(...draws)).toBeLessThanOrEqual(Math.round(10000 * Math.exp(1)));
		expect(Math.min(...draws)).toBeGreaterThanOrEqual(Math.round(10000 * Math.exp(-1)));
	});

	it('starts again from a new seed', () => {
		const times = new RunTimes(1);
		const config = { ...BASE, durationSpread: 0.4 };
		const seeded = [1, 2, 3].map(() => times.draw({ ...config, seed: 5 }, 'imagine', 'k'));
		const again = new RunTimes(5);
		expect([1, 2, 3].map(() => again.draw({ ...config, seed: 5 }, 'imagine', 'k'))).toEqual(seeded);
	});

	it('reads the run-time options from the command line', () => {
		expect(
			parseCli(['--upscale-ms', '3000', '--spread', '0.4', '--key-speed', 'lkr_abc=3', '--seed', '9']),
		).toMatchObject({ upscaleDurationMs: 3000, durationSpread: 0.4, keySpeeds: { lkr_abc: 3 }, seed: 9 });
		expect(() => parseCli(['--spread', '-1'])).toThrow('--spread');
		expect(() => parseCli(['--key-speed', 'lkr_abc'])).toThrow('--key-speed');
	});
});
