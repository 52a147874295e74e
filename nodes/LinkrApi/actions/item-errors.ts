import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, cancelledError } from '../../shared/node-errors';
import { errorItem, type Failure } from '../../shared/task-item';
import type { OperationResult } from './node.type';

/** A task this execution submitted (or is waiting on): the one thing a user needs so as not to pay for it twice. */
export interface SubmittedTask {
	itemIndex: number;
	taskId: string;
}

/** The task an operation's result stands for: every waited-on task, and the output of "Don't Wait". */
export function submittedTaskOf(result: OperationResult, itemIndex: number): SubmittedTask | undefined {
	if (result.kind !== 'output') return { itemIndex, taskId: result.task.taskId };
	const { task_id: taskId, status } = result.items[0]?.json ?? {};
	return status === 'submitted' && typeof taskId === 'string' ? { itemIndex, taskId } : undefined;
}

/** Where the tasks that go on are named, and how to get their results without paying twice. */
function fetchThemLater(tasks: SubmittedTask[]): string {
	const list = tasks.map((task) => `item ${task.itemIndex}: ${task.taskId}`).join(', ');
	return `fetch them with the Fetch operation (${list}).`;
}

/**
 * When one item stops the node, the tasks of the other items are still running on Midjourney:
 * name them in the error so the user can fetch them instead of paying for them twice.
 */
function itemFailureError(
	context: IExecuteFunctions,
	error: Error,
	itemIndex: number,
	submitted: SubmittedTask[],
): Error {
	const nodeError = asNodeError(context.getNode(), error, itemIndex);
	const running = submitted.filter((other) => other.itemIndex !== itemIndex);
	if (running.length > 0) {
		nodeError.description =
			`${nodeError.description ?? ''} Tasks of other items were already submitted and keep running; ${fetchThemLater(running)}`.trim();
	}
	return nodeError;
}

/** Stopping the execution does not stop Midjourney: the error says which tasks go on. */
function cancelledWithTasks(context: IExecuteFunctions, submitted: SubmittedTask[]): NodeOperationError {
	const error = cancelledError(context.getNode());
	if (submitted.length > 0) {
		error.description = `Tasks already submitted keep running on Midjourney; ${fetchThemLater(submitted)}`;
	}
	return error;
}

/** The error that ends the node: the execution was cancelled, or an item failed; either names the tasks that go on. */
export function nodeEndingError(
	context: IExecuteFunctions,
	error: Error,
	itemIndex: number,
	submitted: SubmittedTask[],
): Error {
	return context.getExecutionCancelSignal()?.aborted
		? cancelledWithTasks(context, submitted)
		: itemFailureError(context, error, itemIndex, submitted);
}

/**
 * Runs one step of an item (its operation, its pause, building its output) and gives what the step gives. When it
 * fails, the item becomes its error item under "continue on fail"; otherwise the node ends (nodeEndingError).
 */
export async function withItemErrors(
	context: IExecuteFunctions,
	itemIndex: number,
	submitted: SubmittedTask[],
	step: () => Promise<INodeExecutionData[] | undefined>,
): Promise<INodeExecutionData[] | undefined> {
	try {
		return await step();
	} catch (error) {
		if (context.getExecutionCancelSignal()?.aborted || !context.continueOnFail()) {
			throw nodeEndingError(context, error as Error, itemIndex, submitted);
		}
		return [errorItem(error as Failure, itemIndex)];
	}
}
