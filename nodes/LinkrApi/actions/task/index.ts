import type { INodeProperties } from 'n8n-workflow';

import * as action from './action.operation';
import * as fetch from './fetch.operation';
import * as imagine from './imagine.operation';

export { action, fetch, imagine };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{
				name: 'Fetch',
				value: 'fetch',
				action: 'Fetch a task',
				description: 'Get the status and result of a task',
			},
			{
				name: 'Imagine',
				value: 'imagine',
				action: 'Generate an image grid from a prompt',
				description: 'Submit a Midjourney prompt and get a 2×2 image grid',
			},
			{
				name: 'Upscale, Vary, Zoom or Pan',
				value: 'action',
				action: 'Upscale vary reroll zoom out pan or make square an image',
				description:
					'Press a button of a finished task: upscale, vary, reroll, zoom out, pan, make square, or any button by custom_id',
			},
		],
		default: 'imagine',
	},
	...imagine.description,
	...action.description,
	...fetch.description,
];
