import type { IExecuteFunctions } from 'n8n-workflow';

import { budgetKey, CREDENTIAL_NAME, normaliseBaseUrl } from '../../shared/transport';
import { jobTimesFor } from './job-duration-estimate';
import { isFailedOutcome, TaskWatcher } from './task-watcher';
import type { TaskToWaitFor, WaitOutcome } from './watch';

interface Watching {
	watcher: TaskWatcher;
	outcomes: Promise<Map<TaskToWaitFor, WaitOutcome>>;
}

/** Starts the watcher that waits on all tasks of this execution while later items are still being submitted. */
async function startWatcher(context: IExecuteFunctions): Promise<Watching> {
	const credentials = await context.getCredentials<{ baseUrl?: string; apiKey: string }>(CREDENTIAL_NAME);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	const continueOnFail = context.continueOnFail();
	const watcher = new TaskWatcher(
		context,
		// Job times are learned per hold (the budget's hash of Base URL and key) and per kind of job.
		jobTimesFor(baseUrl, budgetKey(baseUrl, credentials.apiKey)),
		(outcome, task) => !continueOnFail && isFailedOutcome(outcome, task.wait.onTimeout),
	);
	const outcomes = watcher.run();
	// Observed when outcomes() awaits it; this only keeps an early rejection from counting as unhandled.
	outcomes.catch(() => undefined);
	return { watcher, outcomes };
}

/**
 * Poll Until Finished for one execution: the tasks of all its items are polled together, by one watcher that starts
 * with the first task while later items are still being submitted, so a batch takes about as long as the Midjourney
 * account needs to run it.
 */
export class Polling {
	private watching: Watching | undefined;

	/** In input order */
	private readonly tasks: TaskToWaitFor[] = [];

	constructor(private readonly context: IExecuteFunctions) {}

	/** Waiting ended at a failure (without "continue on fail"): the items not yet submitted are left out. */
	get stoppedEarly(): boolean {
		return this.watching?.watcher.stoppedEarly ?? false;
	}

	async add(task: TaskToWaitFor): Promise<void> {
		this.watching ??= await startWatcher(this.context);
		this.watching.watcher.add(task);
		this.tasks.push(task);
	}

	/** An error ends the node: the tasks already being watched are polled no more. */
	stop(): void {
		this.watching?.watcher.stop();
	}

	/**
	 * Once every item is submitted: how the waiting for each task ended, in input order. A task still waited for when
	 * waiting stopped early has no outcome. Rejects when the execution is cancelled during a wait between polls.
	 */
	async outcomes(): Promise<Array<{ task: TaskToWaitFor; outcome: WaitOutcome }>> {
		if (!this.watching) return [];
		this.watching.watcher.close();
		const outcomes = await this.watching.outcomes;
		return this.tasks.flatMap((task) => {
			const outcome = outcomes.get(task);
			return outcome ? [{ task, outcome }] : [];
		});
	}
}
