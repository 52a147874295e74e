/**
 * One-command demo: a real n8n with this package installed as a community node runs
 * examples/imagine-upscale-download.json (Imagine → wait → Upscale Image 1 → download) and the images land in
 * demo-output/.
 *
 *   npm run demo                       against the local LinkrAPI simulator (no key needed)
 *   LINKRAPI_API_KEY=lkr_… npm run demo    against the real LinkrAPI (LINKRAPI_BASE_URL overrides the base URL)
 *   npm run demo -- --serve            then keep n8n running at http://localhost:5678 until Ctrl-C
 *   npm run demo -- --prompt "…"       another prompt;  --port N  another port for --serve
 *
 * `npm run demo` builds first; this script only packs what is in dist/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	bindCredential,
	describeExecution,
	discardPackedTarball,
	ensureN8nInstalled,
	type Execution,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	nodeOutput,
	packageTarball,
	REPO_ROOT,
	startN8n,
	withNodeParameters,
	type N8nServer,
} from '../real-n8n/harness';
import { startSimulator, DEFAULT_KEY, type Simulator } from '../simulator';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'imagine-upscale-download.json');
const OUTPUT_DIR = path.join(REPO_ROOT, 'demo-output');
const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';
const SERVE_PORT = 5678;
const DEFAULT_BASE_URL = 'https://linkrapi.com/api/v1';
/** Simulated Midjourney jobs take a few seconds, so the demo shows real waiting without being slow. */
const SIMULATED_TASK_MS = 3000;

interface DemoArgs {
	serve: boolean;
	port?: number;
	prompt?: string;
}

function parseArgs(argv: string[]): DemoArgs {
	const args: DemoArgs = { serve: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--serve') args.serve = true;
		else if (arg === '--port') args.port = Number(argv[++i]);
		else if (arg === '--prompt') args.prompt = argv[++i];
		else if (arg === '--help' || arg === '-h') {
			console.log('Usage: npm run demo -- [--serve] [--port 5678] [--prompt "a prompt"]');
			process.exit(0);
		} else throw new Error(`Unknown argument "${arg}". Try --help.`);
	}
	if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0 && args.port < 65536)) {
		throw new Error('--port needs a port number, e.g. --port 5680');
	}
	return args;
}

const step = (text: string) => console.log(`\n▸ ${text}`);
const detail = (text: string) => console.log(`  ${text}`);

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const cleanups: Array<() => Promise<void>> = [];
	let cleaning: Promise<void> | undefined;
	const cleanUp = () =>
		(cleaning ??= (async () => {
			for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		})());
	process.once('SIGINT', () => {
		console.log('\nStopping n8n…');
		void cleanUp().then(() => process.exit(130));
	});

	try {
		step('Installing n8n (cached after the first time)');
		const installation = ensureN8nInstalled();
		detail(`n8n ${installation.n8nVersion} on Node ${installation.nodeVersion} in ${installation.n8nHome}`);

		step('Packing this package as n8n would install it from npm');
		const tgz = packageTarball();
		detail(tgz);

		const realKey = process.env.LINKRAPI_API_KEY?.trim();
		let sim: Simulator | undefined;
		let baseUrl: string;
		if (realKey) {
			baseUrl = process.env.LINKRAPI_BASE_URL?.trim() || DEFAULT_BASE_URL;
			step(`Using the real LinkrAPI at ${baseUrl} (key from LINKRAPI_API_KEY)`);
			detail('This submits real Midjourney jobs on your hold and may take a few minutes.');
		} else {
			sim = await startSimulator({ taskDurationMs: SIMULATED_TASK_MS });
			const simulator = sim;
			cleanups.push(() => simulator.stop());
			baseUrl = sim.url;
			step(`Started the LinkrAPI simulator at ${sim.url} (set LINKRAPI_API_KEY to use the real API)`);
		}

		step(args.serve ? `Starting n8n on port ${args.port ?? SERVE_PORT}` : 'Starting n8n');
		const n8n: N8nServer = await startN8n({
			tgz,
			installation,
			port: args.serve ? (args.port ?? SERVE_PORT) : args.port,
		});
		cleanups.push(() => n8n.stop());
		discardPackedTarball(tgz);
		detail(`${n8n.baseUrl} with n8n-nodes-linkrapi installed as a community package`);

		const credential = await n8n.createCredential(
			realKey ? 'LinkrAPI account' : 'LinkrAPI simulator',
			LINKRAPI_CREDENTIAL_TYPE,
			{ apiKey: realKey ?? DEFAULT_KEY, baseUrl },
		);
		step(`Created the credential "${credential.name}"`);

		let example = bindCredential(loadWorkflow(EXAMPLE), credential);
		if (args.prompt) example = withNodeParameters(example, 'Imagine', { prompt: args.prompt });
		const workflow = await n8n.createWorkflow(example, { uniqueWebhooks: false });
		step(`Imported ${path.relative(REPO_ROOT, EXAMPLE)} as "${workflow.name}"`);

		step('Running it as the editor’s “Execute workflow” button does');
		const started = Date.now();
		const execution = await n8n.executeManually(workflow, MANUAL_TRIGGER);
		detail(
			`execution ${execution.id} ended "${execution.status}" after ${((Date.now() - started) / 1000).toFixed(1)} s`,
		);
		const saved = await saveResults(n8n, execution);
		const ok = execution.status === 'success';
		if (!ok) console.log(`\n${describeExecution(execution)}`);

		if (sim) {
			const counts = sim.inspect().counts;
			step('What the simulator saw');
			detail(
				Object.entries(counts)
					.map(([route, count]) => `${route}: ${count}`)
					.join(', '),
			);
		}

		step(
			saved.length > 0 ? `Saved to ${path.relative(process.cwd(), OUTPUT_DIR) || OUTPUT_DIR}/` : 'Nothing was saved',
		);
		for (const file of saved) detail(path.relative(process.cwd(), file));

		if (!args.serve) {
			console.log(
				ok
					? '\nDone. Run `npm run demo -- --serve` to open the same workflow in the n8n editor.'
					: '\nThe workflow failed; see above.',
			);
			process.exitCode = ok ? 0 : 1;
			return;
		}

		const editor = `http://localhost:${n8n.connection.port}`;
		console.log(`
n8n is running: ${editor}
  sign in:     ${n8n.connection.owner.email} / ${n8n.connection.owner.password}
  workflow:    ${editor}/workflow/${workflow.id}
  execution:   ${editor}/workflow/${workflow.id}/executions/${execution.id}
  credential:  "${credential.name}" (${realKey ? 'real LinkrAPI' : `simulator at ${baseUrl}`})
Press Ctrl-C to stop n8n${sim ? ' and the simulator' : ''}.`);
		await new Promise<never>(() => undefined);
	} finally {
		if (!args.serve || process.exitCode) await cleanUp();
	}
}

/** Writes every image the workflow produced (as n8n stored it) and a summary of the execution. */
async function saveResults(n8n: N8nServer, execution: Execution): Promise<string[]> {
	fs.mkdirSync(OUTPUT_DIR, { recursive: true });
	const saved: string[] = [];
	for (const nodeName of ['Imagine', 'Upscale Image 1']) {
		for (const item of nodeOutput(execution, nodeName)) {
			const binary = item.binary?.data;
			const taskId = typeof item.json.task_id === 'string' ? item.json.task_id : 'unknown-task';
			if (!binary) {
				detail(`${nodeName}: task ${taskId} ${String(item.json.status ?? item.json.error ?? '')}, no image`);
				continue;
			}
			const bytes = await n8n.readBinary(binary);
			const kind = nodeName === 'Imagine' ? 'grid' : 'upscale-1';
			const file = path.join(OUTPUT_DIR, `${kind}-${taskId}.${binary.fileExtension ?? 'png'}`);
			fs.writeFileSync(file, bytes);
			saved.push(file);
			detail(`${nodeName}: task ${taskId} ${String(item.json.status)}, ${bytes.length} bytes (${binary.mimeType})`);
		}
	}
	const summary = path.join(OUTPUT_DIR, `execution-${execution.id}.json`);
	fs.writeFileSync(
		summary,
		JSON.stringify(
			{
				id: execution.id,
				status: execution.status,
				startedAt: execution.startedAt,
				stoppedAt: execution.stoppedAt,
				nodes: Object.fromEntries(
					['Imagine', 'Upscale Image 1'].map((name) => [name, nodeOutput(execution, name).map((item) => item.json)]),
				),
				error: execution.data.resultData.error?.message,
			},
			null,
			2,
		),
	);
	saved.push(summary);
	return saved;
}

main().catch((error: Error) => {
	console.error(`\nDemo failed: ${error.message}`);
	process.exit(1);
});
