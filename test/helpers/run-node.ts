import type { INodeExecutionData } from 'n8n-workflow';

import { LinkrApi } from '../../nodes/LinkrApi/LinkrApi.node';
import { createExecuteContext, type ContextOptions, type FakeContext } from './execute-context';

export async function runNode(options: ContextOptions): Promise<{ output: INodeExecutionData[]; fake: FakeContext }> {
	const fake = createExecuteContext(options);
	const [output] = await new LinkrApi().execute.call(fake.context);
	return { output, fake };
}

/** Runs the node expecting it to throw, and returns the error. */
export async function runNodeError(
	options: ContextOptions,
): Promise<Error & { description?: string; context?: Record<string, unknown> }> {
	try {
		await runNode(options);
	} catch (error) {
		return error as Error & {
			description?: string;
			context?: Record<string, unknown>;
		};
	}
	throw new Error('Expected the node to throw');
}
