import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { PauseId } from './resume-check';

function runIndexOf(value: unknown): number {
	const runIndex = Number(value);
	return Number.isInteger(runIndex) && runIndex >= 0 ? runIndex : 0;
}

/** The pause this run of the node is about to make. */
export function pauseOf(context: IExecuteFunctions, itemIndex: number): PauseId {
	return {
		nodeId: context.getNode().id,
		runIndex: runIndexOf(context.evaluateExpression('{{ $runIndex }}', itemIndex)),
	};
}

/**
 * The pause the execution waits in, seen from its resume webhook: n8n calls it on the node that paused, whose paused
 * run is still the node's last run (n8n removes it only when the execution goes on), while the webhook's own
 * `$runIndex` is always 0.
 */
export function awaitedPauseOf(context: IWebhookFunctions): PauseId {
	const node = context.getNode();
	return {
		nodeId: node.id,
		runIndex: runIndexOf(context.evaluateExpression(`{{ $node[${JSON.stringify(node.name)}].runIndex }}`)),
	};
}
