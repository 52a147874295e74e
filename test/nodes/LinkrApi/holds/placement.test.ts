import { bestPlacement, type HoldLoad, placementOn } from '../../../../nodes/LinkrApi/holds/placement';

const hold = (id: string, runMs: number, jobs: number[] = [], jobsAtOnce = 3, jobsWaiting = 0): HoldLoad => ({
	id,
	jobsAtOnce,
	jobsWaiting,
	jobs: jobs.map((acceptedAt) => ({ kind: 'grid', acceptedAt })),
	runMs: () => runMs,
});

describe('where the next job goes', () => {
	it('starts a job at once on a hold with a free slot', () => {
		expect(placementOn(hold('a', 6000, [0]), 'grid', 1000)).toMatchObject({
			startsAt: 1000,
			endsAt: 7000,
			canTakeNow: true,
		});
	});

	it('starts it when the first running job ends on a full hold, which cannot take it now without room to wait', () => {
		expect(placementOn(hold('a', 6000, [0, 0, 500]), 'grid', 1000)).toMatchObject({
			startsAt: 6000,
			endsAt: 12000,
			canTakeNow: false,
		});
		expect(placementOn(hold('a', 6000, [0, 0, 500], 3, 1), 'grid', 1000).canTakeNow).toBe(true);
	});

	it('prefers the hold that ends the job soonest: a fast one with a free slot over a slow one', () => {
		expect(bestPlacement([hold('relax', 18000), hold('fast', 6000)], 'grid', 0)?.hold.id).toBe('fast');
	});

	it('waits for a fast hold that frees up soon rather than give the job to an idle slow one', () => {
		const best = bestPlacement([hold('fast', 6000, [0, 0, 0]), hold('relax', 18000)], 'grid', 4000);
		expect(best).toMatchObject({ startsAt: 6000, canTakeNow: false });
		expect(best?.hold.id).toBe('fast');
	});

	it('gives the job to the slow hold when it would still end it sooner', () => {
		const best = bestPlacement([hold('fast', 6000, [0, 0, 0, 0, 0, 0], 3, 3), hold('relax', 9000)], 'grid', 1000);
		expect(best?.hold.id).toBe('relax');
	});

	it('takes a hold whose job runs longer than it learned as that much slower', () => {
		// learned 6 s, but a job has run 20 s: the next would take at least as long
		expect(placementOn(hold('slowed', 6000, [0]), 'grid', 20000).endsAt).toBe(40000);
	});

	it('on a tie, takes the hold that can take the job now, then the one with fewer jobs, then the first', () => {
		expect(bestPlacement([hold('a', 6000, [0]), hold('b', 6000)], 'grid', 0)?.hold.id).toBe('b');
		expect(bestPlacement([hold('a', 6000), hold('b', 6000)], 'grid', 0)?.hold.id).toBe('a');
	});
});
