import * as path from 'node:path';

import {
	assertExecutionStatus,
	LINKRAPI_CREDENTIAL_TYPE,
	loadWorkflow,
	newApiKey,
	nodeOutput,
	withNodeSettings,
} from '../../real-n8n/harness';
import { leakedKeys } from '../helpers/e2e/secrets';
import { E2E_TEST_TIMEOUT_MS, useTestbed, WORKFLOWS_DIR } from '../helpers/e2e/testbed';

jest.setTimeout(E2E_TEST_TIMEOUT_MS);

describe('The API key never leaves the credential', () => {
	const bed = useTestbed();

	it('appears in no execution and in no n8n log line, after successes, failures and a rejected key', async () => {
		// A success with a binary download, a failing task, a continued failure, and a key LinkrAPI rejects.
		const download = await bed.run(await bed.deploy('imagine-upscale-download.json'), { prompt: 'a kite' });
		assertExecutionStatus(download.execution, 'success');
		expect(nodeOutput(download.execution, 'Upscale 2')[0].binary?.data).toBeDefined();
		const failed = await bed.run(await bed.deploy('imagine.json'), { prompt: 'a kite [[fail]]' });
		assertExecutionStatus(failed.execution, 'error');
		const continued = await bed.run(
			await bed.deploy('imagine.json', (workflow) =>
				withNodeSettings(workflow, 'Imagine', { onError: 'continueRegularOutput' }),
			),
			{ prompt: 'a kite [[502-html]]' },
		);
		assertExecutionStatus(continued.execution, 'success');
		const wrongKey = newApiKey();
		const rejected = await bed.n8n.createCredential('LinkrAPI rejected key', LINKRAPI_CREDENTIAL_TYPE, {
			apiKey: wrongKey,
			baseUrl: bed.sim.url,
		});
		const unauthorized = await bed.n8n.runWorkflow(
			await bed.n8n.deployWorkflow(loadWorkflow(path.join(WORKFLOWS_DIR, 'imagine.json')), { credential: rejected }),
			{ body: { prompt: 'a kite' } },
		);
		assertExecutionStatus(unauthorized.execution, 'error');
		expect(JSON.stringify(unauthorized.execution)).toMatch(/rejected the API key/);
		await bed.n8n.testCredential(rejected);

		// Every execution on this n8n so far (other test files' too), with full data.
		const executions = await bed.n8n.listExecutions(undefined, 500);
		expect(executions.length).toBeGreaterThanOrEqual(4);
		for (const { id } of executions) {
			const stored = JSON.stringify(await bed.n8n.getExecution(id));
			expect({ execution: id, leaked: leakedKeys(stored) }).toEqual({ execution: id, leaked: [] });
			expect(stored).not.toContain(bed.apiKey);
			expect(stored).not.toContain(wrongKey);
		}
		const log = bed.n8n.readLog();
		expect(log.length).toBeGreaterThan(0);
		expect(leakedKeys(log)).toEqual([]);
		expect(log).not.toContain(bed.apiKey);
		expect(log).not.toContain(wrongKey);
	});
});
