import {
	forgetJobDurations,
	jobTimesFor,
	type HoldJobTimes,
} from '../../../../nodes/LinkrApi/waiting/job-duration-estimate';
import {
	guessStart,
	MAX_QUEUED_RECHECK_MS,
	MIN_POLL_GAP_MS,
	nextPollAt,
	POLL_MARGIN_MS,
	predictedEndAt,
	QUEUED_RECHECK_MS,
	queuedRecheckAt,
	startBehind,
	startIsKnown,
} from '../../../../nodes/LinkrApi/waiting/poll-schedule';
import type { Task } from '../../../../nodes/shared/transport';
import type { WatchFacts } from '../../../../nodes/LinkrApi/waiting/watch';

const ACCEPTED = 1_000_000;
const INTERVAL = 5000;
const API = 'https://linkrapi.test/api/v1';

function watch(overrides: Partial<WatchFacts> = {}): WatchFacts {
	return {
		target: {
			taskId: 'task',
			itemIndex: 0,
			wait: { pollIntervalMs: INTERVAL, maxWaitMs: 600_000, onTimeout: 'error' },
			requestsPerSecond: 3,
			acceptedAt: ACCEPTED,
			download: { downloadImage: false, binaryPropertyName: 'data', downloadQuadrants: false, maxBytes: 0 },
			itemFields: {},
		},
		jobKind: 'grid',
		deadline: ACCEPTED + 600_000,
		nextPollAt: ACCEPTED,
		mayRunSince: ACCEPTED,
		startedAfter: ACCEPTED,
		startedBy: ACCEPTED,
		likelyStart: ACCEPTED,
		recentProgress: [],
		progressSeen: [],
		...overrides,
	};
}

function running(progress: number): Task {
	return { task_id: 'task', status: 'processing', state: 'running', progress };
}

/** A hold that learned a job time between `lowerMs` and `upperMs` for a kind. */
function learned(lowerMs: number, upperMs: number, kind: 'grid' | 'single' = 'grid'): HoldJobTimes {
	const times = jobTimesFor(API, 'hold');
	times.learning(kind).stillRunningAfter(lowerMs);
	times.learning(kind).endedWithin(upperMs);
	return times;
}

const nothingLearned = () => jobTimesFor(API, 'hold');

beforeEach(() => forgetJobDurations());

describe('when the watcher polls a task that may be running', () => {
	it('polls a new task one Poll Interval after acceptance while nothing is learned', () => {
		expect(nextPollAt(watch(), nothingLearned())).toBe(ACCEPTED + INTERVAL);
	});

	it('polls just after the predicted end when that comes before the next Poll Interval', () => {
		// 60 % of the way from 2 s to 4 s, plus the margin
		expect(nextPollAt(watch(), learned(2000, 4000))).toBe(ACCEPTED + 3200 + POLL_MARGIN_MS);
	});

	it('never waits longer than one Poll Interval, however long the job is expected to run', () => {
		expect(nextPollAt(watch(), learned(40000, 50000))).toBe(ACCEPTED + INTERVAL);
		const polled = ACCEPTED + 20000;
		expect(nextPollAt(watch({ lastPollAt: polled, lastTask: running(0) }), learned(40000, 50000))).toBe(
			polled + INTERVAL,
		);
	});

	it('keeps a Poll Interval from the moment a queued task may have started, not from its last poll', () => {
		const polledQueued = ACCEPTED + 1000;
		const jobAheadLastSeenRunning = ACCEPTED + 30000;
		const handedOver = watch({
			lastPollAt: polledQueued,
			mayRunSince: jobAheadLastSeenRunning,
			likelyStart: undefined,
			startedBy: undefined,
		});
		expect(nextPollAt(handedOver, nothingLearned())).toBe(jobAheadLastSeenRunning + INTERVAL);
	});

	it('predicts the end from how fast progress grew between the last two polls', () => {
		const polled = ACCEPTED + 8000;
		const pacing = watch({
			likelyStart: ACCEPTED - 20000, // a wrong guess: the pace does not need it
			lastPollAt: polled,
			lastTask: running(40),
			recentProgress: [
				{ at: ACCEPTED + 4000, progress: 20 },
				{ at: polled, progress: 40 },
			],
		});
		// 20 % per 4 s: the remaining 60 % take 12 s
		expect(predictedEndAt(pacing, nothingLearned())).toBe(polled + 12000);
	});

	it('predicts the end from one progress report and the start', () => {
		const polled = ACCEPTED + 4000;
		expect(predictedEndAt(watch({ lastPollAt: polled, lastTask: running(25) }), nothingLearned())).toBe(
			ACCEPTED + 16000,
		);
	});

	it('expects a job at 100 % to end once the rest of its run has passed, at least a moment later', () => {
		const polled = ACCEPTED + 5000;
		const drawn = watch({ lastPollAt: polled, lastTask: running(100), fullProgressAt: polled });
		expect(nextPollAt(drawn, nothingLearned())).toBe(polled + MIN_POLL_GAP_MS);
		const times = nothingLearned();
		// Learned: 100 % comes at four fifths of the run, so a 5-second drawing means a run of about 6 s.
		for (let i = 0; i < 6; i++) {
			for (const progress of [10, 40, 70, 95])
				times.learning('grid').progressAt(progress, 0.2 + (0.6 * progress) / 100);
		}
		expect(predictedEndAt(drawn, times)).toBeGreaterThan(ACCEPTED + 6000);
		expect(predictedEndAt(drawn, times)).toBeLessThan(ACCEPTED + 6500);
	});

	it('expects a job at 100 % to end no sooner than jobs of its kind usually end (drawing is not uploading)', () => {
		const polled = ACCEPTED + 15000;
		const drawn = watch({ lastPollAt: polled, lastTask: running(100), fullProgressAt: polled });
		// learned: 18 to 19 s a job, aimed 60 % in
		expect(predictedEndAt(drawn, learned(18000, 19000))).toBe(ACCEPTED + 18600);
	});

	it('trusts a job that drew far faster than jobs of its kind ran before: the learned time is out of date', () => {
		const polled = ACCEPTED + 5000;
		const drawnFast = watch({ lastPollAt: polled, lastTask: running(100), fullProgressAt: polled });
		expect(predictedEndAt(drawnFast, learned(18000, 19000))).toBe(polled + MIN_POLL_GAP_MS - POLL_MARGIN_MS);
	});

	it('aims again a moment later when a poll came just before the predicted end, not a Poll Interval later', () => {
		const polled = ACCEPTED + 5500;
		// learned 5–6 s: aimed at 5.6 s + the margin; the poll at 5.5 s found it running
		expect(nextPollAt(watch({ lastPollAt: polled, lastTask: running(95) }), learned(5000, 6000))).toBe(
			polled + MIN_POLL_GAP_MS,
		);
	});

	it('drops a prediction the last poll has already passed', () => {
		const polled = ACCEPTED + 3800;
		expect(nextPollAt(watch({ lastPollAt: polled, lastTask: running(0) }), learned(2000, 4000))).toBe(
			polled + INTERVAL,
		);
	});

	it('polls a Fetch at once, and a task that may have queued at once to learn which it is', () => {
		const fetched = watch({ target: { ...watch().target, pollImmediately: true } });
		expect(nextPollAt(fetched, learned(6000, 8000))).toBe(ACCEPTED);
		expect(nextPollAt(watch({ probe: true }), nothingLearned())).toBe(ACCEPTED);
	});

	it('never polls past Max Wait', () => {
		expect(nextPollAt(watch({ deadline: ACCEPTED + 2000 }), nothingLearned())).toBe(ACCEPTED + 2000);
	});
});

describe('when the watcher polls a task that surely waits in the queue', () => {
	const queued = (overrides: Partial<WatchFacts> = {}) =>
		watch({ mayRunSince: undefined, startedBy: undefined, likelyStart: undefined, ...overrides });

	it('polls it when the jobs ahead should have run: at least 30 s, at most 5 minutes after it was seen queued', () => {
		const times = learned(19000, 21000);
		expect(queuedRecheckAt(queued(), times, 0)).toBe(ACCEPTED + QUEUED_RECHECK_MS);
		expect(queuedRecheckAt(queued(), times, 3)).toBe(ACCEPTED + 2 * 20000);
		expect(queuedRecheckAt(queued(), times, 6)).toBe(ACCEPTED + 3 * 20000);
		expect(queuedRecheckAt(queued(), times, 500)).toBe(ACCEPTED + MAX_QUEUED_RECHECK_MS);
	});

	it('waits for that planned poll, or 30 s when none is planned', () => {
		expect(nextPollAt(queued({ queuedRecheckAt: ACCEPTED + 90000 }), nothingLearned())).toBe(ACCEPTED + 90000);
		expect(nextPollAt(queued(), nothingLearned())).toBe(ACCEPTED + QUEUED_RECHECK_MS);
	});

	it('starts it when the job ahead was predicted to end, between that job’s last poll and now', () => {
		const waiting = queued({ startedAfter: ACCEPTED + 1000 });
		const ahead = watch({ notEndedAt: ACCEPTED + 5000 });
		expect(startBehind(ahead, waiting, ACCEPTED + 6000, ACCEPTED + 9000)).toBe(ACCEPTED + 6000);
		expect(startBehind(ahead, waiting, ACCEPTED + 4000, ACCEPTED + 9000)).toBe(ACCEPTED + 5000);
		expect(startBehind(ahead, waiting, ACCEPTED + 12000, ACCEPTED + 9000)).toBe(ACCEPTED + 9000);
		expect(startBehind(ahead, waiting, undefined, ACCEPTED + 9000)).toBe(ACCEPTED + 9000);
	});
});

describe('what a poll tells about a job', () => {
	it('guesses an unseen start from the progress, else halfway since it was last seen queued', () => {
		const now = ACCEPTED + 20000;
		const unseen = watch({ startedBy: undefined, likelyStart: undefined });
		expect(guessStart(unseen, 50, learned(19000, 21000), now)).toBe(now - 10000);
		expect(guessStart(unseen, 0, nothingLearned(), now)).toBe(ACCEPTED + 10000);
	});

	it('learns only from jobs whose start is known closely', () => {
		const times = learned(5800, 6200);
		expect(startIsKnown(watch(), times)).toBe(true);
		expect(startIsKnown(watch({ startedBy: undefined }), times)).toBe(false);
		expect(startIsKnown(watch({ startedBy: ACCEPTED + 5000 }), times)).toBe(false);
	});
});
