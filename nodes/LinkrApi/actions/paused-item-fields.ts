import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { forLog } from '../../shared/for-log';
import type { ReadParameter } from './node.type';
import { actionToSend, readPressedButton } from './task/action.operation';
import { finalPromptOf } from './task/imagine.operation';

/**
 * The fields Poll mode adds to the operation's item, rebuilt after a pause from the node's own parameters (n8n keeps
 * nothing the node output before the wait): Imagine's final_prompt; Action's source_task_id, and the button found on
 * the source task (read from LinkrAPI again); with a hold pool, the hold. Only what cannot be rebuilt is left out, and
 * logged.
 */
export async function pausedItemFields(context: IWebhookFunctions, hold: string | undefined): Promise<IDataObject> {
	const read: ReadParameter = (name, fallback) => context.getNodeParameter(name, fallback);
	const holdField = hold !== undefined ? { hold } : {};
	try {
		switch (read('operation')) {
			case 'imagine':
				return { final_prompt: finalPromptOf(read), ...holdField };
			case 'action': {
				const { taskId, choice } = readPressedButton(read);
				return { ...(await actionToSend(context, 0, taskId, choice, { hold })).fields, ...holdField };
			}
			default:
				return holdField;
		}
	} catch (error) {
		context.logger.warn(
			`The resumed item lacks the fields its parameters give: ${forLog((error as Error).message, 400)}`,
		);
		return holdField;
	}
}
