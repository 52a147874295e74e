import * as path from 'node:path';

import { runCommand } from './processes';

/** Where the pinned Node.js and n8n live (outside the repo, in the e2e cache). */
export interface N8nInstallation {
	/** Folder holding the Node.js 24 `node` binary; put it first on PATH for anything n8n spawns. */
	nodeBinDir: string;
	/** The Node.js 24 binary n8n runs on. */
	nodeBin: string;
	/** n8n's command-line entry point (`node_modules/.bin/n8n`). */
	n8nBin: string;
	/** The folder n8n was installed into (its `node_modules` is n8n's dependency tree). */
	n8nHome: string;
	n8nVersion: string;
	nodeVersion: string;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const INSTALL_SCRIPT = path.join(REPO_ROOT, 'real-n8n', 'install-n8n.sh');

/** Names the n8n to install and run instead of the default one (real-n8n/n8n): e.g. `1.123.x`; see install-n8n.sh. */
export const N8N_VERSION_VARIABLE = 'LINKRAPI_N8N_VERSION';

/**
 * Runs real-n8n/install-n8n.sh: instant when n8n is cached, several minutes the first time.
 * The script's progress goes to this process's stderr; its stdout is KEY=VALUE lines.
 * `version` (default: `$LINKRAPI_N8N_VERSION`, else the default n8n) is a name `install-n8n.sh --list` shows.
 */
export function ensureN8nInstalled(version = process.env[N8N_VERSION_VARIABLE]): N8nInstallation {
	const args = version ? [INSTALL_SCRIPT, '--n8n-version', version] : [INSTALL_SCRIPT];
	const result = runCommand('bash', args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
	if (result.status !== 0) {
		throw new Error(`real-n8n/install-n8n.sh failed (exit code ${result.status}); its output is above.`);
	}
	const values: Record<string, string> = {};
	for (const line of result.stdout.split('\n')) {
		const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (match) values[match[1]] = match[2];
	}
	const required = ['NODE_BIN_DIR', 'NODE_BIN', 'N8N_BIN', 'N8N_HOME', 'N8N_VERSION', 'NODE_VERSION'];
	const missing = required.filter((key) => !values[key]);
	if (missing.length > 0) {
		throw new Error(`real-n8n/install-n8n.sh did not print ${missing.join(', ')}. Output:\n${result.stdout}`);
	}
	return {
		nodeBinDir: values.NODE_BIN_DIR,
		nodeBin: values.NODE_BIN,
		n8nBin: values.N8N_BIN,
		n8nHome: values.N8N_HOME,
		n8nVersion: values.N8N_VERSION,
		nodeVersion: values.NODE_VERSION,
	};
}
