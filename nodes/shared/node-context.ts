import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

/** What n8n hands the node when it runs (execute) or when a callback reaches it (webhook: Trigger, pause resume). */
export type ExecuteOrWebhookContext = IExecuteFunctions | IWebhookFunctions;

/** The execution's cancel signal while it runs; a webhook has none. */
export function cancelSignalOf(context: ExecuteOrWebhookContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}
