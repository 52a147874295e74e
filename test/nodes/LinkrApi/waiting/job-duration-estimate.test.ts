import { JobDurationEstimate } from '../../../../nodes/LinkrApi/waiting/job-duration-estimate';

describe('job duration estimate', () => {
	it('knows nothing until a job was seen finishing', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(5000);
		expect(estimate.expectedMs()).toBeUndefined();
	});

	it('sits between the largest lower and the smallest upper bound', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(5000);
		estimate.finishedWithin(10000);
		expect(estimate.expectedMs()).toBe(7500);
		estimate.finishedWithin(6500);
		estimate.stillRunningAfter(5800);
		expect(estimate.expectedMs()).toBe(6150);
	});

	it('uses the upper bound alone while no job was seen running', () => {
		const estimate = new JobDurationEstimate();
		estimate.finishedWithin(9000);
		expect(estimate.expectedMs()).toBe(9000);
	});

	it('sits between the typical bounds when run times vary more than the extreme bounds allow', () => {
		const estimate = new JobDurationEstimate();
		for (const ms of [40000, 60000, 55000]) estimate.finishedWithin(ms);
		for (const ms of [70000, 45000, 50000]) estimate.stillRunningAfter(ms);
		// Longest run seen (70 s) outlasts the shortest seen finishing (40 s): medians 50 s and 55 s instead.
		expect(estimate.expectedMs()).toBe(52500);
	});

	it('takes the middle of the typical bounds when even those overlap', () => {
		const estimate = new JobDurationEstimate();
		for (const ms of [40000, 60000, 50000]) estimate.finishedWithin(ms);
		estimate.stillRunningAfter(70000);
		expect(estimate.expectedMs()).toBe(60000);
	});

	it('aims looks past the middle of the bounds, since a look too early costs a whole Poll Interval', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(5000);
		estimate.finishedWithin(10000);
		expect(estimate.aimMs(500)).toBe(8000);
		expect(estimate.expectedMs()).toBe(7500);
	});

	it('searches a step past the longest run seen until a job was seen finishing', () => {
		const estimate = new JobDurationEstimate();
		expect(estimate.aimMs(500)).toBeUndefined();
		estimate.stillRunningAfter(5000);
		estimate.stillRunningAfter(5400);
		expect(estimate.aimMs(500)).toBe(5900);
		expect(estimate.expectedMs()).toBeUndefined();
	});

	it('follows recent jobs only', () => {
		const estimate = new JobDurationEstimate();
		estimate.finishedWithin(1000);
		for (let i = 0; i < 20; i++) estimate.finishedWithin(8000);
		expect(estimate.expectedMs()).toBe(8000);
	});
});
