/**
 * Brings up n8n in queue mode on this machine, with this package installed everywhere, plus the LinkrAPI simulator:
 *
 *   npm run build && npx tsx real-n8n/queue/up.ts   Redis + PostgreSQL + main + webhook process + 2 workers +
 *                                                   simulator; prints URLs, then runs until Ctrl-C / SIGTERM
 *   npx tsx real-n8n/queue/up.ts --workers 3 --concurrency 5 --binary-data filesystem --log-level debug
 *   npx tsx real-n8n/queue/up.ts --smoke            start, run one 3-prompt batch through the webhook process,
 *                                                   print which worker ran it, stop (exit code 0/1)
 *   npx tsx real-n8n/queue/up.ts --down             stop the cluster another `up` runs (or left behind)
 *
 * Idempotent: Redis/PostgreSQL are apt-installed only when missing, n8n only when not cached; a second `up` while one
 * runs prints the running cluster and exits; a cluster whose `up` was SIGKILLed is cleaned up by the next `up`.
 * Everything it starts is stopped on exit, failure, Ctrl-C or SIGTERM (process groups, redis shutdown, pg_ctl stop);
 * if this process is killed outright, watchdogs do it.
 */
import * as path from 'node:path';

import {
	assertExecutionStatus,
	describeExecution,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKey,
	nodeOutput,
	pollUntil,
	REPO_ROOT,
} from '../harness';
import { startSimulator, type Simulator } from '../../simulator';
import { type QueueBinaryDataMode, type QueueCluster, startQueueCluster } from './cluster';
import { executionsStartedBy } from './n8n-process';
import {
	cleanUpStaleCluster,
	isAlive,
	isOwnerRunning,
	QUEUE_STATE_FILE,
	readClusterState,
	removeClusterState,
	writeClusterState,
} from './state';

interface UpArgs {
	workers: number;
	concurrency: number;
	binaryData: QueueBinaryDataMode;
	logLevel: 'error' | 'warn' | 'info' | 'debug';
	smoke: boolean;
	down: boolean;
	taskMs: number;
}

const USAGE = `Usage: npx tsx real-n8n/queue/up.ts [--workers 2] [--concurrency 5] [--binary-data database|filesystem]
                               [--log-level info] [--task-ms 3000] [--smoke | --down]`;

function parseArgs(argv: string[]): UpArgs {
	const args: UpArgs = {
		workers: 2,
		concurrency: 5,
		binaryData: 'database',
		logLevel: 'info',
		smoke: false,
		down: false,
		taskMs: 3000,
	};
	const positive = (name: string, value: string | undefined) => {
		const number = Number(value);
		if (!Number.isInteger(number) || number < 1) throw new Error(`${name} needs a positive integer.\n${USAGE}`);
		return number;
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--workers') args.workers = positive(arg, argv[++i]);
		else if (arg === '--concurrency') args.concurrency = positive(arg, argv[++i]);
		else if (arg === '--task-ms') args.taskMs = positive(arg, argv[++i]);
		else if (arg === '--binary-data') {
			const mode = argv[++i];
			if (mode !== 'database' && mode !== 'filesystem')
				throw new Error(`--binary-data: database or filesystem.\n${USAGE}`);
			args.binaryData = mode;
		} else if (arg === '--log-level') {
			const level = argv[++i];
			if (!['error', 'warn', 'info', 'debug'].includes(level)) throw new Error(`--log-level: error|warn|info|debug`);
			args.logLevel = level as UpArgs['logLevel'];
		} else if (arg === '--smoke') args.smoke = true;
		else if (arg === '--down') args.down = true;
		else if (arg === '--help' || arg === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else throw new Error(`Unknown argument "${arg}".\n${USAGE}`);
	}
	return args;
}

const log = (line: string) => console.log(`[queue] ${line}`);

/** Stops the cluster recorded in the state file: asks its owner to stop it, or cleans up after a dead owner. */
async function down(): Promise<void> {
	const state = readClusterState();
	if (!state) {
		log('no queue cluster is recorded; nothing to stop');
		return;
	}
	if (isOwnerRunning(state)) {
		log(`asking up.ts (pid ${state.ownerPid}) to stop its cluster`);
		process.kill(state.ownerPid, 'SIGTERM');
		await pollUntil(`up.ts (pid ${state.ownerPid}) to stop`, () => (isAlive(state.ownerPid) ? undefined : true), {
			timeoutMs: 90_000,
			intervalMs: 250,
			onTimeout: () => `up.ts (pid ${state.ownerPid}) did not stop within 90 s.`,
		});
		log('stopped');
		return;
	}
	await cleanUpStaleCluster(state, log);
	removeClusterState();
	log('cleaned up a cluster whose up.ts had died');
}

/** One 3-prompt batch with downloads, through the webhook process; prints which worker ran it. */
async function smoke(cluster: QueueCluster, credential: { id: string; name: string }): Promise<void> {
	const workflow = loadWorkflow(path.join(REPO_ROOT, 'test', 'scale', 'workflows', 'queue-batch.json'));
	const deployed = await cluster.main.deployWorkflow(workflow, { credential });
	const run = await cluster.main.runWorkflow(deployed, { body: { count: 3 }, executionTimeoutMs: 120_000 });
	console.log(describeExecution(run.execution));
	assertExecutionStatus(run.execution, 'success');
	const items = nodeOutput(run.execution, 'Imagine');
	const images = await Promise.all(items.map((item) => cluster.main.readBinary(item.binary!.data)));
	const ranBy = cluster.workers.filter((worker) => executionsStartedBy(worker).includes(run.execution.id));
	log(
		`smoke: execution ${run.execution.id} ran on ${ranBy.map((worker) => worker.name).join(', ') || '?'}; ` +
			`${items.length} items, images ${images.map((image) => image.length).join(', ')} bytes (binary mode ${cluster.binaryDataMode})`,
	);
	if (ranBy.length === 0 || images.some((image) => image.length < 100)) throw new Error('smoke check failed');
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.down) return await down();

	const existing = readClusterState();
	if (existing && isOwnerRunning(existing)) {
		log(`a queue cluster is already running (up.ts pid ${existing.ownerPid}, since ${existing.startedAt}):`);
		console.log(existing.summary);
		log('stop it with Ctrl-C in its terminal, or: npx tsx real-n8n/queue/up.ts --down');
		return;
	}
	if (existing && !args.smoke) {
		await cleanUpStaleCluster(existing, log);
		removeClusterState();
	}

	const started = Date.now();
	let cluster: QueueCluster | undefined;
	let sim: Simulator | undefined;
	let stopping: Promise<void> | undefined;
	const stopEverything = async () => {
		stopping ??= (async () => {
			await sim?.stop().catch((error: Error) => log(`simulator: ${error.message}`));
			await cluster?.stop().catch((error: Error) => log(error.message));
			if (!args.smoke) {
				const state = readClusterState();
				if (state?.ownerPid === process.pid) removeClusterState();
			}
		})();
		await stopping;
	};
	const onSignal = (signal: NodeJS.Signals) => {
		log(`${signal}: stopping everything`);
		void stopEverything().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		cluster = await startQueueCluster({
			workers: args.workers,
			concurrency: args.concurrency,
			binaryDataMode: args.binaryData,
			logLevel: args.logLevel,
			log,
		});
		const apiKey = newApiKey();
		sim = await startSimulator({ keys: [apiKey], taskDurationMs: args.taskMs });
		const credential = await cluster.main.createCredential('LinkrAPI simulator', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey,
			baseUrl: sim.url,
		});
		const summary = [
			cluster.describe(),
			`simulator             ${sim.url}   key ${apiKey}   (credential "${credential.name}" created in n8n)`,
		].join('\n');
		log(`up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		console.log(summary);

		if (args.smoke) {
			await smoke(cluster, credential);
			return;
		}
		writeClusterState({
			ownerPid: process.pid,
			rootDir: cluster.rootDir,
			postgres: { binDir: cluster.postgres.binDir, dataDir: cluster.postgres.dataDir },
			processGroups: [
				cluster.main.connection.pid,
				cluster.webhook.pid,
				...cluster.workers.map((worker) => worker.pid),
				cluster.redis.pid,
			].filter((pid): pid is number => pid !== undefined),
			startedAt: new Date().toISOString(),
			mainUrl: cluster.main.baseUrl,
			webhookUrl: cluster.webhookUrl,
			simulatorUrl: sim.url,
			summary,
		});
		log(`running; state in ${QUEUE_STATE_FILE}. Ctrl-C (or npx tsx real-n8n/queue/up.ts --down) stops everything.`);
		await new Promise<never>(() => undefined);
	} finally {
		await stopEverything();
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`[queue] ${error.stack ?? error.message}`);
		process.exit(1);
	},
);
