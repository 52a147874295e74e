import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** Answers a callback directly and starts (or resumes) nothing. */
export function answerWithoutRunning(
	context: IWebhookFunctions,
	statusCode: number,
	body: IDataObject,
): IWebhookResponseData {
	context.getResponseObject().status(statusCode).json(body);
	return { noWebhookResponse: true };
}
