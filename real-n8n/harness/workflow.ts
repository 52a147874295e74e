import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

/** Workflow JSON as n8n exports it (only the fields the harness touches are typed). */
export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

export interface CredentialRef {
	id: string;
	name: string;
}

export const LINKRAPI_NODE_TYPE = 'n8n-nodes-linkrapi.linkrApi';
export const LINKRAPI_CREDENTIAL_TYPE = 'linkrApi';
export const LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE = 'linkrApiHoldPoolApi';
export const WEBHOOK_NODE_TYPE = 'n8n-nodes-base.webhook';

export function loadWorkflow(file: string): WorkflowJson {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson;
}

/**
 * Points every node that names a credential of `credential`'s type at it; a `linkrApi` credential also goes to every
 * LinkrAPI node that names none. Workflow files in the repo carry a placeholder id, as an exported workflow would
 * carry the exporter's.
 */
export function bindCredential(workflow: WorkflowJson, credential: CredentialRef & { type?: string }): WorkflowJson {
	const type = credential.type ?? LINKRAPI_CREDENTIAL_TYPE;
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		const namesNone = node.type === LINKRAPI_NODE_TYPE && !node.credentials?.[LINKRAPI_HOLD_POOL_CREDENTIAL_TYPE];
		if (node.credentials?.[type] || (type === LINKRAPI_CREDENTIAL_TYPE && namesNone)) {
			node.credentials = { ...node.credentials, [type]: { id: credential.id, name: credential.name } };
		}
	}
	return copy;
}

/**
 * Gives each Webhook node a fresh webhookId and a path with a unique suffix, so one workflow file can be deployed
 * many times on the same n8n (n8n refuses to activate two workflows listening on the same path).
 */
export function makeWebhooksUnique(workflow: WorkflowJson): WorkflowJson {
	const copy = structuredClone(workflow);
	const suffix = randomUUID().slice(0, 8);
	for (const node of copy.nodes) {
		if (node.type !== WEBHOOK_NODE_TYPE) continue;
		node.webhookId = randomUUID();
		const basePath = typeof node.parameters.path === 'string' ? node.parameters.path : 'e2e';
		node.parameters = { ...node.parameters, path: `${basePath}-${suffix}` };
	}
	return copy;
}

/** The path of the first Webhook node (`/webhook/<path>`), if the workflow has one. */
export function webhookPathOf(workflow: WorkflowJson): string | undefined {
	const webhook = workflow.nodes.find((node) => node.type === WEBHOOK_NODE_TYPE);
	return typeof webhook?.parameters.path === 'string' ? webhook.parameters.path : undefined;
}

/** Returns a copy with `patch` merged into the parameters of the node named `nodeName`. */
export function withNodeParameters(
	workflow: WorkflowJson,
	nodeName: string,
	patch: Record<string, unknown>,
): WorkflowJson {
	const copy = structuredClone(workflow);
	const node = copy.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`Workflow "${workflow.name}" has no node named "${nodeName}".`);
	node.parameters = { ...node.parameters, ...patch };
	return copy;
}

/** Returns a copy with node-level settings (e.g. `{ onError: 'continueRegularOutput' }`) set on `nodeName`. */
export function withNodeSettings(
	workflow: WorkflowJson,
	nodeName: string,
	settings: Record<string, unknown>,
): WorkflowJson {
	const copy = structuredClone(workflow);
	const node = copy.nodes.find((candidate) => candidate.name === nodeName);
	if (!node) throw new Error(`Workflow "${workflow.name}" has no node named "${nodeName}".`);
	Object.assign(node, settings);
	return copy;
}
