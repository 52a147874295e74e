import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { cancelledError } from '../helpers/cancellation';
import { outputWaitOutcome } from '../helpers/complete-task';
import { pauseForCallback } from '../helpers/pause-for-callback';
import { isFailedOutcome, waitForTasks } from '../helpers/wait-for-tasks';
import * as account from './account';
import type { LinkrOperation, LinkrResource, TrackedTask } from './node.type';
import * as task from './task';

const operations: Record<LinkrResource, Record<string, LinkrOperation>> = {
	task: { imagine: task.imagine, action: task.action, fetch: task.fetch },
	account: { getInfo: account.getInfo },
};

function taskIdOf(error: unknown): string | undefined {
	if (!(error instanceof NodeApiError) && !(error instanceof NodeOperationError)) return undefined;
	const taskId = error.context.task_id;
	return typeof taskId === 'string' ? taskId : undefined;
}

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) json.description = description;
	const taskId = taskIdOf(error);
	if (taskId) json.task_id = taskId;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * When one item stops the node, the tasks of the other items are still running on Midjourney:
 * name them in the error so the user can fetch them instead of paying for them twice.
 */
function asNodeError(context: IExecuteFunctions, error: Error, itemIndex: number, others: TrackedTask[]): Error {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(context.getNode(), error, { itemIndex });
	const running = others.filter((other) => other.target.itemIndex !== itemIndex);
	if (running.length > 0) {
		const list = running.map((other) => `item ${other.target.itemIndex}: ${other.target.taskId}`).join(', ');
		nodeError.description =
			`${nodeError.description ?? ''} Tasks of other items were already submitted and keep running; fetch them with the Fetch operation (${list}).`.trim();
	}
	return nodeError;
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
	const pausing = this.getNodeParameter('waitMode', 0, 'poll') === 'callback';
	if (pausing && this.isToolExecution?.()) {
		throw new NodeOperationError(
			this.getNode(),
			'"Pause Until Callback" cannot be used when the node runs as an AI Agent tool',
			{
				description: 'An agent needs the answer within its own run. Choose "Poll Until Finished" for tool use.',
			},
		);
	}
	if (pausing && items.length > 1) {
		throw new NodeOperationError(
			this.getNode(),
			`"Pause Until Callback" handles one item per execution, and this node received ${items.length}`,
			{
				description:
					'n8n resumes a paused execution once. Choose "Poll Until Finished" to wait on all items together, or put a Loop Over Items node (batch size 1) in front of this node.',
			},
		);
	}
	const continueOnFail = this.continueOnFail();
	const cancelled = () => this.getExecutionCancelSignal()?.aborted === true;
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);
	const waiting: TrackedTask[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await operation.execute.call(this, itemIndex);
			if (result.kind === 'output') results[itemIndex] = result.item;
			else waiting.push(result);
		} catch (error) {
			if (cancelled()) throw cancelledError(this.getNode());
			if (!continueOnFail) throw asNodeError(this, error as Error, itemIndex, waiting);
			results[itemIndex] = errorItem(error as Error, itemIndex);
		}
	}

	const paused = waiting.find((entry) => entry.kind === 'pause');
	if (paused) {
		try {
			const item = await pauseForCallback.call(this, paused);
			results[paused.target.itemIndex] = { ...item, json: { ...item.json, ...paused.extra } };
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this, error as Error, paused.target.itemIndex, []);
			results[paused.target.itemIndex] = errorItem(error as Error, paused.target.itemIndex);
		}
	} else if (waiting.length > 0) {
		const outcomes = await waitForTasks.call(
			this,
			waiting.map((entry) => entry.target),
			(outcome, target) => !continueOnFail && isFailedOutcome(outcome, target.wait.onTimeout),
		);
		for (const entry of waiting) {
			const { target, download } = entry;
			const outcome = outcomes.get(target);
			if (!outcome) continue;
			try {
				const item = await outputWaitOutcome.call(
					this,
					outcome,
					target.taskId,
					target.wait,
					download,
					target.itemIndex,
				);
				results[target.itemIndex] = { ...item, json: { ...item.json, ...entry.extra } };
			} catch (error) {
				if (cancelled()) throw cancelledError(this.getNode());
				if (!continueOnFail) throw asNodeError(this, error as Error, target.itemIndex, waiting);
				results[target.itemIndex] = errorItem(error as Error, target.itemIndex);
			}
		}
	}
	return [results.filter((item): item is INodeExecutionData => item !== undefined)];
}
