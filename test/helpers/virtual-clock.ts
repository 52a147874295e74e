/**
 * Replaces waiting with a clock that jumps forward, so tests of 15-minute waits run in milliseconds.
 * Use with `jest.mock('n8n-workflow', ...)` replacing `sleep` by a jest.fn (see operation tests).
 * The offset only grows, so module state keyed on time (the request budget) stays consistent across tests.
 */
export class VirtualClock {
	private offsetMs = 0;

	private startedAt = 0;

	private readonly realNow = Date.now.bind(Date);

	now(): number {
		return this.realNow() + this.offsetMs;
	}

	install(sleepMock: jest.Mock): void {
		jest.spyOn(Date, 'now').mockImplementation(() => this.now());
		sleepMock.mockImplementation(async (ms: number) => {
			this.offsetMs += Math.max(ms, 0);
		});
		this.startedAt = this.now();
	}

	/** Moves time forward without a sleep, e.g. to model a slow answer. */
	advance(ms: number): void {
		this.offsetMs += ms;
	}

	/** Milliseconds since install, virtual sleeps included. */
	elapsedMs(): number {
		return this.now() - this.startedAt;
	}

	uninstall(): void {
		jest.restoreAllMocks();
	}
}

/** Collects the (virtual) times at which requests reached a nock interceptor. */
export function gapsBetween(times: number[]): number[] {
	return times.slice(1).map((time, index) => time - times[index]);
}
