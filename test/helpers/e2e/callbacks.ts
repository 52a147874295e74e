import { randomBytes, randomUUID } from 'node:crypto';

import {
	type CreatedWorkflow,
	type Execution,
	type N8nClient,
	pollUntil,
	sleep,
	withNodeParameters,
	type WorkflowJson,
} from '../../../real-n8n/harness';
import type { Testbed } from './testbed';

/** Helpers for the webhook features: LinkrAPI Trigger URLs, callbacks sent by hand, executions counted over REST. */

export const TRIGGER_NODE_TYPE = 'n8n-nodes-linkrapi.linkrApiTrigger';

export interface HttpAnswer {
	status: number;
	/** Parsed JSON when the answer is JSON, else the text. */
	body: unknown;
}

/** POSTs `body` as JSON (what LinkrAPI's callback looks like on the wire). */
export async function postJson(url: string, body: unknown): Promise<HttpAnswer> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	try {
		return { status: response.status, body: JSON.parse(text) as unknown };
	} catch {
		return { status: response.status, body: text };
	}
}

export interface DeployedTrigger {
	workflow: CreatedWorkflow;
	webhookId: string;
	token: string;
	/** The production URL with the token: what a user pastes into the Callback URL field. */
	url: string;
	/** The same URL with another token. */
	urlWithToken(token: string): string;
}

/** n8n 2.40.7 answers 404 "not registered" for 0.3–1 s after activation; far longer means it never will. */
export const REGISTRATION_TIMEOUT_MS = 10_000;

/** The trigger's documented callback URL: `<WEBHOOK_URL>webhook/<webhookId>/callback?token=<secret>`. */
export function triggerUrl(n8n: N8nClient, webhookId: string, token: string): string {
	return `${n8n.baseUrl}/webhook/${webhookId}/callback?token=${encodeURIComponent(token)}`;
}

const isNotRegistered = (answer: HttpAnswer) =>
	answer.status === 404 && /not registered/i.test(JSON.stringify(answer.body));

/**
 * Deploys a workflow whose LinkrAPI Trigger gets a fresh webhookId (the harness only renews built-in Webhook nodes)
 * and a random secret token, then waits until n8n really serves its production URL: right after activation n8n
 * 2.40.7 answers 404 "not registered" for a moment; a wrong token then gets the node's own 401, and nothing runs.
 */
export async function deployTrigger(
	bed: Testbed,
	file: string,
	parameters: Record<string, unknown> = {},
	triggerName = 'LinkrAPI Trigger',
): Promise<DeployedTrigger> {
	const webhookId = randomUUID();
	const token = randomBytes(24).toString('hex');
	const workflow = await bed.deploy(file, (json: WorkflowJson) => {
		const changed = withNodeParameters(json, triggerName, { ...parameters, secretToken: token });
		const trigger = changed.nodes.find((node) => node.name === triggerName);
		if (!trigger) throw new Error(`${file} has no node "${triggerName}".`);
		trigger.webhookId = webhookId;
		return changed;
	});
	const urlWithToken = (value: string) => triggerUrl(bed.n8n, webhookId, value);
	const deployed = { workflow, webhookId, token, url: urlWithToken(token), urlWithToken };
	await waitUntilServed(bed.n8n, deployed);
	return deployed;
}

async function waitUntilServed(n8n: N8nClient, trigger: DeployedTrigger): Promise<void> {
	const probe = trigger.urlWithToken('not-the-token');
	await pollUntil(
		`n8n to serve the trigger's URL ${probe}`,
		async () => {
			const answer = await postJson(probe, { task_id: 'probe' });
			if (answer.status === 401) return true;
			if (!isNotRegistered(answer)) {
				throw new Error(`The trigger answered a wrong token with ${answer.status}: ${JSON.stringify(answer.body)}`);
			}
			return undefined;
		},
		{ timeoutMs: REGISTRATION_TIMEOUT_MS, intervalMs: 150, onTimeout: async () => await whyNotServed(n8n, trigger) },
	);
}

/** Explains a trigger URL that stays "not registered": where n8n serves it instead, or why it refused to. */
async function whyNotServed(n8n: N8nClient, trigger: DeployedTrigger): Promise<string> {
	const { workflow } = trigger;
	const lines = [
		`n8n still answers 404 "not registered" for the trigger's production URL ${trigger.urlWithToken('TOKEN')} ` +
			`${REGISTRATION_TIMEOUT_MS / 1000} s after workflow ${workflow.id} was activated.`,
	];
	const refused = n8n
		.readLog()
		.split('\n')
		.filter((line) => /LinkrAPI Trigger|webhook_entity/.test(line) && /error/i.test(line))
		.slice(-3);
	if (refused.length > 0) lines.push(`n8n's log: ${refused.join(' | ')}`);
	return lines.join(' ');
}

/**
 * Deactivates a trigger workflow once its test is done. Every trigger has a URL of its own (its webhookId), so the
 * next test does not depend on n8n having finished removing this one: no wait, which under load could take long.
 */
export async function retireTrigger(n8n: N8nClient, trigger: DeployedTrigger): Promise<void> {
	await n8n.rest('POST', `/workflows/${trigger.workflow.id}/deactivate`, {});
}

export interface ExecutionSummary {
	id: string;
	status: string;
	workflowId: string;
}

/** All executions of a workflow (newest first), counted over REST. */
export async function executionsOf(n8n: N8nClient, workflowId: string): Promise<ExecutionSummary[]> {
	return await n8n.listExecutions(workflowId, 100);
}

/** Waits until the workflow has `count` executions that satisfy `settled`, and returns them with full data, oldest first. */
export async function waitForExecutions(
	n8n: N8nClient,
	workflowId: string,
	count: number,
	settled: (status: string) => boolean = (status) => status === 'success' || status === 'error',
	timeoutMs = 30_000,
): Promise<Execution[]> {
	const summaries = await pollUntil(
		`${count} settled execution(s) of workflow ${workflowId}`,
		async () => {
			const all = await executionsOf(n8n, workflowId);
			const done = all.filter((execution) => settled(execution.status));
			return done.length >= count ? done : undefined;
		},
		{ timeoutMs, intervalMs: 150 },
	);
	const oldestFirst = [...summaries].sort((a, b) => Number(a.id) - Number(b.id));
	return await Promise.all(oldestFirst.map(async (summary) => await n8n.getExecution(summary.id)));
}

/**
 * Waits a little, then returns how many executions the workflow has: for "this started nothing" checks. n8n saves
 * a webhook's execution before it answers the webhook; `settleMs` is a margin on top.
 */
export async function countExecutionsAfter(n8n: N8nClient, workflowId: string, settleMs = 500): Promise<number> {
	await sleep(settleMs);
	return (await executionsOf(n8n, workflowId)).length;
}

/** Polls one execution until `settled(status)`; returns it with full data. */
export async function waitForExecutionStatus(
	n8n: N8nClient,
	id: string,
	settled: (status: string) => boolean,
	timeoutMs = 60_000,
	intervalMs = 100,
): Promise<Execution> {
	return await n8n.waitForExecution(id, timeoutMs, settled, intervalMs);
}

/** Milliseconds between an epoch-ms time (the simulator's clock) and an ISO time from n8n (same machine). */
export function msBetween(fromEpochMs: number, toIso: string | undefined): number {
	if (!toIso) throw new Error('n8n did not record the time');
	return Date.parse(toIso) - fromEpochMs;
}
