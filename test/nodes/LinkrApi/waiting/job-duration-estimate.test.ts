import {
	forgetJobDurations,
	fractionAt,
	fractionAtFullProgress,
	JobDurationEstimate,
	jobTimesFor,
	TYPICAL_RUN_MS,
} from '../../../../nodes/LinkrApi/waiting/job-duration-estimate';
import type { JobKind } from '../../../../nodes/shared/buttons/midjourney-buttons';

const API = 'https://linkrapi.test/api/v1';

describe('job duration estimate', () => {
	it('knows nothing until a job was seen ending', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(5000);
		expect(estimate.expectedMs()).toBeUndefined();
		expect(estimate.aimMs()).toBeUndefined();
	});

	it('sits between the largest lower and the smallest upper bound', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(5000);
		estimate.endedWithin(10000);
		expect(estimate.expectedMs()).toBe(7500);
		estimate.endedWithin(6500);
		estimate.stillRunningAfter(5800);
		expect(estimate.expectedMs()).toBe(6150);
	});

	it('takes a job seen ending at its first poll to have run anything up to then', () => {
		const estimate = new JobDurationEstimate();
		estimate.endedWithin(5000);
		expect(estimate.expectedMs()).toBe(2500);
		expect(estimate.aimMs()).toBe(3000);
	});

	it('drops an end that a later, longer run contradicts: the jobs got slower', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(38000);
		estimate.endedWithin(40000);
		estimate.stillRunningAfter(45000);
		expect(estimate.expectedMs()).toBeUndefined();
		estimate.endedWithin(50000);
		expect(estimate.expectedMs()).toBe(47500);
	});

	it('drops a run that a later, sooner end contradicts: the jobs got faster', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(45000);
		estimate.endedWithin(50000);
		estimate.endedWithin(20000);
		expect(estimate.expectedMs()).toBe(10000);
		estimate.stillRunningAfter(18000);
		expect(estimate.expectedMs()).toBe(19000);
	});

	it('aims polls past the middle of the bounds, since a poll too early costs a request', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(5000);
		estimate.endedWithin(10000);
		expect(estimate.aimMs()).toBe(8000);
		expect(estimate.expectedMs()).toBe(7500);
	});

	it('comes down within a few jobs once jobs end sooner', () => {
		const estimate = new JobDurationEstimate();
		for (let i = 0; i < 8; i++) {
			estimate.stillRunningAfter(19000);
			estimate.endedWithin(20500);
		}
		for (let i = 0; i < 5; i++) {
			estimate.stillRunningAfter(5500);
			estimate.endedWithin(6500);
		}
		expect(estimate.expectedMs()).toBeLessThan(7000);
	});

	it('goes up within a few jobs in a slow spell', () => {
		const estimate = new JobDurationEstimate();
		for (let i = 0; i < 8; i++) {
			estimate.stillRunningAfter(5500);
			estimate.endedWithin(6500);
		}
		for (let i = 0; i < 5; i++) {
			estimate.stillRunningAfter(19000);
			estimate.endedWithin(20500);
		}
		expect(estimate.expectedMs()).toBeGreaterThan(19000);
	});

	it('reads progress as growing evenly over the run until reports say otherwise', () => {
		const estimate = new JobDurationEstimate();
		expect(fractionAt(estimate.progressLine(), 50)).toBeCloseTo(0.5);
		expect(fractionAtFullProgress(estimate.progressLine())).toBeCloseTo(1);
	});

	it('learns how progress grows: 0 % for the first fifth of the run, 100 % from four fifths', () => {
		const estimate = new JobDurationEstimate();
		for (let i = 0; i < 12; i++) {
			for (const progress of [10, 40, 70, 95]) estimate.progressAt(progress, 0.2 + (0.6 * progress) / 100);
		}
		const line = estimate.progressLine();
		expect(fractionAt(line, 50)).toBeCloseTo(0.5, 1);
		expect(fractionAt(line, 10)).toBeGreaterThan(0.22);
		expect(fractionAtFullProgress(line)).toBeLessThan(0.85);
	});

	it('says nothing from a progress of 0 or 100', () => {
		const line = new JobDurationEstimate().progressLine();
		expect(fractionAt(line, 0)).toBeUndefined();
		expect(fractionAt(line, 100)).toBeUndefined();
	});
});

describe('job times per hold and kind of job', () => {
	beforeEach(() => forgetJobDurations());

	function teach(hold: string, kind: JobKind, runMs: number, baseUrl = API): void {
		const estimate = jobTimesFor(baseUrl, hold).learning(kind);
		estimate.stillRunningAfter(runMs - 200);
		estimate.endedWithin(runMs + 200);
	}

	it('keeps grids and upscales apart on one hold', () => {
		teach('hold-a', 'grid', 20000);
		const times = jobTimesFor(API, 'hold-a');
		expect(times.expectedMs('grid')).toBe(20000);
		expect(times.expectedMs('single')).toBeUndefined();
		expect(times.aimMs('single')).toBeUndefined();
	});

	it('keeps a redrawing upscale (Subtle, Creative) apart from picking one image of a grid', () => {
		teach('hold-a', 'single', 3000);
		teach('hold-a', 'upscale', 70000);
		const times = jobTimesFor(API, 'hold-a');
		expect(times.expectedMs('single')).toBe(3000);
		expect(times.expectedMs('upscale')).toBe(70000);
		expect(times.expectedMs('grid')).toBeUndefined();
	});

	it('judges a new hold by the same kind of job on other holds of the same LinkrAPI, aimed earlier', () => {
		teach('fast-hold', 'grid', 20000);
		teach('relax-hold', 'grid', 60000);
		const fresh = jobTimesFor(API, 'new-hold');
		expect(fresh.expectedMs('grid')).toBe(20000);
		expect(fresh.aimMs('grid')).toBe(15000);
		expect(jobTimesFor('https://other.test/api/v1', 'new-hold').expectedMs('grid')).toBeUndefined();
	});

	it('prefers what the hold learned itself', () => {
		teach('fast-hold', 'grid', 20000);
		teach('relax-hold', 'grid', 60000);
		expect(jobTimesFor(API, 'relax-hold').expectedMs('grid')).toBe(60000);
		expect(jobTimesFor(API, 'fast-hold').expectedMs('grid')).toBe(20000);
	});

	it('places a queued job by what the kind typically takes while nothing is learned', () => {
		const times = jobTimesFor(API, 'hold-a');
		expect(times.likelyRunMs('grid')).toBe(TYPICAL_RUN_MS.grid);
		expect(times.likelyRunMs('single')).toBe(TYPICAL_RUN_MS.single);
		teach('hold-a', 'single', 3000);
		expect(times.likelyRunMs('single')).toBe(3000);
	});
});
