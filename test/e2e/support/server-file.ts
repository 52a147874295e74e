import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nClient, type N8nConnection, REPO_ROOT } from '../../../e2e/harness';

/**
 * The jest global setup starts ONE n8n for the whole e2e run and writes how to reach it here; every test file
 * connects to it. (`.e2e-tmp/` is git-ignored.)
 */
export const E2E_TMP_DIR = path.join(REPO_ROOT, '.e2e-tmp');
export const SERVER_FILE = path.join(E2E_TMP_DIR, 'n8n-server.json');

export function writeServerFile(connection: N8nConnection): void {
	fs.mkdirSync(E2E_TMP_DIR, { recursive: true });
	fs.writeFileSync(SERVER_FILE, JSON.stringify(connection, null, 2));
}

export function readServerFile(): N8nConnection | undefined {
	if (!fs.existsSync(SERVER_FILE)) return undefined;
	return JSON.parse(fs.readFileSync(SERVER_FILE, 'utf8')) as N8nConnection;
}

/** A logged-in client of the n8n started by the global setup. */
export function connectN8n(): N8nClient {
	const connection = readServerFile();
	if (!connection) {
		throw new Error(`${SERVER_FILE} is missing: run the e2e tests through jest (npx jest --selectProjects e2e).`);
	}
	return new N8nClient(connection);
}
