import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** A failure as n8n shows it: what happened and, where known, what to do (an n8n error, or a message of our own). */
export interface Failure {
	message: string;
	description?: string;
	/** n8n's errors carry the task and the hold they concern here (transport/errors.ts) */
	context?: IDataObject;
}

/**
 * The item a failure becomes where the node outputs failures instead of ending (Continue On Fail, a resumed pause,
 * one hold of Get Info): the message, the advice, the task and hold it concerns, and `fields` of the caller's.
 */
export function errorItem(failure: Failure, itemIndex: number, fields: IDataObject = {}): INodeExecutionData {
	const json: IDataObject = { error: failure.message };
	if (typeof failure.description === 'string' && failure.description) json.description = failure.description;
	const { task_id: taskId, hold } = failure.context ?? {};
	if (typeof taskId === 'string') json.task_id = taskId;
	if (typeof hold === 'string') json.hold = hold;
	return { json: { ...json, ...fields }, pairedItem: { item: itemIndex } };
}
