/**
 * The callbacks being handled in this n8n process, one per key (a task for a Trigger, a pause for a paused execution).
 * A second delivery of a key being handled is a duplicate: LinkrAPI calls back when a task has ended, so both carry
 * the same news, and the first one's outcome covers both (a failure it cannot retry itself, it answers with an error
 * LinkrAPI may retry). It is answered at once instead of holding a request of its own, and asks LinkrAPI nothing.
 * The number in progress is bounded, so a flood of callbacks cannot hold unbounded memory or requests.
 */
export class HandlingsInProgress {
	private readonly keys = new Set<string>();

	constructor(private readonly maxInProgress: number) {}

	/** Marks `key` as being handled; `duplicate` if it is already, `full` if no more may be. */
	claim(key: string): 'claimed' | 'duplicate' | 'full' {
		if (this.keys.has(key)) return 'duplicate';
		if (this.keys.size >= this.maxInProgress) return 'full';
		this.keys.add(key);
		return 'claimed';
	}

	release(key: string): void {
		this.keys.delete(key);
	}
}
