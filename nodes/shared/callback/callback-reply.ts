import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** What a webhook returns once it has answered the caller itself: n8n then answers nothing more. */
const ANSWERED: IWebhookResponseData = { noWebhookResponse: true };

/**
 * The one answer a callback gets. Until it is given, a refusal goes to the caller, which may retry an error. Once the
 * callback was accepted early (answer-in-time.ts), the caller has its answer: whatever is decided later starts
 * nothing or runs, but is never sent, since an HTTP request is answered once.
 */
export class CallbackReply {
	private sent = false;

	private acceptedEarlyFlag = false;

	constructor(private readonly context: IWebhookFunctions) {}

	/** True once the caller was told "accepted" before the handling ended: failures are then the node's to retry. */
	get acceptedEarly(): boolean {
		return this.acceptedEarlyFlag;
	}

	/** Answers now (unless already answered) and starts or resumes nothing. */
	refuse(statusCode: number, body: IDataObject): IWebhookResponseData {
		this.send(statusCode, body);
		return ANSWERED;
	}

	acceptEarly(body: IDataObject): void {
		if (this.sent) return;
		this.acceptedEarlyFlag = true;
		this.send(202, body);
	}

	/** The result of a handling that starts or resumes the workflow with `workflowData`. */
	run(workflowData: IWebhookResponseData['workflowData']): IWebhookResponseData {
		return this.sent ? { ...ANSWERED, workflowData } : { workflowData };
	}

	private send(statusCode: number, body: IDataObject): void {
		if (this.sent) return;
		this.sent = true;
		this.context.getResponseObject().status(statusCode).json(body);
	}
}
