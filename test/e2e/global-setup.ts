import {
	discardPackedTarball,
	ensureN8nInstalled,
	type N8nServer,
	packageTarball,
	startN8n,
} from '../../real-n8n/harness';
import { writeServerFile } from '../helpers/e2e/server-file';

declare global {
	var linkrApiE2eServer: N8nServer | undefined;
}

/**
 * One n8n for the whole e2e run: starting one takes ~10 s, a workflow run through a webhook well under 1 s of
 * overhead. Test files isolate themselves with their own simulator, key, credential and workflows.
 */
export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const installation = ensureN8nInstalled();
	const tgz = packageTarball();
	// Debug logging makes "the key never reaches n8n's log" a stronger check.
	const server = await startN8n({
		tgz,
		installation,
		env: { N8N_LOG_LEVEL: 'debug' },
		keepUserFolder: true, // the teardown saves n8n's log, then deletes it
	});
	discardPackedTarball(tgz);
	globalThis.linkrApiE2eServer = server;
	writeServerFile(server.connection);
	console.log(
		`\n[e2e] n8n ${installation.n8nVersion} on Node ${installation.nodeVersion} ready at ${server.baseUrl} ` +
			`in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${server.connection.logFile})`,
	);
}
