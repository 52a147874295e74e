import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { PauseId } from './resume-token';

/**
 * Which run of the node it is, told by the run of the node that fed it: a node in a loop runs again when the loop
 * node runs again. The same expression gives the same answer while the node runs and in its resume webhook, on
 * every supported n8n; the node's own run index does not (a webhook's `$runIndex` is 0, and n8n keeps no run of
 * the waiting node where a webhook's expressions could read it).
 */
const RUN_SOURCE = '{{ $prevNode.name + "/" + $prevNode.outputIndex + "/" + $prevNode.runIndex }}';

/** The pause this run of the node is about to make. */
export function pauseOf(context: IExecuteFunctions, itemIndex: number): PauseId {
	return { nodeId: context.getNode().id, runSource: String(context.evaluateExpression(RUN_SOURCE, itemIndex)) };
}

/** The pause the execution waits in, seen from its resume webhook (n8n calls it on the node that paused). */
export function awaitedPauseOf(context: IWebhookFunctions): PauseId {
	return { nodeId: context.getNode().id, runSource: String(context.evaluateExpression(RUN_SOURCE)) };
}
