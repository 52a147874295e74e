import nock from 'nock';

import { isLoopbackBaseUrl } from '../../../../nodes/shared/transport/base-url';
import { forLog } from '../../../../nodes/shared/transport/redact';
import { taskIdProblem } from '../../../../nodes/shared/transport/task-id';
import { runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

useVirtualClock();

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
