import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { InvalidFieldError } from '../invalid-field-error';
import type { TrackedTask } from './node.type';

function taskIdOf(error: unknown): string | undefined {
	if (!(error instanceof NodeApiError) && !(error instanceof NodeOperationError)) return undefined;
	const taskId = error.context.task_id;
	return typeof taskId === 'string' ? taskId : undefined;
}

/** The item a failing input produces under "continue on fail": message, advice and the task, if one exists. */
export function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) json.description = description;
	const taskId = taskIdOf(error);
	if (taskId) json.task_id = taskId;
	return { json, pairedItem: { item: itemIndex } };
}

/** A field a validator refused, as n8n shows it: the node, the item and the advice. */
function invalidFieldAsNodeError(context: IExecuteFunctions, error: InvalidFieldError, itemIndex: number) {
	return new NodeOperationError(context.getNode(), error.message, { itemIndex, description: error.description });
}

/**
 * When one item stops the node, the tasks of the other items are still running on Midjourney:
 * name them in the error so the user can fetch them instead of paying for them twice.
 */
export function asNodeError(context: IExecuteFunctions, error: Error, itemIndex: number, others: TrackedTask[]): Error {
	if (error instanceof InvalidFieldError) error = invalidFieldAsNodeError(context, error, itemIndex);
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
