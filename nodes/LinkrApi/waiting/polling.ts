import type { IExecuteFunctions } from 'n8n-workflow';

import { holdBudgetKey } from '../../shared/transport';
import { jobTimesFor } from './job-duration-estimate';
import { isFailedOutcome, TaskWatcher } from './task-watcher';
import type { TaskToWaitFor, WaitOutcome } from './watch';

interface Watching {
	watcher: TaskWatcher;
	outcomes: Promise<Map<TaskToWaitFor, WaitOutcome>>;
}

/** Told of every task the moment its waiting ends. */
export type SettledListener = (task: TaskToWaitFor, outcome: WaitOutcome) => void;

/** The watcher of one hold: its own job times, polls through its own key and request budget. */
async function startWatcher(
	context: IExecuteFunctions,
	hold: string | undefined,
	onSettled: SettledListener,
): Promise<Watching> {
	const { baseUrl, budgetKey } = await holdBudgetKey(context, hold);
	const continueOnFail = context.continueOnFail();
	const watcher = new TaskWatcher(
		context,
		// Job times are learned per hold (the budget's hash of Base URL and key) and per kind of job.
		jobTimesFor(baseUrl, budgetKey),
		(outcome, task) => !continueOnFail && isFailedOutcome(outcome, task.wait.onTimeout),
		onSettled,
	);
	const outcomes = watcher.run();
	// Observed when outcomes() awaits it; this only keeps an early rejection from counting as unhandled.
	outcomes.catch(() => undefined);
	return { watcher, outcomes };
}

/**
 * Poll Until Finished for one execution: the tasks of all its items are polled together, by one watcher per hold
 * (one with a one-hold credential) that starts with its first task while later items are still being submitted,
 * so a batch takes about as long as the Midjourney accounts need to run it.
 */
export class Polling {
	/** Per hold; the one-hold credential's under "" */
	private readonly watching = new Map<string, Promise<Watching>>();

	/** In input order */
	private readonly tasks: TaskToWaitFor[] = [];

	private stoppedEarlyFlag = false;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly onSettled: SettledListener = () => undefined,
	) {}

	/** Waiting ended at a failure (without "continue on fail"): the items not yet submitted are left out. */
	get stoppedEarly(): boolean {
		return this.stoppedEarlyFlag;
	}

	async add(task: TaskToWaitFor): Promise<void> {
		const key = task.hold ?? '';
		let watching = this.watching.get(key);
		if (!watching) {
			watching = startWatcher(this.context, task.hold, (settled, outcome) => {
				this.onSettled(settled, outcome);
				if (!this.context.continueOnFail() && isFailedOutcome(outcome, settled.wait.onTimeout)) this.stopAll();
			});
			this.watching.set(key, watching);
		}
		(await watching).watcher.add(task);
		this.tasks.push(task);
	}

	/** An error ends the node: the tasks already being watched are polled no more. */
	stop(): void {
		this.stopAll();
	}

	/**
	 * Once every item is submitted: how the waiting for each task ended, in input order. A task still waited for when
	 * waiting stopped early has no outcome. Rejects when the execution is cancelled during a wait between polls.
	 */
	async outcomes(): Promise<Array<{ task: TaskToWaitFor; outcome: WaitOutcome }>> {
		const all = new Map<TaskToWaitFor, WaitOutcome>();
		for (const watching of this.watching.values()) {
			const { watcher, outcomes } = await watching;
			watcher.close();
			for (const [task, outcome] of await outcomes) all.set(task, outcome);
		}
		return this.tasks.flatMap((task) => {
			const outcome = all.get(task);
			return outcome ? [{ task, outcome }] : [];
		});
	}

	/** One failure (without "continue on fail") ends the waiting on every hold. */
	private stopAll(): void {
		this.stoppedEarlyFlag = true;
		for (const watching of this.watching.values()) void watching.then(({ watcher }) => watcher.stop());
	}
}
