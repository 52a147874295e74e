import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	ensureN8nInstalled,
	getFreePort,
	type N8nInstallation,
	type N8nServer,
	discardPackedTarball,
	packageTarball,
	REPO_ROOT,
	startN8n,
} from '../harness';
import { type N8nProcess, startN8nProcess } from './n8n-process';
import {
	ensureServicesInstalled,
	type PostgresInstance,
	type RedisInstance,
	type ServiceBinaries,
	startPostgres,
	startRedis,
	watchCluster,
} from './services';

/**
 * n8n in queue mode on one machine: Redis + PostgreSQL (throw-away instances), one main (`n8n start`: editor, REST,
 * activation, the wait tracker), one webhook processor (`n8n webhook`: production webhooks and resume URLs), and
 * `workers` workers (`n8n worker`: run every execution), each process with this package installed as a community
 * package in its own user folder. Everything lives in one temp folder, on loopback, on free ports.
 */

/** Binary data modes n8n 2.40.7 accepts without a licence or cloud storage. */
export type QueueBinaryDataMode = 'database' | 'filesystem';

export interface QueueClusterOptions {
	/** Number of `n8n worker` processes (default 2). */
	workers?: number;
	/**
	 * Number of `n8n webhook` processes (default 1). WEBHOOK_URL points at the first; a load balancer in front of all of
	 * them is played by sending requests to each one's own URL (`webhookUrls`).
	 */
	webhookProcesses?: number;
	/** `--concurrency` of each worker: executions one worker runs at once (default 5; n8n warns below 5). */
	concurrency?: number;
	/**
	 * Where binaries (downloaded images) go. Default `database`, n8n 2.40.7's own default in queue mode: every process
	 * reads them from PostgreSQL. `filesystem` only works here because all processes share one machine; the cluster
	 * then points every process at one shared N8N_BINARY_DATA_STORAGE_PATH.
	 */
	binaryDataMode?: QueueBinaryDataMode;
	/** N8N_LOG_LEVEL of every n8n process (default info; workers log "Worker started execution <id>" at info). */
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	/** The package tarball (default: packageTarball(), i.e. npm pack of the working tree or $LINKRAPI_E2E_PACKAGE). */
	tgz?: string;
	installation?: N8nInstallation;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

export interface QueueCluster {
	/** The main instance: a logged-in REST client whose runWorkflow POSTs to the webhook process. */
	main: N8nServer;
	webhook: N8nProcess;
	/** Every webhook process, the first being `webhook`. */
	webhooks: N8nProcess[];
	workers: N8nProcess[];
	redis: RedisInstance;
	postgres: PostgresInstance;
	/** `http://127.0.0.1:<webhook process port>`: WEBHOOK_URL of every process (without the trailing slash). */
	webhookUrl: string;
	/** The base URL of each webhook process, in the order of `webhooks`. */
	webhookUrls: string[];
	/** The temp folder holding every process's user folder, data and logs; deleted by stop(). */
	rootDir: string;
	binaryDataMode: QueueBinaryDataMode;
	concurrency: number;
	/** The environment every n8n process shares (secrets included: do not print). */
	sharedEnv: Record<string, string>;
	/** Each process's log, by name (`main`, `webhook`, `worker-1`, …, `redis`, `postgres`). */
	logFiles(): Record<string, string>;
	/** Human-readable summary: URLs, ports, log files. */
	describe(): string;
	/**
	 * Stops everything it started, in order (webhook, workers, main; then Redis and PostgreSQL) and deletes rootDir.
	 * `keepLogsIn` first copies every log there. Safe to call twice; never throws before everything was tried.
	 */
	stop(options?: { keepLogsIn?: string }): Promise<void>;
}

/** A free port not yet handed out in this start-up. */
async function freePort(taken: Set<number>): Promise<number> {
	for (;;) {
		const port = await getFreePort();
		if (!taken.has(port)) {
			taken.add(port);
			return port;
		}
	}
}

export async function startQueueCluster(options: QueueClusterOptions = {}): Promise<QueueCluster> {
	const log = options.log ?? (() => undefined);
	const workerCount = options.workers ?? 2;
	const webhookCount = Math.max(1, options.webhookProcesses ?? 1);
	const concurrency = options.concurrency ?? 5;
	const binaryDataMode = options.binaryDataMode ?? 'database';
	const binaries: ServiceBinaries = ensureServicesInstalled(log);
	const installation = options.installation ?? ensureN8nInstalled();
	const tgz = options.tgz ?? packageTarball();
	// A tarball packed here is deleted once every process has extracted it.
	const discardTarball = () => {
		if (!options.tgz) discardPackedTarball(tgz);
	};

	const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkrapi-queue-'));
	// PostgreSQL runs as the postgres user and must reach rootDir/postgres.
	fs.chmodSync(rootDir, 0o711);
	const postgresDir = path.join(rootDir, 'postgres');
	watchCluster(process.pid, rootDir, { binDir: binaries.postgresBinDir, dataDir: path.join(postgresDir, 'data') });

	const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];
	let stopped = false;
	const logs: Record<string, string> = {};
	const stopAll = async (stopOptions: { keepLogsIn?: string } = {}) => {
		if (stopped) return;
		stopped = true;
		const errors: string[] = [];
		// Reverse start order: n8n processes (webhook and workers first, then main), then Redis and PostgreSQL.
		for (const stopper of [...stoppers].reverse()) {
			try {
				await stopper.stop();
			} catch (error) {
				errors.push(`${stopper.name}: ${(error as Error).message}`);
			}
		}
		if (stopOptions.keepLogsIn) {
			fs.mkdirSync(stopOptions.keepLogsIn, { recursive: true });
			for (const [name, file] of Object.entries(logs)) {
				if (fs.existsSync(file)) fs.copyFileSync(file, path.join(stopOptions.keepLogsIn, `${name}.log`));
			}
		}
		fs.rmSync(rootDir, { recursive: true, force: true });
		if (errors.length > 0) throw new Error(`Stopping the queue cluster: ${errors.join('; ')}`);
	};

	let ready = false;
	try {
		const taken = new Set<number>();
		const redisPort = await freePort(taken);
		const postgresPort = await freePort(taken);
		const mainPort = await freePort(taken);
		const webhookPort = await freePort(taken);

		log(`starting Redis on 127.0.0.1:${redisPort} and PostgreSQL on 127.0.0.1:${postgresPort}`);
		const [redis, postgres] = await Promise.all([
			startRedis(binaries, path.join(rootDir, 'redis'), redisPort).then((instance) => {
				stoppers.push({ name: 'redis', stop: instance.stop });
				logs.redis = instance.logFile;
				return instance;
			}),
			startPostgres(binaries, postgresDir, postgresPort).then((instance) => {
				stoppers.push({ name: 'postgres', stop: instance.stop });
				logs.postgres = instance.logFile;
				return instance;
			}),
		]);

		const webhookUrl = `http://127.0.0.1:${webhookPort}`;
		const sharedEnv: Record<string, string> = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Every process must decrypt the same credentials.
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			// Resume URLs ($execution.resumeUrl) and production webhook URLs point at the webhook process.
			WEBHOOK_URL: `${webhookUrl}/`,
			N8N_DEFAULT_BINARY_DATA_MODE: binaryDataMode,
			...(binaryDataMode === 'filesystem' ? { N8N_BINARY_DATA_STORAGE_PATH: path.join(rootDir, 'binary-data') } : {}),
			// Editor runs ("Execute workflow") go to the workers too, not only production executions.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_LOG_LEVEL: options.logLevel ?? 'info',
			// Stop quickly in tests: a worker waits this long for its running executions on SIGTERM.
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...options.env,
		};

		log(`starting n8n main on 127.0.0.1:${mainPort} (queue mode, runs the database migrations)`);
		const main = await startN8n({
			tgz,
			installation,
			port: mainPort,
			userFolder: path.join(rootDir, 'main'),
			env: sharedEnv,
		});
		main.connection.webhookBaseUrl = webhookUrl;
		stoppers.push({ name: 'main', stop: () => main.stop() });
		logs.main = main.connection.logFile;

		log(
			`starting the webhook process on 127.0.0.1:${webhookPort} and ${workerCount} worker(s), concurrency ${concurrency}`,
		);
		const startProcess = async (role: 'webhook' | 'worker', name: string, port: number) => {
			const handle = await startN8nProcess({
				role,
				name,
				installation,
				tgz,
				userFolder: path.join(rootDir, name),
				port,
				brokerPort: await freePort(taken),
				env: sharedEnv,
				concurrency,
			});
			stoppers.push({ name, stop: handle.stop });
			logs[name] = handle.logFile;
			return handle;
		};
		const workerPorts = await Promise.all(Array.from({ length: workerCount }, () => freePort(taken)));
		const moreWebhookPorts = await Promise.all(Array.from({ length: webhookCount - 1 }, () => freePort(taken)));
		const started = await Promise.all([
			startProcess('webhook', 'webhook', webhookPort),
			...moreWebhookPorts.map((port, index) => startProcess('webhook', `webhook-${index + 2}`, port)),
			...workerPorts.map((port, index) => startProcess('worker', `worker-${index + 1}`, port)),
		]);
		const webhooks = started.slice(0, webhookCount);
		const [webhook] = webhooks;
		const workers = started.slice(webhookCount);
		const webhookUrls = webhooks.map((process) => `http://127.0.0.1:${process.port}`);

		discardTarball();
		const cluster: QueueCluster = {
			main,
			webhook,
			webhooks,
			workers,
			redis,
			postgres,
			webhookUrl,
			webhookUrls,
			rootDir,
			binaryDataMode,
			concurrency,
			sharedEnv,
			logFiles: () => ({ ...logs }),
			describe: () =>
				[
					`main (editor, REST)   ${main.baseUrl}   owner ${main.connection.owner.email} / ${main.connection.owner.password}`,
					`webhook process       ${webhookUrl}   (WEBHOOK_URL; /webhook/…, /webhook-waiting/…)`,
					...webhookUrls.slice(1).map((url) => `webhook process       ${url}   (behind the same load balancer)`),
					...workers.map(
						(worker) =>
							`${worker.name.padEnd(22)}health http://127.0.0.1:${worker.port}/healthz, concurrency ${concurrency}`,
					),
					`redis                 127.0.0.1:${redis.port}`,
					`postgres              127.0.0.1:${postgres.port} db ${postgres.database} user ${postgres.user}`,
					`binary data mode      ${binaryDataMode}`,
					`folder                ${rootDir}`,
					...Object.entries(logs).map(([name, file]) => `log ${name.padEnd(18)}${file}`),
				].join('\n'),
			stop: stopAll,
		};
		ready = true;
		return cluster;
	} finally {
		if (!ready) {
			discardTarball();
			const keptLogs = path.join(REPO_ROOT, '.e2e-tmp', 'queue-start-failure');
			fs.rmSync(keptLogs, { recursive: true, force: true });
			await stopAll({ keepLogsIn: keptLogs }).catch(() => undefined);
			console.error(`[queue] the cluster did not start; logs of every process kept in ${keptLogs}`);
		}
	}
}
