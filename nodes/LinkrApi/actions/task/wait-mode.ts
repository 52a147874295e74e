import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SubmitResponse } from '../../../shared/transport/api-types';
import type { TaskOptions, WaitMode } from '../read-options';
import type { JobKind, TaskToWaitFor } from '../../waiting/task-watcher';
import { jobKindOf } from '../../waiting/watch';
import { callbackResumeUrl } from '../../pause/resume-url';
import { optionalHttpUrl } from '../validate-input';
import type { OperationResult } from '../node.type';

/** A task to wait for from now on, with the item's waiting settings. */
export function waitTarget(
	taskId: string,
	itemIndex: number,
	options: TaskOptions,
	pollImmediately?: boolean,
	jobKind?: JobKind,
): TaskToWaitFor {
	return {
		taskId,
		itemIndex,
		wait: options.wait,
		requestsPerSecond: options.requestsPerSecond,
		acceptedAt: Date.now(),
		pollImmediately,
		jobKind,
	};
}

/**
 * What Imagine and Action do once LinkrAPI accepted the job: output it, or hand it over for waiting.
 * `extra` (e.g. `final_prompt`) is added to whatever the item finally outputs.
 */
export function trackSubmission(
	submitted: SubmitResponse,
	itemIndex: number,
	waitMode: WaitMode,
	options: TaskOptions,
	submittedJson: IDataObject,
	extra: IDataObject = {},
): OperationResult {
	if (waitMode === 'none') {
		return { kind: 'output', item: { json: { ...submittedJson, ...extra }, pairedItem: { item: itemIndex } } };
	}
	return {
		kind: waitMode,
		target: waitTarget(submitted.task_id, itemIndex, options, undefined, jobKindOf(String(submittedJson.action))),
		download: options.download,
		extra,
	};
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
