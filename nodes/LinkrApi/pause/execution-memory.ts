import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

const TASK_ID_KEY = 'linkrapi_task_id';

interface CustomData {
	set(key: string, value: string): void;
	get(key: string): unknown;
}

function isCustomData(value: unknown): value is CustomData {
	const data = value as Partial<CustomData> | undefined;
	return typeof data?.get === 'function' && typeof data.set === 'function';
}

/**
 * n8n's execution custom data: saved with the execution when it goes to wait, shown in the executions list. n8n
 * 2.16+ hands it to nodes as `customData`; every supported version (1.123 on) has it as `$execution.customData`.
 */
function customDataOf(context: IExecuteFunctions): CustomData | undefined {
	try {
		const direct = (context as unknown as { customData?: unknown }).customData;
		if (isCustomData(direct)) return direct;
		const viaExpressions = context.getWorkflowDataProxy(0).$execution?.customData as unknown;
		return isCustomData(viaExpressions) ? viaExpressions : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Remembers, in the execution itself, which task the pause waits for: the resume webhook refuses callbacks of other
 * tasks, and when Max Wait passes (the node then outputs its input) the task id stays findable. Each pause writes
 * the same key, so an execution that pauses again holds its latest task.
 */
export function rememberAwaitedTask(context: IExecuteFunctions, taskId: string): void {
	customDataOf(context)?.set(TASK_ID_KEY, taskId);
}

/**
 * The task the execution waits for, where n8n hands the resume webhook its custom data (2.16+; `$execution.customData`
 * reads nothing there) and the task could be remembered (n8n keeps 10 custom data keys per execution).
 */
export function recallAwaitedTask(context: IWebhookFunctions): string | undefined {
	let value: unknown;
	try {
		const direct = (context as unknown as { customData?: unknown }).customData;
		value = isCustomData(direct) ? direct.get(TASK_ID_KEY) : undefined;
	} catch {
		value = undefined;
	}
	return typeof value === 'string' && value !== '' ? value : undefined;
}
