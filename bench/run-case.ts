/**
 * One row: a fresh simulator per hold setup and fresh keys, the scenario's workflow run once in the shared n8n, and
 * beside it the plain poller against a simulator of its own with the same seed, options and budget.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	type CredentialRef,
	describeExecution,
	hasEnded,
	type Execution,
	executionError,
	LINKRAPI_CREDENTIAL_TYPE,
	type N8nClient,
	newApiKey,
	nodeOutput,
} from '../real-n8n/harness';
import { type Inspection, type Simulator, type SimulatorOptions, startSimulator } from '../simulator';
import { executionSpan, runMetrics, type RunMetrics } from './metrics';
import type { BenchOptions } from './options';
import { runPlainPoller } from './plain-poller';
import type { ScenarioRow } from './scenarios';
import { scenarioWorkflow, stageNodeName, type WorkflowSettings } from './workflows';

export interface RowResult {
	row: ScenarioRow;
	executionId: string;
	node: RunMetrics;
	anchor: RunMetrics;
}

const EXECUTION_CHECK_INTERVAL_MS = 1000;
/** Hang guard only: far beyond what any workflow here should take. */
const EXECUTION_TIMEOUT_MS = 30 * 60_000;

function simulatorOptions(row: ScenarioRow, options: BenchOptions, keys: string[]): SimulatorOptions {
	return {
		keys,
		taskDurationMs: row.taskMs,
		upscaleDurationMs: row.upscaleMs ?? null,
		durationSpread: row.spread ?? 0,
		seed: row.seed,
		concurrency: options.concurrency,
		keySpeeds: Object.fromEntries(keys.map((key, hold) => [key, row.holdSpeeds[hold]])),
	};
}

function workflowSettings(row: ScenarioRow, options: BenchOptions, size = row.size): WorkflowSettings {
	const slowest = Math.max(...row.holdSpeeds) * Math.max(row.taskMs, row.upscaleMs ?? 0);
	const generousMin = Math.ceil((4 * Math.ceil(size / options.concurrency) * slowest) / 60_000);
	return {
		size,
		intervalS: options.intervalS,
		requestsPerSecond: options.requestsPerSecond,
		maxWaitMin: Math.min(60, Math.max(5, generousMin)),
	};
}

async function runOnce(
	n8n: N8nClient,
	title: string,
	row: ScenarioRow,
	settings: WorkflowSettings,
	credentials: CredentialRef[],
): Promise<Execution> {
	const workflow = await n8n.deployWorkflow(scenarioWorkflow(title, row.stages, settings, credentials));
	const started = await n8n.runWorkflow(workflow, { settled: () => true });
	const execution = await n8n.waitForNewExecution(
		workflow.id,
		Number(started.execution.id) - 1,
		hasEnded,
		EXECUTION_TIMEOUT_MS,
		EXECUTION_CHECK_INTERVAL_MS,
	);
	await n8n.rest('POST', `/workflows/${workflow.id}/deactivate`, {}).catch(() => undefined);
	return execution;
}

/** Fails the row when it did not do the work: a fast wrong run must not look like a fast run. */
function assertAllCompleted(row: ScenarioRow, seen: Inspection, execution?: Execution): void {
	const problems: string[] = [];
	const expected = row.size * row.stages.length;
	if (execution && execution.status !== 'success') {
		const error = executionError(execution);
		problems.push(`execution ended "${execution.status}"${error ? ` (${error.message})` : ''}`);
	}
	if (seen.tasks.length !== expected) problems.push(`${seen.tasks.length} tasks created, expected ${expected}`);
	const unfinished = seen.tasks.filter((task) => task.status !== 'completed' || task.noticedAt === undefined);
	if (unfinished.length > 0) problems.push(`${unfinished.length} task(s) not completed and seen completed`);
	if (execution) {
		const last = stageNodeName(row.stages[row.stages.length - 1], row.stages.length - 1);
		const completed = nodeOutput(execution, last).filter((item) => item.json.status === 'completed').length;
		if (completed !== row.size) problems.push(`${last} output ${completed} completed item(s), expected ${row.size}`);
	}
	if (problems.length > 0) {
		const who = execution ? `n8n run` : 'plain poller';
		throw new Error(
			`${who} of "${row.title}" failed: ${problems.join('; ')}${execution ? `\n${describeExecution(execution)}` : ''}`,
		);
	}
}

/**
 * Warm rows: one account-full of prompts through the same credentials and API first, at another speed, so the
 * node has learned a job time that is now wrong; then the simulator forgets them and runs at the row's speed.
 */
async function runEarlierBatch(
	n8n: N8nClient,
	sim: Simulator,
	row: ScenarioRow,
	options: BenchOptions,
	credentials: CredentialRef[],
	keys: string[],
): Promise<void> {
	const factor = row.warmedBySpeed as number;
	sim.configure({ keySpeeds: Object.fromEntries(keys.map((key, hold) => [key, row.holdSpeeds[hold] * factor])) });
	const execution = await runOnce(
		n8n,
		`${row.title} (earlier batch)`,
		row,
		workflowSettings(row, { ...options }, options.concurrency),
		credentials,
	);
	if (execution.status !== 'success') throw new Error(`The earlier batch of a warm row ended "${execution.status}".`);
	sim.reset();
	sim.configure(simulatorOptions(row, options, keys));
}

function writeTimeline(dir: string, name: string, seen: Inspection): void {
	fs.mkdirSync(dir, { recursive: true });
	const timeline = {
		requests: seen.requests.map(({ at, method, path: requestPath, status }) => ({
			at,
			method,
			path: requestPath,
			status,
		})),
		tasks: seen.tasks,
	};
	fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(timeline, null, '\t')}\n`);
}

async function runAnchor(row: ScenarioRow, options: BenchOptions): Promise<{ wallMs: number; seen: Inspection }> {
	const keys = row.holdSpeeds.map(() => newApiKey());
	const sim = await startSimulator(simulatorOptions(row, options, keys));
	try {
		const wallMs = await runPlainPoller(sim, keys, row.stages, {
			size: row.size,
			intervalMs: options.intervalS * 1000,
			requestsPerSecond: options.requestsPerSecond,
		});
		return { wallMs, seen: sim.inspect() };
	} finally {
		await sim.stop();
	}
}

export async function runRow(
	n8n: N8nClient,
	row: ScenarioRow,
	options: BenchOptions,
	index: number,
): Promise<RowResult> {
	const keys = row.holdSpeeds.map(() => newApiKey());
	const sim = await startSimulator(simulatorOptions(row, options, keys));
	try {
		const credentials = await Promise.all(
			keys.map((apiKey, hold) =>
				n8n.createCredential(`Bench ${index} hold ${hold} ${apiKey.slice(-6)}`, LINKRAPI_CREDENTIAL_TYPE, {
					apiKey,
					baseUrl: sim.url,
				}),
			),
		);
		if (row.warmedBySpeed !== undefined) await runEarlierBatch(n8n, sim, row, options, credentials, keys);
		// The anchor runs beside the n8n run: it mostly waits, and the rows take half as long.
		const anchorRun = runAnchor(row, options);
		anchorRun.catch(() => undefined);
		const execution = await runOnce(n8n, row.title, row, workflowSettings(row, options), credentials);
		const seen = sim.inspect();
		assertAllCompleted(row, seen, execution);
		const anchor = await anchorRun;
		assertAllCompleted(row, anchor.seen);
		const setup = { concurrency: options.concurrency, intervalMs: options.intervalS * 1000 };
		const { startedAt, stoppedAt } = executionSpan(execution);
		if (options.timelineDir) {
			writeTimeline(options.timelineDir, `row-${index}-node`, seen);
			writeTimeline(options.timelineDir, `row-${index}-anchor`, anchor.seen);
		}
		return {
			row,
			executionId: execution.id,
			node: runMetrics(stoppedAt - startedAt, seen, setup),
			anchor: runMetrics(anchor.wallMs, anchor.seen, setup),
		};
	} finally {
		await sim.stop();
	}
}
