import { holdLedger } from '../../shared/hold-ledger';
import { MAX_WAIT_MIN } from '../waiting';

/** A job waited for counts on its hold at most as long as any waiting can last. */
const LONGEST_WAITING_MS = MAX_WAIT_MIN.max * 60_000;

/**
 * The jobs this execution waits for, in the hold ledger: each counts on its hold until a poll sees its end. When its
 * waiting ends otherwise (Max Wait, a failure that stops the node, the execution's end) the job may still run on
 * Midjourney: from then on it counts for one more expected run time.
 */
export class ExecutionJobs {
	private readonly waited = new Map<string, () => number>();

	static waitedForUntil(now: number): number {
		return now + LONGEST_WAITING_MS;
	}

	/** LinkrAPI accepted a job this execution waits for; `runMs` tells how long such a job runs on its hold. */
	waitedFor(taskId: string, runMs: () => number): void {
		this.waited.set(taskId, runMs);
	}

	/** The waiting for a task ended (seen ended, or given up). */
	waitingEnded(taskId: string): void {
		const runMs = this.waited.get(taskId);
		if (!runMs) return;
		this.waited.delete(taskId);
		holdLedger.countUntil(taskId, Date.now() + runMs());
	}

	/** The execution's node is done: nobody here will see the end of a job still waited for. */
	close(): void {
		for (const taskId of [...this.waited.keys()]) this.waitingEnded(taskId);
	}
}
