import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkPauseIsPossible, pauseForCallback } from '../pause';
import { outcomeItem, Polling, type TaskToWaitFor } from '../waiting';
import { holdsForExecution, type Holds } from '../holds';
import * as account from './account';
import { nodeEndingError, submittedTaskOf, withItemErrors, type SubmittedTask } from './item-errors';
import type { LinkrOperation, LinkrResource } from './node.type';
import * as task from './task';

const operations: Record<LinkrResource, Record<string, LinkrOperation>> = {
	task: { imagine: task.imagine, action: task.action, fetch: task.fetch },
	account: { getInfo: account.getInfo },
};

function operationOf(context: IExecuteFunctions): LinkrOperation {
	const resource = context.getNodeParameter('resource', 0) as LinkrResource;
	const operationName = context.getNodeParameter('operation', 0) as string;
	const operation = operations[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operationName}" is not supported for "${resource}"`,
		);
	}
	return operation;
}

/**
 * Owns the item loop: runs the operation of every item first, then waits on all their tasks together (waiting/) or
 * pauses for the one item that asked (pause/), and outputs in input order. Each item that fails becomes an error item
 * under "continue on fail", else ends the node naming the tasks already submitted (item-errors.ts).
 */
export async function router(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const operation = operationOf(context);
	checkPauseIsPossible(context, items.length);
	const holds = await holdsForExecution(context);
	try {
		return await runItems(context, operation, holds);
	} finally {
		holds.close();
	}
}

async function runItems(
	context: IExecuteFunctions,
	operation: LinkrOperation,
	holds: Holds,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const results: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	// Every task this execution submitted, in any wait mode: each error that ends the node lists them.
	const submitted: SubmittedTask[] = [];
	const polling = new Polling(context, holds.settled);
	const pausing: TaskToWaitFor[] = [];
	let allRun = false;
	try {
		for (let itemIndex = 0; itemIndex < items.length && !polling.stoppedEarly; itemIndex++) {
			results[itemIndex] = await withItemErrors(context, itemIndex, submitted, async () => {
				const result = await operation.execute(context, itemIndex, holds);
				const submittedTask = submittedTaskOf(result, itemIndex);
				if (submittedTask) submitted.push(submittedTask);
				if (result.kind === 'output') return result.items;
				if (result.kind === 'poll') await polling.add(result.task);
				else pausing.push(result.task);
				return undefined;
			});
		}
		allRun = true;
	} finally {
		// An error that ends the node ends the waiting too: the tasks already being watched are polled no more.
		if (!allRun) polling.stop();
	}

	for (const paused of pausing) {
		results[paused.itemIndex] = await withItemErrors(context, paused.itemIndex, submitted, async () => {
			return [await pauseForCallback(context, paused)];
		});
	}
	const outcomes = await polling.outcomes().catch((error: Error) => {
		throw nodeEndingError(context, error, 0, submitted);
	});
	for (const { task: polled, outcome } of outcomes) {
		results[polled.itemIndex] = await withItemErrors(context, polled.itemIndex, submitted, async () => {
			return [await outcomeItem(context, polled, outcome)];
		});
	}
	return [results.flatMap((itemsOfInput) => itemsOfInput ?? [])];
}
