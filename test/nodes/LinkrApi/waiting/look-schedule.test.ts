import { JobDurationEstimate } from '../../../../nodes/LinkrApi/waiting/job-duration-estimate';
import {
	nextLookAt,
	queuedLookAt,
	startBehind,
	startWasSeen,
	type Watch,
} from '../../../../nodes/LinkrApi/waiting/look-schedule';

const ACCEPTED = 1_000_000;
const INTERVAL = 5000;

function watch(overrides: Partial<Watch> = {}): Watch {
	return {
		target: {
			taskId: 'task',
			itemIndex: 0,
			wait: { pollIntervalMs: INTERVAL, maxWaitMs: 600_000, onTimeout: 'error' },
			requestsPerSecond: 3,
			startedAt: ACCEPTED,
		},
		deadline: ACCEPTED + 600_000,
		nextPollAt: ACCEPTED,
		queuedPolls: 0,
		startedAfter: ACCEPTED,
		startedBy: ACCEPTED,
		likelyStart: ACCEPTED,
		...overrides,
	};
}

function learned(lowerMs: number, upperMs: number): JobDurationEstimate {
	const estimate = new JobDurationEstimate();
	estimate.stillRunningAfter(lowerMs);
	estimate.finishedWithin(upperMs);
	return estimate;
}

describe('when the watcher looks at a task', () => {
	it('looks at a new task one Poll Interval after acceptance while nothing is learned', () => {
		expect(nextLookAt(watch(), new JobDurationEstimate())).toBe(ACCEPTED + INTERVAL);
	});

	it('aims a running job 60 % into the learned bounds, plus a margin', () => {
		expect(nextLookAt(watch(), learned(6000, 8000))).toBe(ACCEPTED + 7200 + 300);
	});

	it('searches a tenth of a Poll Interval past the longest run seen before any job was seen finishing', () => {
		const estimate = new JobDurationEstimate();
		estimate.stillRunningAfter(7000);
		expect(nextLookAt(watch(), estimate)).toBe(ACCEPTED + 7000 + 500 + 300);
	});

	it('never looks sooner than one Poll Interval after the last look, nor past Max Wait', () => {
		const lookedAt = ACCEPTED + 6000;
		expect(nextLookAt(watch({ lastPollAt: lookedAt }), learned(6000, 6200))).toBe(lookedAt + INTERVAL);
		expect(nextLookAt(watch({ deadline: ACCEPTED + 6000 }), learned(8000, 9000))).toBe(ACCEPTED + 6000);
	});

	it('looks at a Fetch at once', () => {
		const fetched = watch({ target: { ...watch().target, pollImmediately: true }, startedBy: undefined });
		expect(nextLookAt(fetched, learned(6000, 8000))).toBe(ACCEPTED);
	});

	it('looks at a queued task when the jobs ahead of it should have run, at the latest every 5 minutes', () => {
		const queued = watch({ startedBy: undefined, likelyStart: undefined });
		const estimate = learned(5800, 6200); // about 6 s a job
		// 2 ahead: it starts at once; 3 ahead: one wave first; 8 ahead: two waves, then its own job.
		expect(queuedLookAt(queued, estimate, 2)).toBe(ACCEPTED + 6300);
		expect(queuedLookAt(queued, estimate, 3)).toBe(ACCEPTED + 2 * 6300);
		expect(queuedLookAt(queued, estimate, 8)).toBe(ACCEPTED + 3 * 6300);
		expect(queuedLookAt(queued, estimate, 500)).toBe(ACCEPTED + 300_000);
	});

	it('backs off on a queued task while nothing is learned: 30 s, then 5, 10, 20, 30 s after each queued look', () => {
		const estimate = new JobDurationEstimate();
		expect(queuedLookAt(watch({ startedBy: undefined }), estimate, 5)).toBe(ACCEPTED + 30_000);
		const gaps = [1, 2, 3, 4, 5].map(
			(queuedPolls) => queuedLookAt(watch({ lastPollAt: ACCEPTED, queuedPolls }), estimate, 5) - ACCEPTED,
		);
		expect(gaps).toEqual([5000, 10_000, 20_000, 30_000, 30_000]);
	});

	it('starts a queued task when the job ahead most likely ended, between its last running look and now', () => {
		const estimate = learned(5800, 6200);
		const queued = watch({ startedBy: undefined, likelyStart: undefined, startedAfter: ACCEPTED + 1000 });
		const ahead = watch({ seenRunningAt: ACCEPTED + 5000 });
		expect(startBehind(ahead, queued, estimate, ACCEPTED + 9000)).toBe(ACCEPTED + 6000);
		expect(startBehind(ahead, queued, estimate, ACCEPTED + 5500)).toBe(ACCEPTED + 5500);
		expect(startBehind({ ...ahead, seenRunningAt: ACCEPTED + 7000 }, queued, estimate, ACCEPTED + 9000)).toBe(
			ACCEPTED + 7000,
		);
	});

	it('learns only from jobs whose start it saw', () => {
		expect(startWasSeen(watch())).toBe(true);
		expect(startWasSeen(watch({ startedBy: undefined }))).toBe(false);
		expect(startWasSeen(watch({ startedBy: ACCEPTED + 5000 }))).toBe(false);
	});
});
