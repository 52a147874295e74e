import type { INodeProperties } from 'n8n-workflow';

import * as getInfo from './getInfo.operation';

export { getInfo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Info',
				value: 'getInfo',
				action: 'Get midjourney account info',
				description: 'Subscription, job mode, fast time left and usage of the hold',
			},
		],
		default: 'getInfo',
	},
	...getInfo.description,
];
