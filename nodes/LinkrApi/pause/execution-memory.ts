import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

const TASK_ID_KEY = 'linkrapi_task_id';
const FINAL_PROMPT_KEY = 'linkrapi_final_prompt';
/** n8n keeps custom data values up to 255 characters. */
const MAX_VALUE_LENGTH = 255;

interface CustomData {
	set(key: string, value: string): void;
	get(key: string): unknown;
}

/** n8n's execution custom data: saved with the execution, shown in the executions list, readable after a wait. */
function customDataOf(context: IExecuteFunctions | IWebhookFunctions): CustomData | undefined {
	try {
		const data = (context as unknown as { customData?: CustomData }).customData;
		return data && typeof data.get === 'function' && typeof data.set === 'function' ? data : undefined;
	} catch {
		return undefined;
	}
}

/** n8n 2.16+ gives nodes the execution's custom data; older versions do not (README "Compatibility"). */
export function canRememberTask(context: IExecuteFunctions | IWebhookFunctions): boolean {
	return customDataOf(context) !== undefined;
}

/**
 * Remembers, in the execution itself, which task a paused execution waits for. n8n drops the node's pre-wait output
 * before the resume webhook runs, and when Max Wait passes the node outputs its input: the task id stays findable.
 */
export function rememberSubmittedTask(context: IExecuteFunctions, taskId: string, finalPrompt?: string): void {
	const data = customDataOf(context);
	if (!data) return;
	data.set(TASK_ID_KEY, taskId);
	if (finalPrompt && finalPrompt.length <= MAX_VALUE_LENGTH) data.set(FINAL_PROMPT_KEY, finalPrompt);
}

export function recallSubmittedTask(context: IWebhookFunctions): { taskId?: string; finalPrompt?: string } {
	const data = customDataOf(context);
	const text = (key: string) => {
		const value = data?.get(key);
		return typeof value === 'string' && value !== '' ? value : undefined;
	};
	return { taskId: text(TASK_ID_KEY), finalPrompt: text(FINAL_PROMPT_KEY) };
}
