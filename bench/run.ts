/**
 * Batch benchmark: the scenarios of issue #11, each run once through a real n8n with this package installed, against
 * the LinkrAPI simulator, beside a plain fixed-interval poller on the same workload (the anchor).
 *
 *   npm run bench                      scenarios 1–5 (~12 min), writes bench/results.md
 *   npm run bench -- --quick           smoke run (< 3 min), writes bench/results.quick.md
 *   npm run bench -- --full            adds scenario 6 (Midjourney's own pace), writes bench/results.full.md
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
} from '../real-n8n/harness';
import { type BenchOptions, parseOptions, USAGE, UsageError } from './options';
import { type Environment, type FailedRow, renderReport } from './report';
import { type RowResult, runRow } from './run-case';
import { warmUpWorkflow } from './workflows';

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
		load: `1-minute load average ${os.loadavg()[0].toFixed(1)} at the start`,
		n8nVersion,
		nodeVersion,
	};
}

function progressLine(result: RowResult): string {
	const line = (who: string, m: RowResult['node']) =>
		`  ${who}: wall ${(m.wallMs / 1000).toFixed(1)} s (limit ${(m.limitMs / 1000).toFixed(1)} s, ×${(m.wallMs / m.limitMs).toFixed(2)}), ` +
		`${m.requestsPerTask.toFixed(2)} req/task (≤ ${m.requestTarget.toFixed(2)}), peak ${m.peakRequestsPerSecond} req/s, ` +
		`lag p50 ${(m.lagMs.p50 / 1000).toFixed(2)} / p95 ${(m.lagMs.p95 / 1000).toFixed(2)} / max ${(m.lagMs.max / 1000).toFixed(2)} s`;
	return `${line('this node   ', result.node)}\n${line('plain poller', result.anchor)}`;
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
	const options: BenchOptions = parsed;
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

	const results: RowResult[] = [];
	const failures: FailedRow[] = [];
	const writeReport = () => {
		const loadNow = `${os.loadavg()[0].toFixed(1)} at the end`;
		const report = renderReport(
			options,
			{ ...environment, load: `${environment.load}, ${loadNow}` },
			results,
			failures,
			Date.now() - benchStarted,
		);
		fs.writeFileSync(options.output, report);
		return report;
	};
	try {
		await warmUp(n8n);
		for (const [index, row] of options.rows.entries()) {
			console.log(`▸ [${index + 1}/${options.rows.length}] scenario ${row.scenario}: ${row.title}`);
			try {
				const result = await runRow(n8n, row, options, index);
				results.push(result);
				console.log(progressLine(result));
			} catch (error) {
				const message = (error as Error).message;
				failures.push({ row, error: message.split('\n')[0] });
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
