import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { forLog } from '../for-log';
import type { CallbackReply } from './callback-reply';

/**
 * LinkrAPI's callback timeout is not documented. A callback is answered within this time, whatever the handling
 * still has to do (verification may queue behind the hold's request budget when many callbacks arrive at once,
 * an image download may be slow); n8n's own work before and after the node stays well inside 2 s.
 */
export const ANSWER_WITHIN_MS = 500;

const TIME_IS_UP = Symbol('time is up');

/**
 * Runs a callback's handling and answers the caller in time: the handling's own answer if it ends within
 * `answerWithinMs`, else "202 accepted" at once while the handling goes on. The handling then retries by itself
 * whatever it can no longer ask LinkrAPI to retry. A handling that throws starts nothing: the caller gets a 500
 * while it can still retry, and the failure is logged either way.
 */
export async function answerInTime(
	context: IWebhookFunctions,
	reply: CallbackReply,
	handling: Promise<IWebhookResponseData>,
	accepted: IDataObject,
	answerWithinMs = ANSWER_WITHIN_MS,
): Promise<IWebhookResponseData> {
	const settled = handling.catch((error: Error) => {
		context.logger.warn(`A LinkrAPI callback could not be handled: ${forLog(error.message, 400)}`);
		return reply.refuse(500, { error: 'The callback could not be handled; retry later' });
	});
	const timer = Promise.resolve(sleep(answerWithinMs)).then((): typeof TIME_IS_UP => TIME_IS_UP);
	const first = await Promise.race([settled, timer]);
	if (first !== TIME_IS_UP) return first;
	reply.acceptEarly({ accepted: 'the callback is being handled', ...accepted });
	return await settled;
}
