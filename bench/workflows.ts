/**
 * The three workflows the benchmark compares (this node runs both fresh and warm). Each starts the same way (Webhook → Code node that makes N prompts),
 * then waits for N Midjourney jobs in its own way.
 */
import { LINKRAPI_NODE_TYPE, WEBHOOK_NODE_TYPE, type WorkflowJson, type WorkflowNode } from '../e2e/harness';

export type WorkflowKind = 'node' | 'warm' | 'sequential' | 'diy';

export const WORKFLOW_LABELS: Record<WorkflowKind, string> = {
	node: 'this node (one Imagine, all items)',
	warm: 'this node, warm (after one earlier batch on this API)',
	sequential: 'sequential (Loop Over Items, batch 1)',
	diy: 'DIY (HTTP Request + Wait + IF loop)',
};

/** The node under test: the one whose `executionTime` and output the benchmark checks. */
export const IMAGINE_NODE = 'Imagine';
export const LOOP_NODE = 'Loop Over Items';
export const DIY_FINISHED_NODE = 'Finished?';

export interface WorkflowSettings {
	size: number;
	intervalS: number;
	requestsPerSecond: number;
	/** Max Wait of the Imagine node, minutes. */
	maxWaitMin: number;
}

/** What the DIY loop needs to call the simulator itself. */
export interface DiyTarget {
	baseUrl: string;
	headerCredential: { id: string; name: string };
}

type Connections = Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;

function link(connections: Connections, from: string, to: string, output = 0, input = 0): void {
	const outputs = (connections[from] ??= { main: [] }).main;
	while (outputs.length <= output) outputs.push([]);
	outputs[output].push({ node: to, type: 'main', index: input });
}

function node(
	name: string,
	type: string,
	typeVersion: number,
	column: number,
	parameters: Record<string, unknown>,
): WorkflowNode {
	return {
		id: name.toLowerCase().replace(/\W+/g, '-'),
		name,
		type,
		typeVersion,
		position: [column * 220, 0],
		parameters,
	};
}

/** Webhook (answers at once; the benchmark reads the execution over REST) → Code node with `size` prompts. */
function start(size: number): { nodes: WorkflowNode[]; connections: Connections } {
	const connections: Connections = {};
	link(connections, 'Webhook', 'Prompts');
	return {
		nodes: [
			node('Webhook', WEBHOOK_NODE_TYPE, 2, 0, {
				httpMethod: 'POST',
				path: 'bench',
				responseMode: 'onReceived',
				options: {},
			}),
			node('Prompts', 'n8n-nodes-base.code', 2, 1, {
				jsCode: `return Array.from({ length: ${size} }, (_, index) => ({ json: { prompt: \`bench prompt \${index + 1} --ar 1:1\` } }));`,
			}),
		],
		connections,
	};
}

function imagineNode(settings: WorkflowSettings, column: number): WorkflowNode {
	return node(IMAGINE_NODE, LINKRAPI_NODE_TYPE, 1, column, {
		resource: 'task',
		operation: 'imagine',
		prompt: '={{ $json.prompt }}',
		waitMode: 'poll',
		options: {
			pollInterval: settings.intervalS,
			maxWait: settings.maxWaitMin,
			maxRequestsPerSecond: settings.requestsPerSecond,
		},
	});
}

/** Webhook → Prompts → Imagine: the node submits every item, then waits on all tasks in one scheduler. */
export function nodeBatchWorkflow(settings: WorkflowSettings): WorkflowJson {
	const { nodes, connections } = start(settings.size);
	nodes.push(imagineNode(settings, 2));
	link(connections, 'Prompts', IMAGINE_NODE);
	return {
		name: `Bench: ${settings.size} prompts, one Imagine node`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook → Prompts → Loop Over Items (batch 1) ⇄ Imagine: one job submitted and waited at a time, as peer nodes do. */
export function sequentialWorkflow(settings: WorkflowSettings): WorkflowJson {
	const { nodes, connections } = start(settings.size);
	nodes.push(
		node(LOOP_NODE, 'n8n-nodes-base.splitInBatches', 3, 2, { batchSize: 1, options: {} }),
		imagineNode(settings, 3),
	);
	link(connections, 'Prompts', LOOP_NODE);
	// Loop Over Items v3: output 0 is "done", output 1 is "loop".
	link(connections, LOOP_NODE, IMAGINE_NODE, 1);
	link(connections, IMAGINE_NODE, LOOP_NODE);
	return {
		name: `Bench: ${settings.size} prompts, Loop Over Items`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

const TERMINAL_STATUSES = ['completed', 'failed', 'timeout'];

/**
 * The pattern people build without a LinkrAPI node: POST /imagine for every item → Wait → GET /fetch → IF finished,
 * else back to Wait. HTTP Request sends all items at once and has no request budget.
 */
export function diyWorkflow(settings: WorkflowSettings, target: DiyTarget): WorkflowJson {
	const { nodes, connections } = start(settings.size);
	const auth = {
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
	};
	const credentials = { httpHeaderAuth: { ...target.headerCredential } };
	nodes.push(
		{
			...node('Submit', 'n8n-nodes-base.httpRequest', 4.2, 2, {
				method: 'POST',
				url: `${target.baseUrl}/imagine`,
				...auth,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify({ prompt: $json.prompt }) }}',
				options: {},
			}),
			credentials,
		},
		node('Wait', 'n8n-nodes-base.wait', 1.1, 3, {
			resume: 'timeInterval',
			amount: settings.intervalS,
			unit: 'seconds',
		}),
		{
			...node('Check', 'n8n-nodes-base.httpRequest', 4.2, 4, {
				method: 'GET',
				url: `=${target.baseUrl}/fetch/{{ $json.task_id }}`,
				...auth,
				options: {},
			}),
			credentials,
		},
		node(DIY_FINISHED_NODE, 'n8n-nodes-base.if', 2.2, 5, {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: TERMINAL_STATUSES.map((status) => ({
					id: `status-${status}`,
					leftValue: '={{ $json.status }}',
					rightValue: status,
					operator: { type: 'string', operation: 'equals' },
				})),
				combinator: 'or',
			},
			options: {},
		}),
	);
	link(connections, 'Prompts', 'Submit');
	link(connections, 'Submit', 'Wait');
	link(connections, 'Wait', 'Check');
	link(connections, 'Check', DIY_FINISHED_NODE);
	link(connections, DIY_FINISHED_NODE, 'Wait', 1);
	return {
		name: `Bench: ${settings.size} prompts, DIY polling loop`,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook → Code: run once before measuring, so the first measured run does not pay for n8n's task runner start. */
export function warmUpWorkflow(): WorkflowJson {
	const { nodes, connections } = start(1);
	return { name: 'Bench: warm-up', nodes, connections, settings: { executionOrder: 'v1' } };
}
