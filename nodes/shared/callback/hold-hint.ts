import type { IWebhookFunctions } from 'n8n-workflow';

/**
 * With a hold pool, the callback URL a job carries names the hold that runs it, so whoever receives the callback
 * knows which key to verify the task with first. Only a hint: the task is verified with that hold's key (then the
 * others'), and a pause's resume token is checked under it.
 */
const HOLD_HINT_PARAM = 'linkrapi_hold';

export function withHoldHint(url: string, hold: string | undefined): string {
	if (hold === undefined) return url;
	const hinted = new URL(url);
	hinted.searchParams.set(HOLD_HINT_PARAM, hold);
	return hinted.toString();
}

export function holdHintOf(context: IWebhookFunctions): string | undefined {
	const value = (context.getQueryData() as Record<string, unknown>)[HOLD_HINT_PARAM];
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
