/**
 * The benchmark's workflows: Webhook → Code node with N prompts → one LinkrAPI node per stage of the scenario
 * (Imagine, or Upscale Image 1 of each grid the node before made), each on its hold's credential.
 */
import {
	type CredentialRef,
	LINKRAPI_CREDENTIAL_TYPE,
	LINKRAPI_NODE_TYPE,
	WEBHOOK_NODE_TYPE,
	type WorkflowJson,
	type WorkflowNode,
} from '../real-n8n/harness';
import type { Stage } from './scenarios';

export interface WorkflowSettings {
	size: number;
	intervalS: number;
	requestsPerSecond: number;
	/** Max Wait of the LinkrAPI nodes, minutes */
	maxWaitMin: number;
}

type Connections = Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;

function node(name: string, type: string, typeVersion: number, column: number, parameters: Record<string, unknown>) {
	const created: WorkflowNode = {
		id: name.toLowerCase().replace(/\W+/g, '-'),
		name,
		type,
		typeVersion,
		position: [column * 220, 0],
		parameters,
	};
	return created;
}

export function stageNodeName(stage: Stage, index: number): string {
	const hold = String.fromCharCode(65 + stage.hold);
	return `${index + 1}. ${stage.operation === 'imagine' ? 'Imagine' : 'Upscale Image 1'} (hold ${hold})`;
}

function linkrApiNode(stage: Stage, index: number, settings: WorkflowSettings, credential: CredentialRef) {
	const options = {
		pollInterval: settings.intervalS,
		maxWait: settings.maxWaitMin,
		maxRequestsPerSecond: settings.requestsPerSecond,
	};
	const parameters =
		stage.operation === 'imagine'
			? { resource: 'task', operation: 'imagine', prompt: '={{ $json.prompt }}', waitMode: 'poll', options }
			: {
					resource: 'task',
					operation: 'action',
					taskId: '={{ $json.task_id }}',
					action: 'upsample1',
					waitMode: 'poll',
					options,
				};
	return {
		...node(stageNodeName(stage, index), LINKRAPI_NODE_TYPE, 1, index + 2, parameters),
		credentials: { [LINKRAPI_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
}

/** Webhook (answers at once; the benchmark reads the execution over REST) → Prompts → the stages in a row. */
export function scenarioWorkflow(
	title: string,
	stages: Stage[],
	settings: WorkflowSettings,
	credentials: CredentialRef[],
): WorkflowJson {
	const nodes: WorkflowNode[] = [
		node('Webhook', WEBHOOK_NODE_TYPE, 2, 0, {
			httpMethod: 'POST',
			path: 'bench',
			responseMode: 'onReceived',
			options: {},
		}),
		node('Prompts', 'n8n-nodes-base.code', 2, 1, {
			jsCode: `return Array.from({ length: ${settings.size} }, (_, index) => ({ json: { prompt: \`bench prompt \${index + 1} --ar 1:1\` } }));`,
		}),
		...stages.map((stage, index) => linkrApiNode(stage, index, settings, credentials[stage.hold])),
	];
	const connections: Connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name: `Bench: ${title}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Webhook → Code: run once before measuring, so the first measured run does not pay for n8n's task runner start. */
export function warmUpWorkflow(): WorkflowJson {
	const workflow = scenarioWorkflow('warm-up', [], { size: 1, intervalS: 5, requestsPerSecond: 3, maxWaitMin: 5 }, []);
	return { ...workflow, name: 'Bench: warm-up' };
}
