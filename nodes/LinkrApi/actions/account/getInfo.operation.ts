import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { accountInfoToJson } from './account-info';
import { getAccountInfo } from '../../../shared/transport';
import { cancelledError } from '../../../shared/cancellation';
import type { Holds } from '../../holds';
import type { OperationResult } from '../node.type';

const properties: INodeProperties[] = [
	{
		displayName:
			'Takes 5–15 seconds: LinkrAPI sends a real /info command through your Discord account. Avoid calling it in tight loops.',
		name: 'infoNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['account'], operation: ['getInfo'] } },
	properties,
);

/** With a hold pool, an item per hold (asked at once, each through its own budget); a hold that fails says why. */
export async function execute(this: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult> {
	if (!holds.pooled) {
		const info = await getAccountInfo.call(this, { itemIndex });
		return { kind: 'output', items: [{ json: accountInfoToJson(info), pairedItem: { item: itemIndex } }] };
	}
	const items = await Promise.all(
		holds.names().map(async (hold): Promise<INodeExecutionData> => {
			try {
				const info = await getAccountInfo.call(this, { itemIndex, hold });
				return { json: { hold, ...accountInfoToJson(info) }, pairedItem: { item: itemIndex } };
			} catch (error) {
				if (this.getExecutionCancelSignal()?.aborted) throw cancelledError(this.getNode());
				const { message, description } = error as Error & { description?: string };
				return { json: { hold, error: message, description }, pairedItem: { item: itemIndex } };
			}
		}),
	);
	return { kind: 'output', items };
}
