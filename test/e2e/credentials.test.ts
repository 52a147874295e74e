import { LINKRAPI_CREDENTIAL_TYPE, newApiKey } from '../../e2e/harness';
import { maskKey } from '../../simulator';
import { E2E_TEST_TIMEOUT_MS, useTestbed } from './support/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

describe('Credential test through n8n’s own credential-test path (POST /rest/credentials/test)', () => {
	const bed = useTestbed();

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
		expect(result.message).toMatch(/rejected the API key/i);
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
		expect(result.message).toMatch(/key was accepted/i);
	});
});
