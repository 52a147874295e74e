/**
 * Runs the handlings of one key (a task, a paused execution) one after another in this n8n process, so a duplicate
 * delivery waits for the first one's outcome instead of asking LinkrAPI again or running twice. The number of
 * handlings waiting or running is bounded: a flood of callbacks cannot hold unbounded memory or requests.
 */
export class OneAtATime {
	private readonly tails = new Map<string, Promise<void>>();

	private pending = 0;

	constructor(private readonly maxPending: number) {}

	/** No room for another handling right now: refuse the callback (the caller may retry later). */
	isFull(): boolean {
		return this.pending >= this.maxPending;
	}

	async run<T>(key: string, work: () => Promise<T>): Promise<T> {
		this.pending++;
		const before = this.tails.get(key) ?? Promise.resolve();
		const result = before.then(work);
		const tail = result.then(
			() => undefined,
			() => undefined,
		);
		this.tails.set(key, tail);
		try {
			return await result;
		} finally {
			this.pending--;
			if (this.tails.get(key) === tail) this.tails.delete(key);
		}
	}
}
