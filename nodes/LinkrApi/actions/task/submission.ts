import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SubmitResponse } from '../../../shared/transport';
import type { TaskOptions } from '../read-options';
import { jobKindOf, type JobKind } from '../../../shared/buttons/midjourney-buttons';
import type { TaskToWaitFor, WaitMode } from '../../waiting';
import { withHoldHint } from '../../../shared/callback';
import { callbackResumeUrl } from '../../pause';
import { optionalHttpUrl } from '../validate-input';
import type { OperationResult } from '../node.type';

/** The record of a task to wait for from now on: the item's waiting settings and all its item is built from. */
export function taskToWaitFor(
	taskId: string,
	itemIndex: number,
	options: TaskOptions,
	details: { pollImmediately?: boolean; jobKind?: JobKind; itemFields?: IDataObject; hold?: string } = {},
): TaskToWaitFor {
	return {
		taskId,
		itemIndex,
		wait: options.wait,
		requestsPerSecond: options.requestsPerSecond,
		acceptedAt: Date.now(),
		pollImmediately: details.pollImmediately,
		jobKind: details.jobKind,
		download: options.download,
		// With a hold pool every item says which hold runs its task.
		itemFields: { ...details.itemFields, ...(details.hold !== undefined ? { hold: details.hold } : {}) },
		hold: details.hold,
	};
}

/**
 * What Imagine and Action hand the router once LinkrAPI accepted the job, in the item's wait mode: the item at once
 * ("none"), or the task to wait for ("poll", "callback"). `itemFields` (e.g. `final_prompt`) are added to whatever
 * the item finally outputs.
 */
export function submissionResult(
	submitted: SubmitResponse,
	itemIndex: number,
	waitMode: WaitMode,
	options: TaskOptions,
	submittedJson: IDataObject,
	itemFields: IDataObject,
	hold: string | undefined,
): OperationResult {
	const task = taskToWaitFor(submitted.task_id, itemIndex, options, {
		jobKind: jobKindOf(String(submittedJson.action)),
		itemFields,
		hold,
	});
	if (waitMode === 'none') {
		return {
			kind: 'output',
			items: [{ json: { ...submittedJson, ...task.itemFields }, pairedItem: { item: itemIndex } }],
		};
	}
	return { kind: waitMode, task };
}

/** The user's Callback URL, checked before any request; with Pause Until Callback it must be empty. */
export function readCallbackUrl(context: IExecuteFunctions, itemIndex: number, waitMode: WaitMode): string | undefined {
	const callbackUrl = optionalHttpUrl('Callback URL', context.getNodeParameter('callbackUrl', itemIndex, ''));
	if (waitMode === 'callback' && callbackUrl) {
		throw new NodeOperationError(context.getNode(), 'Clear the "Callback URL" field to use "Pause Until Callback"', {
			itemIndex,
			description:
				'LinkrAPI calls back a single URL per task, and this mode needs it to resume the execution. Use "Poll Until Finished" to keep your own Callback URL.',
		});
	}
	return callbackUrl;
}

/**
 * The webhook_url to send with the job the hold takes: the user's Callback URL, or this pause's resume URL. A hold
 * pool names the hold in it, so the receiver verifies the task with that hold's key first.
 */
export async function webhookUrlFor(
	context: IExecuteFunctions,
	itemIndex: number,
	waitMode: WaitMode,
	callbackUrl: string | undefined,
	hold: string | undefined,
): Promise<string | undefined> {
	if (waitMode === 'callback') return await callbackResumeUrl(context, itemIndex, hold);
	return callbackUrl === undefined ? undefined : withHoldHint(callbackUrl, hold);
}
