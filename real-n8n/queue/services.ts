/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- test tooling, never shipped: starts Redis and
   PostgreSQL for the queue-mode cluster. The rule guards community nodes. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { isPortFree, killProcessGroup, pollUntil, runCommand, startProcessGroup } from '../harness';

/**
 * Redis and PostgreSQL from Debian's packages, each on loopback, on its own port, with its data in a folder the
 * caller owns (deleted with it). Nothing here touches the system's own clusters or services.
 */

const APT_PACKAGES = ['redis-server', 'postgresql'];

export interface ServiceBinaries {
	redisServer: string;
	redisCli: string;
	/** e.g. /usr/lib/postgresql/15/bin (initdb, pg_ctl, postgres, psql, createdb). */
	postgresBinDir: string;
}

function which(command: string): string | undefined {
	const found = runCommand('bash', ['-c', `command -v ${command}`]);
	return found.status === 0 ? found.stdout.trim() : undefined;
}

/** The newest /usr/lib/postgresql/<major>/bin that has initdb and pg_ctl. */
function findPostgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((entry) => /^\d+$/.test(entry))
		.sort((a, b) => Number(b) - Number(a));
	for (const major of majors) {
		const bin = path.join(root, major, 'bin');
		if (['initdb', 'pg_ctl', 'postgres'].every((tool) => fs.existsSync(path.join(bin, tool)))) return bin;
	}
	return undefined;
}

function findBinaries(): Partial<ServiceBinaries> {
	return { redisServer: which('redis-server'), redisCli: which('redis-cli'), postgresBinDir: findPostgresBinDir() };
}

function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Finds redis-server and PostgreSQL; installs the Debian packages when one is missing (root only: `apt-get update`,
 * then `apt-get install -y redis-server postgresql`). Idempotent: a second call only looks them up. The packages'
 * own services are not started (containers have no systemd; the cluster runs its own instances).
 */
export function ensureServicesInstalled(log: (line: string) => void = () => undefined): ServiceBinaries {
	let found = findBinaries();
	if (found.redisServer && found.redisCli && found.postgresBinDir) return found as ServiceBinaries;
	if (!isRoot()) {
		throw new Error(
			`Queue mode needs Redis and PostgreSQL (missing: ${missingOf(found).join(', ')}). ` +
				`Install them as root: apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`,
		);
	}
	log(`installing ${APT_PACKAGES.join(' ')} with apt-get (missing: ${missingOf(found).join(', ')})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const stdio: ['ignore', 'inherit', 'inherit'] = ['ignore', 'inherit', 'inherit'];
	const update = runCommand('apt-get', ['update'], { env, stdio });
	if (update.status !== 0) throw new Error(`apt-get update failed (exit ${update.status}); its output is above.`);
	const install = runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { env, stdio });
	if (install.status !== 0) throw new Error(`apt-get install failed (exit ${install.status}); its output is above.`);
	found = findBinaries();
	if (!found.redisServer || !found.redisCli || !found.postgresBinDir) {
		throw new Error(`After apt-get install, still missing: ${missingOf(found).join(', ')}`);
	}
	return found as ServiceBinaries;
}

function missingOf(found: Partial<ServiceBinaries>): string[] {
	return [
		...(found.redisServer ? [] : ['redis-server']),
		...(found.redisCli ? [] : ['redis-cli']),
		...(found.postgresBinDir ? [] : ['PostgreSQL (/usr/lib/postgresql/*/bin/initdb, pg_ctl)']),
	];
}

// ---------------------------------------------------------------------------------------------------------------
// Redis

export interface RedisInstance {
	host: string;
	port: number;
	logFile: string;
	pid?: number;
	stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1:`port`, no persistence, data and log in `dir`, in its own process group. */
export async function startRedis(binaries: ServiceBinaries, dir: string, port: number): Promise<RedisInstance> {
	fs.mkdirSync(dir, { recursive: true });
	const logFile = path.join(dir, 'redis.log');
	const log = fs.openSync(logFile, 'a');
	const child = startProcessGroup(
		binaries.redisServer,
		[
			'--bind',
			'127.0.0.1',
			'--port',
			String(port),
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		{ cwd: dir, stdio: ['ignore', log, log] },
	);
	fs.closeSync(log);
	let stopped = false;
	const instance: RedisInstance = {
		host: '127.0.0.1',
		port,
		logFile,
		pid: child.pid,
		async stop() {
			if (stopped) return;
			stopped = true;
			runCommand(binaries.redisCli, ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave']);
			await killProcessGroup(child, 5_000);
		},
	};
	let ready = false;
	try {
		await waitUntilReady(`Redis on port ${port}`, child, logFile, async () => {
			const ping = runCommand(binaries.redisCli, ['-h', '127.0.0.1', '-p', String(port), 'ping']);
			return ping.stdout.trim() === 'PONG';
		});
		ready = true;
		return instance;
	} finally {
		if (!ready) await instance.stop();
	}
}

/** Waits until `ready()` says yes; throws with the tail of `logFile` if `child` exits first or after `timeoutMs`. */
async function waitUntilReady(
	what: string,
	child: ChildProcess | undefined,
	logFile: string,
	ready: () => Promise<boolean>,
	timeoutMs = 30_000,
): Promise<void> {
	const tail = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '');
	await pollUntil(
		what,
		async () => {
			if (await ready()) return true;
			if (child && (child.exitCode !== null || child.signalCode !== null)) {
				throw new Error(`${what} exited during start-up (${child.exitCode ?? child.signalCode}). Log tail:\n${tail()}`);
			}
			return undefined;
		},
		{ timeoutMs, onTimeout: () => `${what} was not ready after ${timeoutMs / 1000} s. Log tail:\n${tail()}` },
	);
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

export interface PostgresInstance {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	/** The PostgreSQL binaries it runs (pg_ctl, …). */
	binDir: string;
	dataDir: string;
	logFile: string;
	stop(): Promise<void>;
}

/**
 * The PostgreSQL tools refuse to run as root: as root they run as the `postgres` system user (runuser), which
 * must then own the data folder and be able to reach it.
 */
function asPostgresUser(binary: string, args: string[]): [string, string[]] {
	return isRoot() ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

function runPostgresTool(binaries: ServiceBinaries, tool: string, args: string[], cwd: string) {
	const [command, commandArgs] = asPostgresUser(path.join(binaries.postgresBinDir, tool), args);
	return runCommand(command, commandArgs, { cwd });
}

/**
 * A throw-away PostgreSQL cluster: `initdb` into `dir/data` (trust auth on loopback only, durability off: test data),
 * `pg_ctl start` on 127.0.0.1:`port` (socket in `dir`), then a database and a role for n8n. Stop with stop():
 * `pg_ctl stop -m fast`. pg_ctl starts the server in its own session, so the caller also arms a watchdog
 * (see cluster.ts) for the case where this process dies without stopping it.
 */
export async function startPostgres(binaries: ServiceBinaries, dir: string, port: number): Promise<PostgresInstance> {
	const dataDir = path.join(dir, 'data');
	const logFile = path.join(dir, 'postgres.log');
	fs.mkdirSync(dir, { recursive: true });
	if (isRoot()) {
		// The postgres user must reach dir (its parents are the caller's temp folder, made traversable by it).
		runCommand('chown', ['postgres:postgres', dir]);
	}
	// Runs as postgres, whose cwd must be readable; dir is.
	const init = runPostgresTool(
		binaries,
		'initdb',
		['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
		dir,
	);
	if (init.status !== 0) throw new Error(`initdb failed (exit ${init.status}): ${init.stderr || init.stdout}`);
	const serverOptions = [
		`-p ${port}`,
		"-c listen_addresses='127.0.0.1'",
		`-c unix_socket_directories='${dir}'`,
		'-c fsync=off',
		'-c synchronous_commit=off',
		'-c full_page_writes=off',
		'-c max_connections=100',
	].join(' ');
	let started = false;
	const stop = async () => {
		if (!fs.existsSync(path.join(dataDir, 'postmaster.pid'))) return;
		const result = runPostgresTool(binaries, 'pg_ctl', ['-D', dataDir, 'stop', '-m', 'fast', '-w', '-t', '30'], dir);
		if (result.status !== 0 && fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
			runPostgresTool(binaries, 'pg_ctl', ['-D', dataDir, 'stop', '-m', 'immediate', '-w', '-t', '10'], dir);
		}
	};
	try {
		const start = runPostgresTool(
			binaries,
			'pg_ctl',
			['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start'],
			dir,
		);
		if (start.status !== 0) {
			const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
			throw new Error(`pg_ctl start failed (exit ${start.status}): ${start.stderr || start.stdout}\n${tail}`);
		}
		await waitUntilReady(`PostgreSQL on port ${port}`, undefined, logFile, async () => !(await isPortFree(port)));
		const password = 'n8n-queue-e2e';
		// Two -c: CREATE DATABASE cannot run in the transaction a multi-statement -c runs in.
		const psql = runPostgresTool(
			binaries,
			'psql',
			[
				...['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1'],
				...['-c', `CREATE ROLE n8n LOGIN PASSWORD '${password}'`, '-c', 'CREATE DATABASE n8n OWNER n8n'],
			],
			dir,
		);
		if (psql.status !== 0) throw new Error(`Could not create the n8n database: ${psql.stderr || psql.stdout}`);
		started = true;
		return {
			host: '127.0.0.1',
			port,
			database: 'n8n',
			user: 'n8n',
			password,
			binDir: binaries.postgresBinDir,
			dataDir,
			logFile,
			stop,
		};
	} finally {
		if (!started) await stop();
	}
}

/**
 * A detached shell that waits for `ownerPid` to die, then stops the PostgreSQL in `dataDir` (if still running) and
 * deletes `rootDir` (the exact temp folder the cluster created). It exits by itself once the cluster was stopped
 * normally (the marker file `rootDir/.stopped` appears, or rootDir is gone).
 */
export function watchCluster(ownerPid: number, rootDir: string, postgres?: { binDir: string; dataDir: string }): void {
	const q = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
	const pgStop = postgres
		? (isRoot() ? `runuser -u postgres -- ` : '') +
			`${q(path.join(postgres.binDir, 'pg_ctl'))} -D ${q(postgres.dataDir)} stop -m immediate -w -t 20 >/dev/null 2>&1`
		: 'true';
	const script = `
		while kill -0 ${ownerPid} 2>/dev/null && [ -d ${q(rootDir)} ] && [ ! -e ${q(path.join(rootDir, '.stopped'))} ]; do sleep 1; done
		if [ -d ${q(rootDir)} ] && [ ! -e ${q(path.join(rootDir, '.stopped'))} ]; then
			sleep 6
			${postgres ? `[ -e ${q(path.join(postgres.dataDir, 'postmaster.pid'))} ] && ${pgStop}` : ''}
			rm -rf ${q(rootDir)}
		fi`;
	const watcher = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
	watcher.unref();
}
