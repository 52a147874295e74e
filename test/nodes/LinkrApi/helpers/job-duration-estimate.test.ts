import { JobDurationEstimate } from '../../../../nodes/LinkrApi/helpers/job-duration-estimate';

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

	it('falls back to a typical finished run when run times vary more than the bounds allow', () => {
		const estimate = new JobDurationEstimate();
		estimate.finishedWithin(40000);
		estimate.finishedWithin(60000);
		estimate.finishedWithin(50000);
		estimate.stillRunningAfter(70000);
		expect(estimate.expectedMs()).toBe(50000);
	});

	it('follows recent jobs only', () => {
		const estimate = new JobDurationEstimate();
		estimate.finishedWithin(1000);
		for (let i = 0; i < 20; i++) estimate.finishedWithin(8000);
		expect(estimate.expectedMs()).toBe(8000);
	});
});
