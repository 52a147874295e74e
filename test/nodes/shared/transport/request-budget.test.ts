import { REQUESTS_PER_SECOND, takeRequestSlot } from '../../../../nodes/shared/transport/request-budget';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

const clock = useVirtualClock();
let keyCounter = 0;
const freshKey = () => `budget-test-${keyCounter++}`;

describe('request budget', () => {
	it('spaces request starts by 1 / rps', async () => {
		const key = freshKey();
		const starts: number[] = [];
		for (let i = 0; i < 4; i++) {
			const release = await takeRequestSlot(key, 4);
			starts.push(clock.now());
			release();
		}
		const gaps = starts.slice(1).map((start, index) => start - starts[index]);
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(249);
	});

	it('starts request n+1 only a full window after request 1 was answered, however slow it was', async () => {
		const key = freshKey();
		const releaseFirst = await takeRequestSlot(key, 3);
		const firstStart = clock.now();
		(await takeRequestSlot(key, 3))();
		(await takeRequestSlot(key, 3))();
		// the first request is answered 900 ms after it started (a slow way out), the others at once
		clock.advance(900);
		releaseFirst();
		const answeredAt = clock.now();

		await takeRequestSlot(key, 3);

		expect(clock.now() - answeredAt).toBeGreaterThanOrEqual(1000);
		expect(clock.now() - firstStart).toBeGreaterThanOrEqual(1900);
	});

	it('waits for a request still in flight before starting the one n places after it', async () => {
		const key = freshKey();
		const releaseFirst = await takeRequestSlot(key, 1);
		let secondStarted = false;
		const second = takeRequestSlot(key, 1).then(() => (secondStarted = true));

		await new Promise((resolve) => setImmediate(resolve));
		expect(secondStarted).toBe(false);
		releaseFirst();
		await second;
		expect(secondStarted).toBe(true);
	});

	it('keeps separate budgets per credential', async () => {
		const start = clock.now();
		(await takeRequestSlot(freshKey(), 1))();
		(await takeRequestSlot(freshKey(), 1))();
		expect(clock.now() - start).toBeLessThan(50);
	});

	it('keeps at most REQUESTS_PER_SECOND.max requests open per window, whatever rate it is asked for', async () => {
		const key = freshKey();
		const releases = [];
		for (let i = 0; i < REQUESTS_PER_SECOND.max; i++) releases.push(await takeRequestSlot(key, 1e12));
		let nextStarted = false;
		const next = takeRequestSlot(key, 1e12).then((release) => {
			nextStarted = true;
			return release;
		});

		await new Promise((resolve) => setImmediate(resolve));
		expect(nextStarted).toBe(false);
		releases[0]();
		(await next)();
		expect(nextStarted).toBe(true);
	});

	it("reads a rate below the field's minimum as the minimum", async () => {
		const key = freshKey();
		(await takeRequestSlot(key, 0.001))();
		const start = clock.now();
		(await takeRequestSlot(key, 0.001))();
		expect(clock.now() - start).toBeLessThanOrEqual(10_000);
		expect(clock.now() - start).toBeGreaterThanOrEqual(9_999);
	});
});
