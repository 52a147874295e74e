import nock from 'nock';

import { ActionRequest, ImagineRequest, SubmitResponse, Task } from '../../../../simulator/contract';
import { API_HOST } from '../../../helpers/execute-context';
import { completedGrid, failedTask, runningTask, submitted, TASK_ID } from '../../../helpers/fixtures';
import { runNode } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();

/** Captures the JSON bodies the node sends to one endpoint. */
function captureBodies(path: string): unknown[] {
	const bodies: unknown[] = [];
	nock(API_HOST)
		.persist()
		.post(path)
		.reply((_uri, body) => {
			bodies.push(body);
			return [200, submitted()];
		});
	return bodies;
}

describe('the node speaks the API contract (simulator/contract.ts)', () => {
	it('sends imagine bodies the contract accepts, with and without optional fields', async () => {
		const bodies = captureBodies('/api/v1/imagine');
		const base = { resource: 'task', operation: 'imagine', waitMode: 'none', options: {} };

		await runNode({
			params: [
				{ ...base, prompt: 'a cat --ar 16:9', referenceImageUrl: '', callbackUrl: '' },
				{
					...base,
					prompt: 'a dog',
					referenceImageUrl: 'https://example.com/ref.JPEG',
					callbackUrl: 'http://localhost:5678/webhook/x',
				},
			],
		});

		expect(bodies).toHaveLength(2);
		for (const body of bodies) expect(ImagineRequest.safeParse(body).success).toBe(true);
	});

	it('sends action bodies the contract accepts for documented names and raw custom_ids', async () => {
		const bodies = captureBodies('/api/v1/action');
		const base = {
			resource: 'task',
			operation: 'action',
			taskId: TASK_ID,
			callbackUrl: '',
			waitMode: 'none',
			options: {},
		};

		await runNode({
			params: [
				{ ...base, action: 'upsample1', customId: '' },
				{ ...base, action: 'reroll', customId: '' },
				{ ...base, action: 'custom', customId: `MJ::JOB::variation::2::${TASK_ID}` },
			],
		});

		expect(bodies).toHaveLength(3);
		for (const body of bodies) expect(ActionRequest.safeParse(body).success).toBe(true);
	});

	it('tests against fixtures that match the contract', () => {
		expect(SubmitResponse.safeParse(submitted()).success).toBe(true);
		for (const task of [runningTask('queued', 0), completedGrid(), failedTask('x'), failedTask(null, 'timeout')]) {
			expect(Task.safeParse(task).success).toBe(true);
		}
	});
});
