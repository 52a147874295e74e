import { bestPlacement, type HoldLoad, placementOn } from '../../../../nodes/LinkrApi/holds/placement';

const hold = (id: string, runMs: number, jobs: number[] = [], jobsAtOnce = 3, jobsWaiting = 0): HoldLoad => ({
	id,
	jobsAtOnce,
	jobsWaiting,
	jobs: jobs.map((acceptedAt) => ({ kind: 'grid', acceptedAt })),
	runMs: () => runMs,
	longestRunMs: () => runMs,
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

	it('lets a full hold take a job at most a second before its learned times foretell a slot free for it', () => {
		expect(placementOn(hold('a', 6000, [0, 0, 500]), 'grid', 4999).canTakeNow).toBe(false);
		expect(placementOn(hold('a', 6000, [0, 0, 500]), 'grid', 5000)).toMatchObject({ startsAt: 6000, canTakeNow: true });
		// two slots free at 6 s: one for the job handed over already, one for the next
		expect(placementOn(hold('a', 6000, [0, 0, 500, 5000]), 'grid', 5000).canTakeNow).toBe(true);
		expect(placementOn(hold('a', 6000, [0, 0, 500, 5000, 5000]), 'grid', 5000).canTakeNow).toBe(false);
	});

	it('hands a job over early only on the hold’s own learned times, and not once a job ran past them', () => {
		const unlearned = { ...hold('a', 6000, [0, 0, 500]), longestRunMs: () => undefined };
		expect(placementOn(unlearned, 'grid', 5000).canTakeNow).toBe(false);
		expect(placementOn(hold('a', 6000, [0, 0, 0]), 'grid', 6000)).toMatchObject({ startsAt: 6000, canTakeNow: false });
		expect(placementOn(hold('a', 6000, [-1000, 0, 500]), 'grid', 5200).canTakeNow).toBe(false);
	});

	it('counts the free slots of a hold someone else fills as busy for a grid’s time from when that was seen', () => {
		const busy = { ...hold('a', 6000, [0]), othersBusySince: 2000 };
		expect(placementOn(busy, 'grid', 3000)).toMatchObject({ startsAt: 6000, canTakeNow: false });
		expect(bestPlacement([busy, hold('b', 6000, [0, 0])], 'grid', 3000)?.hold.id).toBe('b');
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
