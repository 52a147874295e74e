import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nClient, type N8nConnection, REPO_ROOT } from '../../../real-n8n/harness';

/**
 * The jest global setup starts ONE n8n for the whole e2e run and writes how to reach it to a file of its own run
 * (so two runs in one checkout do not meet); the variable below, inherited by the test workers, names it. Every
 * test file connects to that n8n. (`.e2e-tmp/` is git-ignored.)
 */
export const E2E_TMP_DIR = path.join(REPO_ROOT, '.e2e-tmp');
const SERVER_FILE_VARIABLE = 'LINKRAPI_E2E_SERVER_FILE';

/** Called by the global setup, before jest starts the test workers. */
export function writeServerFile(connection: N8nConnection): void {
	const file = path.join(E2E_TMP_DIR, `n8n-server-${process.pid}.json`);
	fs.mkdirSync(E2E_TMP_DIR, { recursive: true });
	fs.writeFileSync(file, JSON.stringify(connection, null, 2));
	process.env[SERVER_FILE_VARIABLE] = file;
}

export function readServerFile(): N8nConnection | undefined {
	const file = process.env[SERVER_FILE_VARIABLE];
	if (!file || !fs.existsSync(file)) return undefined;
	return JSON.parse(fs.readFileSync(file, 'utf8')) as N8nConnection;
}

export function removeServerFile(): void {
	const file = process.env[SERVER_FILE_VARIABLE];
	if (file) fs.rmSync(file, { force: true });
}

/** A logged-in client of the n8n started by the global setup. */
export function connectN8n(): N8nClient {
	const connection = readServerFile();
	if (!connection) {
		throw new Error(
			`No n8n of this e2e run (${SERVER_FILE_VARIABLE} is unset or its file is gone): run the e2e tests through ` +
				'jest (npx jest --selectProjects e2e).',
		);
	}
	return new N8nClient(connection);
}
