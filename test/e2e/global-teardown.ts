import * as fs from 'node:fs';
import * as path from 'node:path';

import { leakedKeys } from '../helpers/e2e/secrets';
import { E2E_TMP_DIR, readServerFile, removeServerFile } from '../helpers/e2e/server-file';

/**
 * Stops the n8n of the global setup, keeps its log in .e2e-tmp/n8n.log for debugging, and fails the run if the log
 * of the whole run (all test files) holds anything shaped like a full API key.
 */
export default async function globalTeardown(): Promise<void> {
	const server = globalThis.linkrApiE2eServer;
	const connection = readServerFile();
	const logFile = server?.connection.logFile ?? connection?.logFile;
	if (server) {
		await server.stop().finally(() => undefined);
	} else if (connection?.pid) {
		try {
			process.kill(-connection.pid, 'SIGTERM');
		} catch {
			// already gone
		}
	}
	removeServerFile();
	if (logFile && fs.existsSync(logFile)) {
		fs.copyFileSync(logFile, path.join(E2E_TMP_DIR, 'n8n.log'));
	}
	const userFolder = server?.connection.userFolder ?? connection?.userFolder;
	const log = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
	if (userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	const leaked = leakedKeys(log);
	if (leaked.length > 0) {
		throw new Error(
			`n8n's log contains ${leaked.length} full API key(s) (see .e2e-tmp/n8n.log): ` +
				leaked.map((key) => `lkr_…${key.slice(-4)}`).join(', '),
		);
	}
}
