import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { createExecuteContext, EXECUTION_ID, node } from './execute-context';

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
	/** Query parameters besides the Trigger's token */
	query?: Record<string, string>;
	/** Run as n8n before 2.16 does: no custom data for nodes */
	withoutCustomData?: boolean;
}

export interface FakeWebhook {
	context: IWebhookFunctions;
	response: { statusCode?: number; body?: unknown };
	warnings: string[];
}

/** An IWebhookFunctions whose HTTP helpers make real requests (nock intercepts them), as in execute-context. */
export function createWebhookContext(request: WebhookRequest): FakeWebhook {
	const executeFake = createExecuteContext({ params: request.params ?? {} });
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
			fake.response.statusCode = code;
			return responseObject;
		},
		json(body: unknown) {
			fake.response.body = body;
			return responseObject;
		},
	};
	fake.context = {
		getQueryData: () => ({ ...(request.token === undefined ? {} : { token: request.token }), ...request.query }),
		getExecutionId: () => EXECUTION_ID,
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in params ? params[name as keyof typeof params] : fallback,
		getHeaderData: () => request.headers ?? {},
		getBodyData: () => request.body as IDataObject,
		getResponseObject: () => responseObject,
		getRequestObject: () => ({ rawBody: request.rawBody }),
		getWorkflow: () => ({ id: request.workflowId ?? 'wf-1', active: true }),
		getNode: () => ({ ...node, id: 'trigger-1', type: 'n8n-nodes-linkrapi.linkrApiTrigger' }),
		getWorkflowStaticData: () => staticData,
		customData: request.withoutCustomData
			? undefined
			: {
					set: () => undefined,
					get: (key: string) =>
						request.submittedTaskId
							? { linkrapi_task_id: request.submittedTaskId, linkrapi_final_prompt: 'a cat --ar 16:9' }[key]
							: undefined,
				},
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
