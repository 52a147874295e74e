import nock from 'nock';
import {
	isEnded,
	isFailure,
	parseAccountInfo,
	parseSubmitResponse,
	parseTask,
	taskIdProblem,
	taskStateOf,
	toObject,
} from '../../../../nodes/shared/transport/api-types';
import { forLog } from '../../../../nodes/shared/for-log';
import { isLoopbackBaseUrl } from '../../../../nodes/shared/transport/key-destination';
import { ActionRequest, ImagineRequest, SubmitResponse, Task } from '../../../../simulator/contract';
import { API_HOST } from '../../../helpers/execute-context';
import { completedGrid, failedTask, runningTask, submitted, TASK_ID } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();

describe('response guards', () => {
	it('parses a JSON body that arrived as text', () => {
		expect(toObject('{"task_id":"t1"}')).toEqual({ task_id: 't1' });
		expect(toObject('<html>')).toBeUndefined();
		expect(toObject('[1,2]')).toBeUndefined();
	});

	it('requires a task_id in a submit answer', () => {
		expect(parseSubmitResponse({ status: 'SUCCESS', task_id: 't1', message: 'ok' }).task_id).toBe('t1');
		expect(() => parseSubmitResponse({ status: 'SUCCESS' })).toThrow('returned no task_id');
		expect(() => parseSubmitResponse('OK')).toThrow('not a JSON object');
	});

	it('reads a task leniently: odd types are normalised, unknown fields kept', () => {
		const task = parseTask({
			task_id: 't1',
			status: '',
			progress: '45',
			image_url: 5,
			components: [{ custom_id: 'MJ::JOB::upsample::1::x', label: 'U1' }, { label: 'no id' }, 'junk'],
			images: ['a.png', 3],
			grid_url: 'g.png',
		});
		expect(task).toMatchObject({
			task_id: 't1',
			status: 'unknown',
			progress: 45,
			image_url: null,
			error: null,
			components: [{ custom_id: 'MJ::JOB::upsample::1::x', label: 'U1' }],
			images: ['a.png'],
			grid_url: 'g.png',
		});
	});

	it('opens buttons nested in Discord action rows', () => {
		const task = parseTask({
			task_id: 't1',
			status: 'completed',
			components: [
				{ type: 1, components: [{ type: 2, custom_id: 'MJ::Outpaint::50::1::x::SOLO', label: 'Zoom Out 2x' }] },
				{
					type: 1,
					components: [
						{ type: 2, custom_id: 'MJ::JOB::pan_left::1::x::SOLO' },
						{ type: 2, url: 'https://x' },
					],
				},
			],
		});
		expect(task.components?.map((component) => component.custom_id)).toEqual([
			'MJ::Outpaint::50::1::x::SOLO',
			'MJ::JOB::pan_left::1::x::SOLO',
		]);
	});

	it('keeps a null progress as null and a missing components list as null', () => {
		const task = parseTask({ task_id: 't1', status: 'queued', progress: null });
		expect(task.progress).toBeNull();
		expect(task.components).toBeNull();
	});

	it('rejects a task without task_id', () => {
		expect(() => parseTask({ status: 'completed' })).toThrow('without task_id');
	});

	it('turns every account info value into a string', () => {
		expect(
			parseAccountInfo({
				status: 'SUCCESS',
				data: { running_jobs: 2, job_mode: 'fast', gone: null },
			}).data,
		).toEqual({
			running_jobs: '2',
			job_mode: 'fast',
		});
	});
});

describe('task status', () => {
	it.each(['completed', 'failed', 'timeout', 'COMPLETED'])('%s ends a task', (status) => {
		expect(isEnded(taskStateOf(status))).toBe(true);
	});

	it.each(['pending', 'queued', 'sending', 'starting', 'processing', 'uploading', 'moderating', 'unknown'])(
		'%s means still running',
		(status) => {
			expect(isEnded(taskStateOf(status))).toBe(false);
		},
	);

	it('knows failures and queue states', () => {
		expect(isFailure(taskStateOf('failed'))).toBe(true);
		expect(isFailure(taskStateOf('timeout'))).toBe(true);
		expect(isFailure(taskStateOf('completed'))).toBe(false);
		expect(taskStateOf('queued')).toBe('queued');
		// the older vocabulary's pending may already be starting: not a sure sign of waiting in the queue
		expect(taskStateOf('pending')).toBe('running');
		expect(taskStateOf('processing')).toBe('running');
	});
});

describe('Task IDs are checked once, before any request', () => {
	it.each([
		['a1b2c3d4-e5f6-7890-abcd-ef1234567890', undefined],
		['1234567890123456789', undefined],
		['task-first', undefined],
		['', 'it is empty'],
		['.', 'it is a path segment ("." or ".."), not an id'],
		['..', 'it is a path segment ("." or ".."), not an id'],
		['../info', 'it contains a "/"'],
		['\ud800', 'it is not valid Unicode text'],
		['abc\udc00', 'it is not valid Unicode text'],
		['x'.repeat(129), 'it is longer than 128 characters'],
		['id with space', expect.stringContaining('may contain only')],
		['id\nnewline', expect.stringContaining('may contain only')],
		['%2e%2e', expect.stringContaining('may contain only')],
		['?x=1', expect.stringContaining('may contain only')],
	])('%j → %s', (taskId, problem) => {
		expect(taskIdProblem(taskId)).toEqual(problem);
	});

	it.each(['..', '.', 'a/../../info', '\ud800'])('Fetch refuses %j without calling LinkrAPI', async (taskId) => {
		const error = await runNodeError({
			params: { resource: 'task', operation: 'fetch', taskId, waitMode: 'poll', options: {} },
		});

		expect(error.message).toContain('is not a LinkrAPI task ID');
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('Upscale refuses a task id with a "/" without calling LinkrAPI', async () => {
		const error = await runNodeError({
			params: {
				resource: 'task',
				operation: 'action',
				taskId: 'abc/def',
				action: 'upsample1',
				callbackUrl: '',
				waitMode: 'none',
				options: {},
			},
		});

		expect(error.message).toBe('The "Task ID" "abc/def" is not a LinkrAPI task ID');
		expect(error.description).toContain('contains a "/"');
	});
});

describe('forLog', () => {
	it('quotes, escapes line breaks and control characters, and cuts long text', () => {
		expect(forLog('a\nb\r\u2028c\u0085')).toBe('"a\\nb\\r\\u2028c\\u0085"');
		expect(forLog('\ud800')).toBe('"\\ud800"');
		expect(forLog('x'.repeat(100))).toBe(`"${'x'.repeat(80)}…"`);
		expect(forLog(42)).toBe('"42"');
	});
});

describe('isLoopbackBaseUrl', () => {
	it('is false for a Base URL that is not a URL', () => {
		expect(isLoopbackBaseUrl('http://[::1')).toBe(false);
		expect(isLoopbackBaseUrl('http://[::1]:4010/api/v1')).toBe(true);
		expect(isLoopbackBaseUrl(undefined)).toBe(false);
	});
});

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
