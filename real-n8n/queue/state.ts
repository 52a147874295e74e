import * as fs from 'node:fs';
import * as path from 'node:path';

import { pollUntil, REPO_ROOT, runCommand, signalGroup } from '../harness';

/**
 * The record `up.ts` keeps of the cluster it runs, so a second `up` finds it (and does not start another) and a
 * cluster whose `up` was killed with SIGKILL can be cleaned up by the next run. Every process it names is checked to
 * belong to that cluster (its command line or environment mentions the cluster's folder) before it is signalled.
 */
export const QUEUE_STATE_FILE = path.join(REPO_ROOT, '.e2e-tmp', 'queue', 'cluster.json');

export interface QueueClusterState {
	/** The `up.ts` process that owns the cluster. */
	ownerPid: number;
	rootDir: string;
	postgres: { binDir: string; dataDir: string };
	/** Process-group leaders the owner started (n8n processes, Redis). */
	processGroups: number[];
	startedAt: string;
	mainUrl: string;
	webhookUrl: string;
	simulatorUrl?: string;
	summary: string;
}

export function readClusterState(file = QUEUE_STATE_FILE): QueueClusterState | undefined {
	if (!fs.existsSync(file)) return undefined;
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as QueueClusterState;
	} catch {
		return undefined;
	}
}

export function writeClusterState(state: QueueClusterState, file = QUEUE_STATE_FILE): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function removeClusterState(file = QUEUE_STATE_FILE): void {
	fs.rmSync(file, { force: true });
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** True when `pid` runs with `marker` in its command line or environment (so it is ours, not a reused pid). */
export function processMentions(pid: number, marker: string): boolean {
	for (const file of ['cmdline', 'environ']) {
		try {
			if (fs.readFileSync(`/proc/${pid}/${file}`).toString('utf8').includes(marker)) return true;
		} catch {
			// gone, or not readable
		}
	}
	return false;
}

/** The owner `up.ts` is still running (alive and its command line names up.ts). */
export function isOwnerRunning(state: QueueClusterState): boolean {
	return isAlive(state.ownerPid) && processMentions(state.ownerPid, 'real-n8n/queue/up');
}

/**
 * Cleans up after an owner that died without stopping its cluster (normally its watchdogs already did): stops the
 * recorded process groups that still belong to the cluster, then its PostgreSQL, then deletes its folder.
 */
export async function cleanUpStaleCluster(state: QueueClusterState, log: (line: string) => void): Promise<void> {
	const leftovers = () => state.processGroups.filter((pgid) => isAlive(pgid) && processMentions(pgid, state.rootDir));
	for (const pgid of leftovers()) {
		log(`stopping leftover process group ${pgid}`);
		signalGroup(pgid, 'SIGTERM');
	}
	// The check cannot throw: the one way this wait fails is a group outliving its 10 s.
	await pollUntil('the leftover process groups to stop', () => (leftovers().length > 0 ? undefined : true), {
		timeoutMs: 10_000,
		intervalMs: 200,
	}).catch(() => {
		for (const pgid of leftovers()) signalGroup(pgid, 'SIGKILL');
	});
	if (fs.existsSync(path.join(state.postgres.dataDir, 'postmaster.pid'))) {
		log(`stopping leftover PostgreSQL in ${state.postgres.dataDir}`);
		const pgCtl = path.join(state.postgres.binDir, 'pg_ctl');
		const args = ['-D', state.postgres.dataDir, 'stop', '-m', 'immediate', '-w', '-t', '20'];
		const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
		if (isRoot) runCommand('runuser', ['-u', 'postgres', '--', pgCtl, ...args], { cwd: '/' });
		else runCommand(pgCtl, args);
	}
	if (state.rootDir.includes('linkrapi-queue-') && fs.existsSync(state.rootDir)) {
		log(`deleting ${state.rootDir}`);
		fs.rmSync(state.rootDir, { recursive: true, force: true });
	}
}
