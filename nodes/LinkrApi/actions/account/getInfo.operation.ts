import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { accountInfoToJson } from './account-info';
import { getAccountInfo } from '../../../shared/transport';
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

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<OperationResult> {
	const info = await getAccountInfo.call(this, { itemIndex });
	return { kind: 'output', item: { json: accountInfoToJson(info), pairedItem: { item: itemIndex } } };
}
