import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { accountInfoToJson } from './account-info';
import { getAccountInfo } from '../../../shared/transport';
import { cancelledError } from '../../../shared/node-errors';
import { errorItem, type Failure } from '../../../shared/task-item';
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
export async function execute(context: IExecuteFunctions, itemIndex: number, holds: Holds): Promise<OperationResult> {
	if (!holds.pooled) {
		const info = await getAccountInfo(context, { itemIndex });
		return { kind: 'output', items: [{ json: accountInfoToJson(info), pairedItem: { item: itemIndex } }] };
	}
	const items = await Promise.all(
		holds.names().map(async (hold): Promise<INodeExecutionData> => {
			try {
				const info = await getAccountInfo(context, { itemIndex, hold });
				return { json: { hold, ...accountInfoToJson(info) }, pairedItem: { item: itemIndex } };
			} catch (error) {
				if (context.getExecutionCancelSignal()?.aborted) throw cancelledError(context.getNode());
				return errorItem(error as Failure, itemIndex, { hold });
			}
		}),
	);
	return { kind: 'output', items };
}
