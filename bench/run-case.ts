/** One measured run: a fresh simulator and key, one workflow, one execution in the shared n8n, its metrics. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	type CredentialRef,
	describeExecution,
	type Execution,
	executionError,
	LINKRAPI_CREDENTIAL_TYPE,
	type N8nClient,
	newApiKey,
	nodeOutput,
	sleep,
	type WorkflowJson,
} from '../e2e/harness';
import { type Inspection, type Simulator, startSimulator } from '../simulator';
import { physicalLimitMs, runMetrics, type RunMetrics } from './metrics';
import type { BenchOptions } from './options';
import {
	diyWorkflow,
	IMAGINE_NODE,
	LOOP_NODE,
	nodeBatchWorkflow,
	sequentialWorkflow,
	type WorkflowKind,
	type WorkflowSettings,
} from './workflows';

export interface CaseResult {
	kind: WorkflowKind;
	size: number;
	executionId: string;
	metrics: RunMetrics;
}

const EXECUTION_CHECK_INTERVAL_MS = 1000;
/** Hang guard only: far beyond what any workflow here should take. */
const EXECUTION_TIMEOUT_BASE_MS = 120_000;
const MAX_WAIT_LIMIT_MIN = 60;
const MIN_MAX_WAIT_MIN = 5;

function workflowSettings(options: BenchOptions, size: number): WorkflowSettings {
	const limitMs = physicalLimitMs(size, options.concurrency, options.taskMs);
	const generousMin = Math.ceil((3 * limitMs) / 60_000);
	return {
		size,
		intervalS: options.intervalS,
		requestsPerSecond: options.requestsPerSecond,
		maxWaitMin: Math.min(MAX_WAIT_LIMIT_MIN, Math.max(MIN_MAX_WAIT_MIN, generousMin)),
	};
}

/** The webhook answers at once (`onReceived`); follow the execution over REST until it ends. */
async function waitForEnd(
	n8n: N8nClient,
	workflowId: string,
	executionId: string,
	timeoutMs: number,
): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [latest] = await n8n.listExecutions(workflowId, 1);
		if (latest && latest.id === executionId && !['new', 'running', 'waiting'].includes(latest.status)) {
			return await n8n.getExecution(executionId);
		}
		if (Date.now() > deadline) {
			throw new Error(`Execution ${executionId} was still ${latest?.status} after ${timeoutMs / 1000} s.`);
		}
		await sleep(EXECUTION_CHECK_INTERVAL_MS);
	}
}

/** Fails the run when it did not do the work: a fast wrong run must not look like a fast run. */
function assertAllCompleted(kind: WorkflowKind, size: number, execution: Execution, seen: Inspection): void {
	const problems: string[] = [];
	if (execution.status !== 'success') {
		const error = executionError(execution);
		problems.push(`execution ended "${execution.status}"${error ? ` (${error.message})` : ''}`);
	}
	if (seen.tasks.length !== size) problems.push(`${seen.tasks.length} tasks created, expected ${size}`);
	const unfinished = seen.tasks.filter((task) => task.status !== 'completed' || task.noticedAt === undefined);
	if (unfinished.length > 0) problems.push(`${unfinished.length} task(s) not completed and seen completed`);
	const outputNode = kind === 'node' || kind === 'warm' ? IMAGINE_NODE : kind === 'sequential' ? LOOP_NODE : undefined;
	if (outputNode) {
		const items = nodeOutput(execution, outputNode);
		const completed = items.filter((item) => item.json.status === 'completed').length;
		if (completed !== size) problems.push(`${outputNode} output ${completed} completed item(s), expected ${size}`);
	}
	if (problems.length > 0) {
		throw new Error(
			`The ${kind} run with ${size} prompt(s) failed: ${problems.join('; ')}\n${describeExecution(execution)}`,
		);
	}
}

function writeTimeline(dir: string, result: CaseResult, execution: Execution, seen: Inspection): void {
	fs.mkdirSync(dir, { recursive: true });
	const timeline = {
		kind: result.kind,
		size: result.size,
		execution: { id: execution.id, startedAt: execution.startedAt, stoppedAt: execution.stoppedAt },
		metrics: result.metrics,
		requests: seen.requests.map(({ at, method, path: requestPath, status }) => ({
			at,
			method,
			path: requestPath,
			status,
		})),
		tasks: seen.tasks,
	};
	fs.writeFileSync(path.join(dir, `${result.kind}-${result.size}.json`), `${JSON.stringify(timeline, null, '\t')}\n`);
}

/**
 * Warm runs: one account-full of prompts through the same credential and API first, so the node has seen jobs
 * on this Base URL, as a scheduled batch has; then the simulator forgets them, so only the measured batch counts.
 */
async function runEarlierBatch(
	n8n: N8nClient,
	sim: Simulator,
	credential: CredentialRef | undefined,
	options: BenchOptions,
): Promise<void> {
	const earlier = await n8n.deployWorkflow(nodeBatchWorkflow(workflowSettings(options, options.concurrency)), {
		credential,
	});
	const started = await n8n.runWorkflow(earlier, { settled: () => true });
	const execution = await waitForEnd(n8n, earlier.id, started.execution.id, EXECUTION_TIMEOUT_BASE_MS);
	await n8n.rest('POST', `/workflows/${earlier.id}/deactivate`, {}).catch(() => undefined);
	if (execution.status !== 'success') throw new Error(`The earlier batch of a warm run ended "${execution.status}".`);
	sim.reset();
}

export async function runCase(
	n8n: N8nClient,
	kind: WorkflowKind,
	size: number,
	options: BenchOptions,
): Promise<CaseResult> {
	const apiKey = newApiKey();
	const sim = await startSimulator({
		taskDurationMs: options.taskMs,
		concurrency: options.concurrency,
		keys: [apiKey],
	});
	try {
		const settings = workflowSettings(options, size);
		const label = `${kind} ${size} ${apiKey.slice(-6)}`;
		let workflow: WorkflowJson;
		let credential: CredentialRef | undefined;
		if (kind === 'diy') {
			const headerCredential = await n8n.createCredential(`Bench ${label}`, 'httpHeaderAuth', {
				name: 'Authorization',
				value: `Bearer ${apiKey}`,
			});
			workflow = diyWorkflow(settings, { baseUrl: sim.url, headerCredential });
		} else {
			credential = await n8n.createCredential(`Bench ${label}`, LINKRAPI_CREDENTIAL_TYPE, { apiKey, baseUrl: sim.url });
			workflow = kind === 'sequential' ? sequentialWorkflow(settings) : nodeBatchWorkflow(settings);
		}
		if (kind === 'warm') await runEarlierBatch(n8n, sim, credential, options);
		const deployed = await n8n.deployWorkflow(workflow, { credential });
		const started = await n8n.runWorkflow(deployed, { settled: () => true });
		const timeoutMs = EXECUTION_TIMEOUT_BASE_MS + 3 * size * (options.taskMs + options.intervalS * 1000);
		const execution = await waitForEnd(n8n, deployed.id, started.execution.id, timeoutMs);
		await n8n.rest('POST', `/workflows/${deployed.id}/deactivate`, {}).catch(() => undefined);

		const seen = sim.inspect();
		assertAllCompleted(kind, size, execution, seen);
		const result: CaseResult = {
			kind,
			size,
			executionId: execution.id,
			metrics: runMetrics(execution, seen, { size, concurrency: options.concurrency, taskMs: options.taskMs }),
		};
		if (options.timelineDir) writeTimeline(options.timelineDir, result, execution, seen);
		return result;
	} finally {
		await sim.stop();
	}
}
