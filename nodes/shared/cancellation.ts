import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Raised when the user stops the execution while a request or a wait is in flight. */
export function cancelledError(node: INode): NodeOperationError {
	return new NodeOperationError(node, 'The execution was cancelled while waiting for LinkrAPI');
}
