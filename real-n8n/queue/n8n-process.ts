import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	installCommunityPackage,
	killProcessGroup,
	killProcessGroupNow,
	type N8nInstallation,
	n8nEnvironment,
	startProcessGroup,
	waitUntilN8nReady,
} from '../harness';

/** An `n8n webhook` or `n8n worker` process of the queue-mode cluster. */
export interface N8nProcess {
	role: 'webhook' | 'worker';
	/** `webhook`, `worker-1`, `worker-2`, … */
	name: string;
	/** The webhook process: its HTTP port. A worker: its health-check server's port (`QUEUE_HEALTH_CHECK_PORT`). */
	port: number;
	userFolder: string;
	logFile: string;
	pid?: number;
	readLog(): string;
	stop(): Promise<void>;
	/** SIGKILL to the process group, as a crash or an OOM kill: no graceful shutdown, running jobs are abandoned. */
	kill(): Promise<void>;
}

export interface StartN8nProcessOptions {
	role: 'webhook' | 'worker';
	name: string;
	installation: N8nInstallation;
	/** The package tarball, installed into this process's own user folder. */
	tgz: string;
	userFolder: string;
	port: number;
	brokerPort: number;
	/** The environment every process of the cluster shares (database, Redis, encryption key, WEBHOOK_URL, …). */
	env: Record<string, string>;
	/** Worker only: `--concurrency` (jobs one worker runs at once). */
	concurrency?: number;
	startTimeoutMs?: number;
}

/**
 * Starts `n8n webhook` or `n8n worker` with the package installed as a community package, in its own process group
 * (the harness's watchdog stops it if this process dies), and waits until it is ready:
 * - webhook: `/healthz/readiness` on its port answers 200 after "Webhook listener waiting for requests.";
 * - worker: its health server (`QUEUE_HEALTH_CHECK_ACTIVE`) answers `/healthz/readiness` 200 after "n8n worker is now
 *   ready" (it is then connected to Redis and the database and takes jobs).
 */
export async function startN8nProcess(options: StartN8nProcessOptions): Promise<N8nProcess> {
	const { installation, userFolder, role } = options;
	fs.mkdirSync(userFolder, { recursive: true });
	installCommunityPackage(userFolder, options.tgz);
	const logFile = path.join(userFolder, 'n8n.log');
	const log = fs.openSync(logFile, 'a');
	const n8nEntry = path.join(installation.n8nHome, 'node_modules', 'n8n', 'bin', 'n8n');
	const args = role === 'worker' ? ['worker', `--concurrency=${options.concurrency ?? 10}`] : ['webhook'];
	const roleEnv: Record<string, string> =
		role === 'worker'
			? {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(options.port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				}
			: {};
	const child = startProcessGroup(installation.nodeBin, [n8nEntry, ...args], {
		cwd: userFolder,
		stdio: ['ignore', log, log],
		env: n8nEnvironment({
			userFolder,
			port: options.port,
			brokerPort: options.brokerPort,
			nodeBinDir: installation.nodeBinDir,
			n8nHome: installation.n8nHome,
			extra: { ...options.env, ...roleEnv },
		}),
	});
	fs.closeSync(log);
	if (child.pid === undefined) throw new Error(`Could not start n8n ${role} (${installation.nodeBin} ${n8nEntry}).`);
	let stopped = false;
	const handle: N8nProcess = {
		role,
		name: options.name,
		port: options.port,
		userFolder,
		logFile,
		pid: child.pid,
		readLog: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
		async stop() {
			if (stopped) return;
			stopped = true;
			// A worker finishes its running jobs on SIGTERM (up to N8N_GRACEFUL_SHUTDOWN_TIMEOUT, 30 s by default).
			await killProcessGroup(child, role === 'worker' ? 15_000 : 10_000);
		},
		async kill() {
			if (stopped) return;
			stopped = true;
			await killProcessGroupNow(child);
		},
	};
	let ready = false;
	try {
		await waitUntilN8nReady({
			child,
			name: `n8n ${options.name}`,
			baseUrl: `http://127.0.0.1:${options.port}`,
			readLog: () => fs.readFileSync(logFile, 'utf8'),
			banner: role === 'worker' ? 'n8n worker is now ready' : 'Webhook listener waiting for requests',
			timeoutMs: options.startTimeoutMs ?? 120_000,
		});
		ready = true;
		return handle;
	} finally {
		if (!ready) await handle.stop();
	}
}

/** Execution ids a worker's log says it started ("Worker started execution 12 (job 7)"), in log order; a resumed
 * execution appears again each time a worker picks it up. */
export function executionsStartedBy(worker: Pick<N8nProcess, 'readLog'>): string[] {
	return [...worker.readLog().matchAll(/Worker started execution (\d+) \(job [^)]*\)/g)].map((match) => match[1]);
}

/** Execution ids a worker's log says it finished ("Worker finished execution 12 (job 7)"). */
export function executionsFinishedBy(worker: Pick<N8nProcess, 'readLog'>): string[] {
	return [...worker.readLog().matchAll(/Worker finished execution (\d+) \(job [^)]*\)/g)].map((match) => match[1]);
}

/**
 * Execution ids the webhook process put on the queue ("Enqueued execution 12 (job 7)"), once per job: a production
 * webhook or trigger call starts one, a resume URL call (`/webhook-waiting/…`) another for the same execution.
 */
export function executionsEnqueuedBy(webhook: Pick<N8nProcess, 'readLog'>): string[] {
	return [...webhook.readLog().matchAll(/Enqueued execution (\d+) \(job [^)]*\)/g)].map((match) => match[1]);
}
