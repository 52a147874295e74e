import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isLoopbackHost } from '../../shared/host-address';
import { withHoldHint } from '../../shared/callback';
import { holdCredentials, isLoopbackBaseUrl } from '../../shared/transport';
import { pauseOf } from './pause-id';
import { RESUME_TOKEN_PARAM, resumeToken } from './resume-token';

/**
 * This pause's resume URL, which LinkrAPI calls when the task ends: the execution's resume URL (n8n 2.14+ adds a
 * per-execution secret, `?signature=…`) with the node's own resume token for this one pause (resume-token.ts), under
 * the key of the hold that runs the task, whose name a hold pool adds (hold-hint.ts). A loopback
 * URL only works with a local LinkrAPI (the simulator); the hosted API could never reach it, so that combination is
 * refused up front.
 */
export async function callbackResumeUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	hold: string | undefined,
): Promise<string> {
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex) ?? '');
	let url: URL;
	try {
		url = new URL(resumeUrl);
	} catch {
		throw new NodeOperationError(context.getNode(), 'n8n did not provide a resume URL for Pause Until Callback', {
			itemIndex,
			description: 'Use "Poll Until Finished" instead.',
		});
	}
	const { baseUrl, apiKey } = await holdCredentials(context, hold);
	if (isLoopbackHost(url.hostname) && !isLoopbackBaseUrl(baseUrl)) {
		throw new NodeOperationError(
			context.getNode(),
			'LinkrAPI cannot call back an n8n that is only reachable as localhost',
			{
				itemIndex,
				description: `The resume URL is ${url.origin}. Set WEBHOOK_URL to n8n's public address (e.g. https://n8n.example.com/), or use "Poll Until Finished".`,
			},
		);
	}
	url.searchParams.set(RESUME_TOKEN_PARAM, resumeToken(apiKey, context.getExecutionId(), pauseOf(context, itemIndex)));
	return withHoldHint(url.toString(), hold);
}
