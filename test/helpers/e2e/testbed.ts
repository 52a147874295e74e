import * as path from 'node:path';

import {
	type CreatedWorkflow,
	type CredentialRef,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	type N8nClient,
	newApiKey,
	type WorkflowJson,
	type WorkflowRun,
} from '../../../real-n8n/harness';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../../simulator';
import { connectN8n } from './server-file';

/**
 * Per-test timeout for e2e files. jest.config.js sets `testTimeout: 300000` on the e2e project, but Jest reads
 * `testTimeout` only from the top-level config, not from a project entry, so each e2e file calls
 * `jest.setTimeout(E2E_TEST_TIMEOUT_MS)`.
 */
export const E2E_TEST_TIMEOUT_MS = 300_000;

export const WORKFLOWS_DIR = path.join(__dirname, '..', '..', 'e2e', 'workflows');

/** Short tasks so a poll-mode run finishes in one or two 2-second poll intervals. */
export const FAST_TASKS: SimulatorOptions = {
	taskDurationMs: 500,
	concurrency: 3,
};

export interface Testbed {
	n8n: N8nClient;
	sim: Simulator;
	apiKey: string;
	credential: CredentialRef & { type: string };
	/** Saves and activates a workflow from test/e2e/workflows (optionally changed by `change`), bound to the credential. */
	deploy(file: string, change?: (workflow: WorkflowJson) => WorkflowJson): Promise<CreatedWorkflow>;
	/** POSTs `body` to the workflow's webhook and returns the answer and the full execution. */
	run(workflow: CreatedWorkflow, body?: unknown): Promise<WorkflowRun>;
	stop(): Promise<void>;
}

/**
 * Per test file: a simulator with its own key, a credential on the shared n8n pointing at it. Tests call
 * `sim.reset()` (or just read `sim.inspect()` deltas) as they need.
 */
export async function startTestbed(options: SimulatorOptions = {}): Promise<Testbed> {
	const apiKey = newApiKey();
	const sim = await startSimulator({
		...FAST_TASKS,
		keys: [apiKey],
		...options,
	});
	let started = false;
	try {
		const n8n = connectN8n();
		const credential = await n8n.createCredential(`LinkrAPI simulator ${apiKey.slice(-6)}`, LINKRAPI_CREDENTIAL_TYPE, {
			apiKey,
			baseUrl: sim.url,
		});
		started = true;
		return {
			n8n,
			sim,
			apiKey,
			credential,
			async deploy(file, change = (workflow) => workflow) {
				const workflow = change(loadWorkflow(path.join(WORKFLOWS_DIR, file)));
				return await n8n.deployWorkflow(workflow, { credential });
			},
			async run(workflow, body) {
				const run = await n8n.runWorkflow(workflow, { body });
				// Every run, whatever it tests: the key never shows up in what n8n stored or answered.
				expect(JSON.stringify(run.execution)).not.toContain(apiKey);
				expect(JSON.stringify(run.response)).not.toContain(apiKey);
				return run;
			},
			async stop() {
				await sim.stop();
			},
		};
	} finally {
		if (!started) await sim.stop();
	}
}

/**
 * The usual set-up of a test file: a testbed started before its tests and stopped after them. The returned object
 * is filled in by `beforeAll`, so tests use it as they would the result of `startTestbed`.
 */
export function useTestbed(options: SimulatorOptions = {}): Testbed {
	const bed = {} as Testbed;
	beforeAll(async () => {
		Object.assign(bed, await startTestbed(options));
	});
	afterAll(async () => {
		await bed.stop?.();
	});
	return bed;
}
