import type { INodeProperties } from 'n8n-workflow';

import { downloadOptionFields } from '../../shared/task-item';
import { DEFAULT_REQUESTS_PER_SECOND, REQUESTS_PER_SECOND } from '../../shared/transport';
import { HOLD_SOURCE } from '../../shared/hold-source';
import { DEFAULT_MAX_WAIT_MIN, DEFAULT_POLL_INTERVAL_S, MAX_WAIT_MIN, POLL_INTERVAL_S } from '../waiting';

/** With a hold pool: one hold for the item, by name. */
export function holdProperty(forFollowUp: boolean): INodeProperties {
	return {
		displayName: 'Hold',
		name: 'hold',
		type: 'string',
		default: '',
		placeholder: 'e.g. main-fast',
		description: forFollowUp
			? 'Optional: the name of the hold (in the Hold Pool credential) that owns the task. Empty: the input item’s hold, else the node asks the pool’s holds.'
			: 'Optional: the name of the hold (in the Hold Pool credential) that runs the job. Empty: the hold that will start it soonest.',
		displayOptions: { show: { authentication: [HOLD_SOURCE.holdPool] } },
	};
}

export const callbackUrlProperty: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'https://your-n8n.example.com/webhook/…',
	description:
		'Optional URL that LinkrAPI POSTs to when the task finishes, e.g. the production URL of a LinkrAPI Trigger node',
};

const pauseOption = {
	name: 'Pause Until Callback',
	value: 'callback',
	description:
		'Free the worker while Midjourney runs; LinkrAPI calls this execution back when the task ends. Needs n8n reachable from the internet (WEBHOOK_URL), one item per execution.',
};

/**
 * "Wait for Completion". Operations that submit a job (`submitsJob`: Imagine, Action) can also pause, and their
 * Don't Wait points at the shape that survives an n8n restart (README "If n8n restarts during a batch").
 */
export function waitModeProperty(defaultMode: 'poll' | 'none', submitsJob = false): INodeProperties {
	return {
		displayName: 'Wait for Completion',
		name: 'waitMode',
		type: 'options',
		default: defaultMode,
		description: 'Whether the node waits until Midjourney has finished the task before it outputs',
		options: [
			{
				name: 'Poll Until Finished',
				value: 'poll',
				description:
					'Check the task, at least every Poll Interval while it may run, until it completes, fails or Max Wait passes. The wait is held in memory: if n8n restarts meanwhile, the wait is lost and the job keeps running.',
			},
			{
				name: "Don't Wait",
				value: 'none',
				description: submitsJob
					? 'Output the task ID at once. For long batches, wait in a second workflow with the Fetch operation: an n8n restart during the wait then loses nothing. Or use a LinkrAPI Trigger.'
					: 'Output at once; use the Fetch operation or a LinkrAPI Trigger later',
			},
			...(submitsJob ? [pauseOption] : []),
		],
	};
}

const pollingOptionFields: INodeProperties[] = [
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWait',
		type: 'number',
		default: DEFAULT_MAX_WAIT_MIN,
		typeOptions: { minValue: MAX_WAIT_MIN.min, maxValue: MAX_WAIT_MIN.max, numberPrecision: 2 },
		description:
			'How long to wait for the task before giving up. Fast mode tasks end within 15 minutes, relax mode within 60.',
		displayOptions: { show: { '/waitMode': ['poll', 'callback'] } },
	},
	{
		displayName: 'On Timeout',
		name: 'onTimeout',
		type: 'options',
		default: 'error',
		description: 'What to do when Max Wait passes before the task finishes',
		options: [
			{ name: 'Error', value: 'error', description: 'Fail the item; the error names the Task ID' },
			{
				name: 'Output Last Status',
				value: 'output',
				description: 'Output the last known status with wait_timed_out: true, to fetch it later',
			},
		],
		displayOptions: { show: { '/waitMode': ['poll'] } },
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		default: DEFAULT_POLL_INTERVAL_S,
		typeOptions: { minValue: POLL_INTERVAL_S.min, maxValue: POLL_INTERVAL_S.max },
		description:
			'The longest time between two checks of a task that may be running. The node checks sooner when it expects the job to have ended, and less often while a task surely waits in the account’s queue. LinkrAPI recommends 5–10 seconds.',
		displayOptions: { show: { '/waitMode': ['poll'] } },
	},
];

const maxRequestsPerSecondField: INodeProperties = {
	displayName: 'Max Requests per Second',
	name: 'maxRequestsPerSecond',
	type: 'number',
	default: DEFAULT_REQUESTS_PER_SECOND,
	typeOptions: { minValue: REQUESTS_PER_SECOND.min, maxValue: REQUESTS_PER_SECOND.max, numberPrecision: 1 },
	description:
		'Upper bound on calls to LinkrAPI with this credential from this n8n process, to stay gentle on the Discord account',
};

export const waitingOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	description: 'Image download, request pacing and waiting settings; the defaults suit most workflows',
	options: [...downloadOptionFields, maxRequestsPerSecondField, ...pollingOptionFields],
};

export const taskIdProperty: INodeProperties = {
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
	description: 'The task_id returned by Imagine or Action',
};
