import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SubmitResponse } from '../../../shared/transport';
import type { TaskOptions } from '../read-options';
import { type JobKind, jobKindOf, type TaskToWaitFor, type WaitMode } from '../../waiting';
import { callbackResumeUrl } from '../../pause/resume-url';
import { optionalHttpUrl } from '../validate-input';
import type { OperationResult } from '../node.type';

/** The record of a task to wait for from now on: the item's waiting settings and all its item is built from. */
export function taskToWaitFor(
	taskId: string,
	itemIndex: number,
	options: TaskOptions,
	details: { pollImmediately?: boolean; jobKind?: JobKind; itemFields?: IDataObject } = {},
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
		itemFields: details.itemFields ?? {},
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
	itemFields: IDataObject = {},
): OperationResult {
	if (waitMode === 'none') {
		return { kind: 'output', item: { json: { ...submittedJson, ...itemFields }, pairedItem: { item: itemIndex } } };
	}
	const jobKind = jobKindOf(String(submittedJson.action));
	return { kind: waitMode, task: taskToWaitFor(submitted.task_id, itemIndex, options, { jobKind, itemFields }) };
}

/** The webhook_url to send: the user's Callback URL, or this execution's resume URL when pausing. */
export async function webhookUrlFor(
	this: IExecuteFunctions,
	itemIndex: number,
	waitMode: WaitMode,
): Promise<string | undefined> {
	const node = this.getNode();
	const callbackUrl = optionalHttpUrl('Callback URL', this.getNodeParameter('callbackUrl', itemIndex, ''));
	if (waitMode !== 'callback') return callbackUrl;
	if (callbackUrl) {
		throw new NodeOperationError(node, 'Clear the "Callback URL" field to use "Pause Until Callback"', {
			itemIndex,
			description:
				'LinkrAPI calls back a single URL per task, and this mode needs it to resume the execution. Use "Poll Until Finished" to keep your own Callback URL.',
		});
	}
	return await callbackResumeUrl.call(this, itemIndex);
}
