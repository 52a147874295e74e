/**
 * Batch benchmark: N prompts through a real n8n with this package installed, against the LinkrAPI simulator, compared
 * with the physical limit ceil(N/C) × D, a sequential Loop Over Items baseline and a do-it-yourself polling loop.
 *
 *   npm run bench                      full run (D = 6 s, C = 3, N = 1, 10, 30, 50), writes bench/results.md
 *   npm run bench -- --quick           smoke run (D = 2 s, N = 1, 10), writes bench/results.quick.md
 *   npm run bench -- --help            every option
 *
 * `npm run bench` builds first; this script packs what is in dist/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

import {
	discardPackedTarball,
	ensureN8nInstalled,
	type N8nServer,
	packageTarball,
	REPO_ROOT,
	runCommand,
	startN8n,
} from '../e2e/harness';
import { type BenchOptions, parseOptions, USAGE, UsageError } from './options';
import { type Environment, type FailedCase, renderReport } from './report';
import { type CaseResult, runCase } from './run-case';
import { warmUpWorkflow, WORKFLOW_LABELS, type WorkflowKind } from './workflows';

interface PlannedCase {
	kind: WorkflowKind;
	size: number;
}

/** Smallest N first, and for each N this node before the baselines, so a cut-short run still compares like with like. */
function plan(options: BenchOptions): PlannedCase[] {
	const sizes = [
		...new Set([...options.sizes, ...options.warmSizes, ...options.sequentialSizes, ...options.diySizes]),
	].sort((a, b) => a - b);
	const cases: PlannedCase[] = [];
	for (const size of sizes) {
		if (options.sizes.includes(size)) cases.push({ kind: 'node', size });
		if (options.warmSizes.includes(size)) cases.push({ kind: 'warm', size });
		if (options.sequentialSizes.includes(size)) cases.push({ kind: 'sequential', size });
		if (options.diySizes.includes(size)) cases.push({ kind: 'diy', size });
	}
	return cases;
}

function git(args: string[]): string {
	const result = runCommand('git', args, { cwd: REPO_ROOT });
	return result.status === 0 ? result.stdout.trim() : '';
}

function describeEnvironment(n8nVersion: string, nodeVersion: string): Environment {
	const cpus = os.cpus();
	const changed = git(['status', '--porcelain', '--', 'nodes', 'credentials']);
	return {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		commit: git(['log', '-1', '--format=%h %s']) || 'unknown commit',
		sourceState: changed ? 'nodes/ or credentials/ had uncommitted changes' : 'nodes/ and credentials/ as committed',
		packageSource: process.env.LINKRAPI_E2E_PACKAGE
			? `LINKRAPI_E2E_PACKAGE=${process.env.LINKRAPI_E2E_PACKAGE}`
			: 'npm pack of the working tree (dist/ from `npm run build`)',
		machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
		n8nVersion,
		nodeVersion,
	};
}

function progressLine(result: CaseResult): string {
	const m = result.metrics;
	return (
		`  wall ${(m.wallMs / 1000).toFixed(1)} s (limit ${(m.limitMs / 1000).toFixed(1)} s, ×${(m.wallMs / m.limitMs).toFixed(2)}), ` +
		`${m.requestsPerTask.toFixed(2)} req/task, peak ${m.peakRequestsPerSecond} req/s, ` +
		`median detection ${(m.detectionMs.median / 1000).toFixed(2)} s`
	);
}

async function warmUp(n8n: N8nServer): Promise<void> {
	const workflow = await n8n.deployWorkflow(warmUpWorkflow());
	await n8n.runWorkflow(workflow);
	await n8n.rest('POST', `/workflows/${workflow.id}/deactivate`, {}).catch(() => undefined);
}

async function main(): Promise<number> {
	const parsed = parseOptions(process.argv.slice(2));
	if (parsed === 'help') {
		console.log(USAGE);
		return 0;
	}
	const options = parsed;
	const cases = plan(options);
	const benchStarted = Date.now();

	console.log('▸ Installing n8n (cached after the first time) and packing dist/');
	const installation = ensureN8nInstalled();
	const tgz = packageTarball();
	const environment = describeEnvironment(installation.n8nVersion, installation.nodeVersion);

	console.log(`▸ Starting n8n ${installation.n8nVersion}`);
	const n8n = await startN8n({ tgz, installation });
	discardPackedTarball(tgz);
	const stop = () => void n8n.stop().finally(() => process.exit(130));
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	const results: CaseResult[] = [];
	const failures: FailedCase[] = [];
	const writeReport = () => {
		const report = renderReport(options, environment, results, failures, Date.now() - benchStarted);
		fs.writeFileSync(options.output, report);
		return report;
	};
	try {
		await warmUp(n8n);
		for (const [index, planned] of cases.entries()) {
			console.log(`▸ [${index + 1}/${cases.length}] N = ${planned.size}, ${WORKFLOW_LABELS[planned.kind]}`);
			try {
				const result = await runCase(n8n, planned.kind, planned.size, options);
				results.push(result);
				console.log(progressLine(result));
			} catch (error) {
				const message = (error as Error).message;
				failures.push({ ...planned, error: message.split('\n')[0] });
				console.error(`  FAILED: ${message}`);
			}
			writeReport();
		}
	} finally {
		await n8n.stop();
	}
	const report = writeReport();
	console.log(`\n${report}`);
	console.log(`Written to ${options.output}`);
	return failures.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(error instanceof UsageError ? error.message : error);
		process.exit(error instanceof UsageError ? 2 : 1);
	},
);
