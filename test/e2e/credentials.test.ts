import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';

import { capabilitiesOf, LINKRAPI_CREDENTIAL_TYPE, newApiKey } from '../../real-n8n/harness';
import { maskKey } from '../../simulator';
import { E2E_TEST_TIMEOUT_MS, useTestbed } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

/** An IPv4 address of this machine that is not loopback: to n8n it is another host, yet a test can listen on it. */
function nonLoopbackIpv4(): string {
	const address = Object.values(os.networkInterfaces())
		.flat()
		.find((candidate) => candidate?.family === 'IPv4' && !candidate.internal)?.address;
	if (!address) throw new Error('This machine has no non-loopback IPv4 address to listen on');
	return address;
}

interface Recorder {
	url: string;
	requests: Array<{ method?: string; url?: string; authorization?: string }>;
	close(): Promise<void>;
}

/** A server that answers 200 to anything and records what reached it. */
async function startRecorder(host: string): Promise<Recorder> {
	const requests: Recorder['requests'] = [];
	const server = http.createServer((request, response) => {
		requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
		response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"SUCCESS","data":{}}');
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://${host}:${port}`,
		requests,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe('Credential test through n8n’s own credential-test path (POST /rest/credentials/test)', () => {
	const bed = useTestbed();
	const showsRuleMessages = () => capabilitiesOf(bed.n8n.connection.n8nVersion).credentialTestRuleMessages;

	beforeEach(() => {
		bed.sim.configure({ infoFaults: null });
		bed.sim.reset();
	});

	it('accepts a valid key with a GET /info that carries it as a Bearer token', async () => {
		const result = await bed.n8n.testCredential(bed.credential);

		expect(result).toEqual({ status: 'OK', message: expect.any(String) });
		const [request] = bed.sim.inspect().requests;
		expect(request).toMatchObject({ method: 'GET', route: 'GET /info', status: 200 });
		expect(request.key).toBe(maskKey(bed.apiKey));
	});

	it('rejects an invalid key with the credential’s own message, without echoing the key', async () => {
		const wrongKey = newApiKey();
		const credential = await bed.n8n.createCredential('LinkrAPI wrong key', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey: wrongKey,
			baseUrl: bed.sim.url,
		});

		const result = await bed.n8n.testCredential(credential);

		expect(result.status).toBe('Error');
		// n8n 1.123 shows its own text for a 401 instead of the credential's rule message
		expect(result.message).toMatch(
			showsRuleMessages() ? /rejected the API key/i : /^Authorization failed - please check your credentials$/,
		);
		expect(result.message).not.toContain(wrongKey);
		expect(bed.sim.inspect().requests.every((request) => request.status === 401)).toBe(true);
	});

	it('tests the values typed in the dialog before they are saved (an edited Base URL)', async () => {
		const result = await bed.n8n.testCredential(bed.credential, { baseUrl: `${bed.sim.url}/` });

		expect(result.status).toBe('OK');
		expect(bed.sim.inspect().requests[0].path).toBe('/api/v1/info');
	});

	it('explains a 502 from /info as "key accepted, Discord unreachable"', async () => {
		bed.sim.configure({ infoFaults: { status: 502 } });

		const result = await bed.n8n.testCredential(bed.credential);

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(showsRuleMessages() ? /key was accepted/i : /^Bad gateway/);
	});

	it('sends nothing to an http:// Base URL of another machine, and says which Base URL to change', async () => {
		const recorder = await startRecorder(nonLoopbackIpv4());
		try {
			// The address is reachable from here, so only the credential keeps n8n from sending the key to it.
			expect((await fetch(`${recorder.url}/probe`)).status).toBe(200);
			recorder.requests.length = 0;
			const credential = await bed.n8n.createCredential('LinkrAPI plain http', LINKRAPI_CREDENTIAL_TYPE, {
				apiKey: bed.apiKey,
				baseUrl: `  ${recorder.url}/api/v1//  `,
			});

			const result = await bed.n8n.testCredential(credential);

			expect(recorder.requests).toEqual([]);
			expect(result.status).toBe('Error');
			expect(result.message).toContain(`The Base URL ${recorder.url}/api/v1 uses plain http://`);
			expect(result.message).toContain('Base URL field of the LinkrAPI credential to https://');
			expect(result.message).not.toContain(bed.apiKey);
		} finally {
			await recorder.close();
		}
	});
});
