import { HoldLedger } from '../../../../nodes/shared/hold-ledger/hold-ledger';
import { FIRST_REST_MS } from '../../../../nodes/shared/hold-ledger/rest-after-refusal';

const T = 1_000_000;

describe('the hold ledger', () => {
	it('counts a placed job from the moment its place is taken, then as its task, until it is seen ended', () => {
		const ledger = new HoldLedger();
		const placed = ledger.place('hold-a', 'grid', T, T + 60_000);
		expect(ledger.jobsOn('hold-a', T)).toHaveLength(1);

		placed.accepted('task-1', T + 100, T + 60_000);
		ledger.seen('task-1', 'running', T + 5_000);
		expect(ledger.jobsOn('hold-a', T + 5_000)).toEqual([
			{ kind: 'grid', acceptedAt: T + 100, countedUntil: T + 60_000 },
		]);

		ledger.seen('task-1', 'ended', T + 6_000);
		expect(ledger.jobsOn('hold-a', T + 6_000)).toEqual([]);
	});

	it('gives a place back when the submit fails, and tells every waiter', async () => {
		const ledger = new HoldLedger();
		const placed = ledger.place('hold-a', 'grid', T, T + 60_000);
		const told = ledger.changes.next;

		placed.cancel();

		await expect(told).resolves.toBeUndefined();
		expect(ledger.jobsOn('hold-a', T)).toEqual([]);
	});

	it('drops a job nobody saw end once its counting time has passed, and only lowers that time', () => {
		const ledger = new HoldLedger();
		ledger.add('hold-a', 'task-1', { kind: 'grid', acceptedAt: T, countedUntil: T + 90_000 });

		ledger.countUntil('task-1', T + 120_000);
		expect(ledger.jobsOn('hold-a', T + 100_000)).toEqual([]);

		ledger.add('hold-a', 'task-2', { kind: 'grid', acceptedAt: T, countedUntil: T + 90_000 });
		ledger.countUntil('task-2', T + 30_000);
		expect(ledger.jobsOn('hold-a', T + 29_000)).toHaveLength(1);
		expect(ledger.jobsOn('hold-a', T + 31_000)).toEqual([]);
	});

	it('forgets jobs past their counting time when the next one is added, even on a hold nobody places on', () => {
		const ledger = new HoldLedger();
		for (let job = 0; job < 100; job++) {
			const acceptedAt = T + job * 60_000;
			ledger.add('one-hold', `task-${job}`, { kind: 'grid', acceptedAt, countedUntil: acceptedAt + 90_000 });
		}

		expect(ledger.tasksKept()).toBe(2);
	});

	it('ignores what is seen of a task it does not count', () => {
		const ledger = new HoldLedger();
		ledger.add('hold-a', 'task-1', { kind: 'grid', acceptedAt: T, countedUntil: T + 90_000 });

		ledger.seen('unknown', 'ended', T);

		expect(ledger.jobsOn('hold-a', T)).toHaveLength(1);
	});

	describe('someone else using a hold', () => {
		const ledgerWith = (jobsAtOnce: number, ours: number) => {
			const ledger = new HoldLedger();
			ledger.knowSlots('hold-a', jobsAtOnce);
			for (let job = 1; job <= ours; job++) {
				ledger.add('hold-a', `task-${job}`, { kind: 'grid', acceptedAt: T + job, countedUntil: T + 600_000 });
			}
			return ledger;
		};

		it('is seen when a job of ours waits in the queue while fewer of ours than its slots are ahead', () => {
			const ledger = ledgerWith(3, 2);

			ledger.seen('task-2', 'queued', T + 10_000);

			expect(ledger.othersBusyOn('hold-a')).toEqual({ taskId: 'task-2', since: T + 10_000 });
		});

		it('ends when that job starts, or ends', () => {
			const ledger = ledgerWith(3, 2);
			ledger.seen('task-2', 'queued', T + 10_000);

			ledger.seen('task-2', 'running', T + 20_000);
			expect(ledger.othersBusyOn('hold-a')).toBeUndefined();

			ledger.seen('task-1', 'queued', T + 30_000);
			ledger.seen('task-1', 'ended', T + 40_000);
			expect(ledger.othersBusyOn('hold-a')).toBeUndefined();
		});

		it('is not judged from our own queue, a job just accepted, or a hold whose slots no pool stated', () => {
			const full = ledgerWith(3, 4);
			full.seen('task-4', 'queued', T + 10_000);
			expect(full.othersBusyOn('hold-a')).toBeUndefined();

			const fresh = ledgerWith(3, 1);
			fresh.seen('task-1', 'queued', T + 1_500);
			expect(fresh.othersBusyOn('hold-a')).toBeUndefined();

			const unknown = new HoldLedger();
			unknown.add('hold-a', 'task-1', { kind: 'grid', acceptedAt: T, countedUntil: T + 600_000 });
			unknown.seen('task-1', 'queued', T + 10_000);
			expect(unknown.othersBusyOn('hold-a')).toBeUndefined();
		});
	});

	describe('a hold that refused', () => {
		it('rests for every caller, then is back', () => {
			const ledger = new HoldLedger();

			const rest = ledger.refused('hold-a', 'its hold is suspended (HTTP 403)', T);

			expect(rest).toEqual({ why: 'its hold is suspended (HTTP 403)', until: T + FIRST_REST_MS });
			expect(ledger.restOf('hold-a', T + FIRST_REST_MS - 1)).toBe(rest);
			expect(ledger.restOf('hold-a', T + FIRST_REST_MS)).toBeUndefined();
			expect(ledger.restOf('hold-b', T)).toBeUndefined();
		});

		it('keeps a rest already running when another execution is refused meanwhile', () => {
			const ledger = new HoldLedger();
			ledger.refused('hold-a', 'first', T);

			expect(ledger.refused('hold-a', 'second', T + 1_000)).toEqual({ why: 'first', until: T + FIRST_REST_MS });
		});

		it('rests twice as long after each refusal with no accepted job between, and as at first after one', () => {
			const ledger = new HoldLedger();
			let now = T;
			const restAfterRefusal = () => {
				const rest = ledger.refused('hold-a', 'down', now);
				const length = rest.until - now;
				now = rest.until;
				return length;
			};

			expect([restAfterRefusal(), restAfterRefusal(), restAfterRefusal()]).toEqual([
				FIRST_REST_MS,
				2 * FIRST_REST_MS,
				4 * FIRST_REST_MS,
			]);
			ledger.place('hold-a', 'grid', now, now + 60_000).accepted('task-1', now, now + 60_000);
			expect(restAfterRefusal()).toBe(FIRST_REST_MS);
		});
	});
});
