/**
 * Virtual time for tests of 15-minute waits that run in milliseconds. `sleep` (mocked in each test file) registers
 * a timer; the clock jumps to the earliest timer only when nothing else is going on — no HTTP request in flight and
 * the event loop has gone round — so concurrent waits (a batch's polls beside its submissions) overlap as they
 * would in real time instead of adding up. Time moves only by those jumps and `advance`, never with the wall
 * clock, so no test depends on how busy the machine is. It starts at the real time of install and only grows, so
 * time-keyed module state stays consistent from one test to the next.
 */
export class VirtualClock {
	static active: VirtualClock | undefined;

	/** Virtual now; Date.now() until install */
	private nowMs = 0;

	private startedAt = 0;

	private timers: Array<{ at: number; wake: () => void }> = [];

	private inFlight = 0;

	private tickScheduled = false;

	private readonly realNow = Date.now.bind(Date);

	now(): number {
		return this.nowMs;
	}

	install(sleepMock: jest.Mock): void {
		// Never behind the time an earlier test left, as learned job times and budgets outlive a test.
		this.nowMs = Math.max(this.nowMs, this.realNow());
		jest.spyOn(Date, 'now').mockImplementation(() => this.now());
		sleepMock.mockImplementation(
			async (ms: number) =>
				await new Promise<void>((wake) => {
					this.timers.push({ at: this.now() + Math.max(ms, 0), wake });
					this.scheduleTick();
				}),
		);
		this.startedAt = this.now();
		VirtualClock.active = this;
	}

	requestStarted(): void {
		this.inFlight++;
	}

	requestEnded(): void {
		this.inFlight--;
		this.scheduleTick();
	}

	/** Moves time forward without a sleep, e.g. to model a slow answer. */
	advance(ms: number): void {
		this.nowMs += ms;
	}

	/** Milliseconds since install, virtual sleeps included. */
	elapsedMs(): number {
		return this.now() - this.startedAt;
	}

	uninstall(): void {
		VirtualClock.active = undefined;
		for (const timer of this.timers) timer.wake();
		this.timers = [];
		jest.restoreAllMocks();
	}

	private scheduleTick(): void {
		if (this.tickScheduled) return;
		this.tickScheduled = true;
		// Two turns of the event loop let pending promise chains start their requests or timers first.
		setImmediate(() =>
			setImmediate(() => {
				this.tickScheduled = false;
				this.fireEarliestTimer();
			}),
		);
	}

	private fireEarliestTimer(): void {
		if (this.inFlight > 0 || this.timers.length === 0) return;
		this.timers.sort((a, b) => a.at - b.at);
		const timer = this.timers.shift();
		if (!timer) return;
		this.nowMs = Math.max(this.nowMs, timer.at);
		timer.wake();
		if (this.timers.length > 0) this.scheduleTick();
	}
}

/** Collects the (virtual) times at which requests reached a nock interceptor. */
export function gapsBetween(times: number[]): number[] {
	return times.slice(1).map((time, index) => time - times[index]);
}
