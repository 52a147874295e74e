import type { ICredentialDataDecryptedObject, IDataObject, INode, IWebhookFunctions } from 'n8n-workflow';

import { createExecuteContext, EXECUTION_ID, node as baseNode } from './execute-context';

export interface WebhookRequest {
	params?: Record<string, unknown>;
	token?: string;
	body?: unknown;
	headers?: Record<string, string>;
	staticData?: IDataObject;
	workflowId?: string;
	/** The raw bytes n8n kept of the request body (req.rawBody) */
	rawBody?: Buffer;
	/** The task the paused execution remembered in its custom data before the wait */
	submittedTaskId?: string;
	/** Which run of the node paused: the node, output and run that fed it (`$prevNode`), as "name/output/run" */
	runSource?: string;
	/** The LinkrAPI Hold Pool credential's data, for `authentication: 'holdPool'` */
	pool?: ICredentialDataDecryptedObject;
	/** The node n8n calls the webhook of (default: a LinkrAPI Trigger) */
	node?: INode;
	executionId?: string;
	/** Query parameters besides the Trigger's token */
	query?: Record<string, string>;
	/** Run as n8n before 2.16 does: no `this.customData` (and `$execution.customData` reads nothing in a webhook) */
	withoutCustomData?: boolean;
}

export interface FakeWebhook {
	context: IWebhookFunctions;
	/** The answer the node sent itself */
	response: { statusCode?: number; body?: unknown };
	/** When the node sent it (Date.now(), virtual under a virtual clock) */
	answeredAt?: number;
	warnings: string[];
}

/** An IWebhookFunctions whose HTTP helpers make real requests (nock intercepts them), as in execute-context. */
export function createWebhookContext(request: WebhookRequest): FakeWebhook {
	const executeFake = createExecuteContext({ params: request.params ?? {}, pool: request.pool });
	const params = {
		secretToken: 's3cret-token-0123456789',
		events: ['completed', 'failed', 'timeout'],
		verifyWithApi: true,
		options: {},
		...request.params,
	};
	const staticData = request.staticData ?? {};
	const fake: FakeWebhook = { context: undefined as unknown as IWebhookFunctions, response: {}, warnings: [] };
	const responseObject = {
		status(code: number) {
			if (fake.answeredAt !== undefined) throw new Error('Cannot set headers after they are sent');
			fake.response.statusCode = code;
			return responseObject;
		},
		json(body: unknown) {
			fake.response.body = body;
			fake.answeredAt = Date.now();
			return responseObject;
		},
	};
	const customData: Record<string, string> = request.submittedTaskId
		? { linkrapi_task_id: request.submittedTaskId }
		: {};
	const node = request.node ?? { ...baseNode, id: 'trigger-1', type: 'n8n-nodes-linkrapi.linkrApiTrigger' };
	fake.context = {
		getQueryData: () => ({ ...(request.token === undefined ? {} : { token: request.token }), ...request.query }),
		getExecutionId: () => request.executionId ?? EXECUTION_ID,
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in params ? params[name as keyof typeof params] : fallback,
		getHeaderData: () => request.headers ?? {},
		getBodyData: () => request.body as IDataObject,
		getResponseObject: () => responseObject,
		getRequestObject: () => ({ rawBody: request.rawBody }),
		getWorkflow: () => ({ id: request.workflowId ?? 'wf-1', active: true }),
		getNode: () => node,
		evaluateExpression: (expression: string) => {
			if (expression.includes('$prevNode.name')) return request.runSource ?? 'Webhook/0/0';
			throw new Error(`Unexpected expression ${expression}`);
		},
		getWorkflowStaticData: () => staticData,
		customData: request.withoutCustomData ? undefined : { set: () => undefined, get: (key: string) => customData[key] },
		getCredentials: executeFake.context.getCredentials,
		helpers: executeFake.context.helpers,
		logger: {
			warn: (message: string) => fake.warnings.push(message),
			debug: () => undefined,
			info: () => undefined,
			error: () => undefined,
		},
	} as unknown as IWebhookFunctions;
	return fake;
}
