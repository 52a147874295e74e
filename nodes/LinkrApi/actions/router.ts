import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { outputEndedTask, outputWaitOutcome } from '../waiting/outcome-item';
import { pauseForCallback } from '../pause/pause-for-callback';
import { jobTimesFor } from '../waiting/job-duration-estimate';
import { isFailedOutcome, TaskWatcher, type TaskToWaitFor, type WaitOutcome } from '../waiting/task-watcher';
import { CREDENTIAL_NAME, normaliseBaseUrl } from '../../shared/transport';
import { budgetKey } from '../../shared/transport/request-budget';
import * as account from './account';
import { asNodeError, cancelledWithTasks, errorItem, submittedTaskOf, type SubmittedTask } from './item-errors';
import type { LinkrOperation, LinkrResource, TrackedTask } from './node.type';
import * as task from './task';

const operations: Record<LinkrResource, Record<string, LinkrOperation>> = {
	task: { imagine: task.imagine, action: task.action, fetch: task.fetch },
	account: { getInfo: account.getInfo },
};

type Results = Array<INodeExecutionData | undefined>;

/** Pause Until Callback resumes one execution once, with one item, and only outside an agent's tool call. */
function checkPauseIsPossible(context: IExecuteFunctions, itemCount: number): void {
	// Every item is read: a workflow saved with an expression in the field could pause on item 2 only.
	const pausing = Array.from({ length: itemCount }, (_, itemIndex) => itemIndex).some(
		(itemIndex) => context.getNodeParameter('waitMode', itemIndex, 'poll') === 'callback',
	);
	if (!pausing) return;
	if (context.isToolExecution?.()) {
		throw new NodeOperationError(
			context.getNode(),
			'"Pause Until Callback" cannot be used when the node runs as an AI Agent tool',
			{ description: 'An agent needs the answer within its own run. Choose "Poll Until Finished" for tool use.' },
		);
	}
	if (itemCount > 1) {
		throw new NodeOperationError(
			context.getNode(),
			`"Pause Until Callback" handles one item per execution, and this node received ${itemCount}`,
			{
				description:
					'n8n resumes a paused execution once. Choose "Poll Until Finished" to wait on all items together, or put a Loop Over Items node (batch size 1) in front of this node.',
			},
		);
	}
}

async function finishPaused(
	context: IExecuteFunctions,
	paused: TrackedTask,
	results: Results,
	submitted: SubmittedTask[],
): Promise<void> {
	const { itemIndex } = paused.target;
	try {
		const outcome = await pauseForCallback.call(context, paused.target);
		const item =
			outcome.kind === 'paused'
				? outcome.item
				: await outputEndedTask.call(context, outcome.task, paused.download, itemIndex);
		results[itemIndex] = { ...item, json: { ...item.json, ...paused.extra } };
	} catch (error) {
		if (context.getExecutionCancelSignal()?.aborted) throw cancelledWithTasks(context, submitted);
		if (!context.continueOnFail()) throw asNodeError(context, error as Error, itemIndex, submitted);
		results[itemIndex] = errorItem(error as Error, itemIndex);
	}
}

/** Starts the watcher that waits on all tasks of this execution while later items are still being submitted. */
async function startWatcher(
	context: IExecuteFunctions,
): Promise<{ watcher: TaskWatcher; outcomes: Promise<Map<TaskToWaitFor, WaitOutcome>> }> {
	const credentials = await context.getCredentials<{ baseUrl?: string; apiKey: string }>(CREDENTIAL_NAME);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl);
	const continueOnFail = context.continueOnFail();
	const watcher = new TaskWatcher(
		context,
		// Job times are learned per hold (the budget's hash of Base URL and key) and per kind of job.
		jobTimesFor(baseUrl, budgetKey(baseUrl, credentials.apiKey)),
		(outcome, target) => !continueOnFail && isFailedOutcome(outcome, target.wait.onTimeout),
	);
	const outcomes = watcher.run();
	// Observed when the router awaits it; this only keeps an early rejection from counting as unhandled.
	outcomes.catch(() => undefined);
	return { watcher, outcomes };
}

/** Turns each outcome into its item, in input order; without "continue on fail" the first failure throws. */
async function outputOutcomes(
	context: IExecuteFunctions,
	waiting: TrackedTask[],
	outcomes: Map<TaskToWaitFor, WaitOutcome>,
	results: Results,
	submitted: SubmittedTask[],
): Promise<void> {
	for (const { target, download, extra } of waiting) {
		const outcome = outcomes.get(target);
		if (!outcome) continue;
		try {
			const item = await outputWaitOutcome.call(
				context,
				outcome,
				target.taskId,
				target.wait,
				download,
				target.itemIndex,
			);
			results[target.itemIndex] = { ...item, json: { ...item.json, ...extra } };
		} catch (error) {
			if (context.getExecutionCancelSignal()?.aborted) throw cancelledWithTasks(context, submitted);
			if (!context.continueOnFail()) throw asNodeError(context, error as Error, target.itemIndex, submitted);
			results[target.itemIndex] = errorItem(error as Error, target.itemIndex);
		}
	}
}

/** Owns the item loop: submits every item first, then waits on all their tasks together, output in input order. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as LinkrResource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported for "${resource}"`);
	}
	checkPauseIsPossible(this, items.length);

	const results: Results = new Array(items.length);
	const tracked: TrackedTask[] = [];
	// Every task this execution submitted, in any wait mode: each error that ends the node lists them.
	const submitted: SubmittedTask[] = [];
	let watching: Awaited<ReturnType<typeof startWatcher>> | undefined;
	let allSubmitted = false;
	try {
		for (let itemIndex = 0; itemIndex < items.length && !watching?.watcher.stoppedEarly; itemIndex++) {
			try {
				const result = await operation.execute.call(this, itemIndex);
				const submittedTask = submittedTaskOf(result, itemIndex);
				if (submittedTask) submitted.push(submittedTask);
				if (result.kind === 'output') {
					results[itemIndex] = result.item;
					continue;
				}
				tracked.push(result);
				if (result.kind === 'poll') {
					watching ??= await startWatcher(this);
					watching.watcher.add(result.target);
				}
			} catch (error) {
				if (this.getExecutionCancelSignal()?.aborted) throw cancelledWithTasks(this, submitted);
				if (!this.continueOnFail()) throw asNodeError(this, error as Error, itemIndex, submitted);
				results[itemIndex] = errorItem(error as Error, itemIndex);
			}
		}
		allSubmitted = true;
	} finally {
		// A throw above ends the node: stop polling the tasks already being watched.
		if (!allSubmitted) watching?.watcher.stop();
	}

	const paused = tracked.find((entry) => entry.kind === 'callback');
	if (paused) await finishPaused(this, paused, results, submitted);
	if (watching) {
		watching.watcher.close();
		let outcomes: Map<TaskToWaitFor, WaitOutcome>;
		try {
			outcomes = await watching.outcomes;
		} catch (error) {
			// The watcher rejects when the execution is cancelled during a wait between polls.
			throw this.getExecutionCancelSignal()?.aborted
				? cancelledWithTasks(this, submitted)
				: asNodeError(this, error as Error, 0, submitted);
		}
		await outputOutcomes(this, tracked, outcomes, results, submitted);
	}
	return [results.filter((item): item is INodeExecutionData => item !== undefined)];
}
