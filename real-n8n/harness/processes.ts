/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- test tooling, never shipped: this module is the one
   place where the harness starts processes (the install script, npm pack, tar, n8n). The rule guards community nodes. */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import * as net from 'node:net';

import { pollUntil } from './poll-until';

export interface CommandResult {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a command to completion (no shell). Output not captured by `stdio` is returned as text. */
export function runCommand(
	command: string,
	args: string[],
	options: { cwd?: string; env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {},
): CommandResult {
	const result = spawnSync(command, args, {
		cwd: options.cwd,
		env: options.env,
		stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (result.error) throw result.error;
	return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/**
 * Starts a long-running process in its own process group (so killProcessGroup also stops what it spawns) and
 * guards it with watchForOrphan.
 */
export function startProcessGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid !== undefined) watchForOrphan(child.pid);
	return child;
}

/** Asks the OS for a port that is free right now (bind to 0, read it, close). */
export async function getFreePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => {
				if (address && typeof address === 'object') resolve(address.port);
				else reject(new Error('Could not read the port of a temporary server.'));
			});
		});
	});
}

/** Resolves when `port` on 127.0.0.1 refuses connections (nothing listens there). */
export async function isPortFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = net.connect({ port, host: '127.0.0.1' });
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(true));
	});
}

function isGroupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Sends `signal` to every process of the group `pgid`, if any is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// already gone
	}
}

/**
 * Stops a process started with `detached: true` together with everything it spawned (n8n starts a JS task runner):
 * SIGTERM to the process group, then SIGKILL after `graceMs`.
 */
export async function killProcessGroup(child: ChildProcess, graceMs = 10_000): Promise<void> {
	const pgid = child.pid;
	if (pgid === undefined) return;
	signalGroup(pgid, 'SIGTERM');
	// The check cannot throw: the one way this wait fails is the group outliving its grace.
	await pollUntil(`process group ${pgid} to exit`, () => (isGroupAlive(pgid) ? undefined : true), {
		timeoutMs: graceMs,
	}).catch(() => signalGroup(pgid, 'SIGKILL'));
}

/**
 * Kills a process group at once with SIGKILL, as a crash, an OOM kill or a pulled plug would end it (no shutdown
 * handlers run), and resolves once every process of the group is gone.
 */
export async function killProcessGroupNow(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
	const pgid = child.pid;
	if (pgid === undefined) return;
	signalGroup(pgid, 'SIGKILL');
	await pollUntil(`process group ${pgid} to exit`, () => (isGroupAlive(pgid) ? undefined : true), {
		timeoutMs,
		intervalMs: 50,
		onTimeout: () => `Process group ${pgid} was still alive ${timeoutMs / 1000} s after SIGKILL.`,
	});
}

/**
 * Starts a tiny detached shell that kills the process group `pgid` once this process has died without stopping it
 * (a crashed or Ctrl-C'd jest/demo), so no n8n is left running in the background. It exits by itself once the group
 * is gone.
 */
export function watchForOrphan(pgid: number): void {
	const script = `
		while kill -0 ${process.pid} 2>/dev/null && kill -0 -- -${pgid} 2>/dev/null; do sleep 1; done
		if kill -0 -- -${pgid} 2>/dev/null; then
			kill -TERM -- -${pgid} 2>/dev/null; sleep 5; kill -KILL -- -${pgid} 2>/dev/null
		fi`;
	const watcher = spawn('bash', ['-c', script], { detached: true, stdio: 'ignore' });
	watcher.unref();
}
