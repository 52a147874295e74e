import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * A field the user filled in cannot be used. Validators throw it without knowing the node or the item; asNodeError
 * turns it into n8n's NodeOperationError with both.
 */
export class InvalidFieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'InvalidFieldError';
	}
}

/** Raised when the user stops the execution while a request or a wait is in flight. */
export function cancelledError(node: INode): NodeOperationError {
	return new NodeOperationError(node, 'The execution was cancelled while waiting for LinkrAPI');
}

/**
 * An error as n8n shows errors: the node's own errors as they are, a refused field with its advice, anything else
 * wrapped.
 */
export function asNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const where = itemIndex === undefined ? {} : { itemIndex };
	if (error instanceof InvalidFieldError) {
		return new NodeOperationError(node, error.message, { ...where, description: error.description });
	}
	return new NodeOperationError(node, error as Error, where);
}
