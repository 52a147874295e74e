import nock from 'nock';
import { NodeOperationError } from 'n8n-workflow';

import { API_HOST, API_KEY } from '../../../helpers/execute-context';
import { completedGrid, failedTask, imagineParameters, runningTask, submitted } from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

const clock = useVirtualClock();
const imagine = (prompt: string) => imagineParameters({ prompt, options: { pollInterval: 5 } });
const taskIdFor = (prompt: string) => `task-${prompt.replace(/\W+/g, '-')}`;

/** A small fake of LinkrAPI: each task completes (or fails) on its Nth poll. */
function serveTasks(pollsToEnd: Record<string, number>, failing: string[] = []) {
	const polls: Record<string, number> = {};
	const fetchOrder: string[] = [];
	nock(API_HOST)
		.matchHeader('authorization', `Bearer ${API_KEY}`)
		.persist()
		.post('/api/v1/imagine')
		.reply((_uri, body) => {
			const prompt = (body as { prompt: string }).prompt;
			return [200, submitted(taskIdFor(prompt))];
		})
		.get(/\/api\/v1\/fetch\/.+/)
		.reply((uri) => {
			const taskId = decodeURIComponent(uri.split('/').pop() ?? '');
			fetchOrder.push(taskId);
			polls[taskId] = (polls[taskId] ?? 0) + 1;
			const prompt = Object.keys(pollsToEnd).find((p) => taskIdFor(p) === taskId) ?? '';
			if (polls[taskId] < pollsToEnd[prompt]) return [200, runningTask('processing', 50, taskId)];
			if (failing.includes(prompt)) return [200, failedTask('Banned prompt detected', 'failed', taskId)];
			return [200, { ...completedGrid(taskId), prompt }];
		});
	return { polls, fetchOrder };
}

describe('router', () => {
	it('submits every item first, then waits on all tasks together, output in input order', async () => {
		const prompts = ['slow one', 'fast one', 'middle one'];
		const { polls } = serveTasks({
			'slow one': 4,
			'fast one': 1,
			'middle one': 2,
		});

		const { output } = await runNode({ params: prompts.map(imagine) });

		expect(output.map((item) => item.json.prompt)).toEqual(prompts);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(polls).toEqual({
			'task-slow-one': 4,
			'task-fast-one': 1,
			'task-middle-one': 2,
		});
		// Waiting together: the batch takes as long as the slowest task (4 polls), not the sum (7).
		expect(clock.elapsedMs()).toBeLessThan(4 * 5000 + 2000);
	});

	it('with continue on fail, a failed item outputs its error and task_id and the others go on', async () => {
		serveTasks({ good: 2, bad: 1 }, ['bad']);

		const { output } = await runNode({
			params: ['good', 'bad'].map(imagine),
			continueOnFail: true,
		});

		expect(output[0].json.status).toBe('completed');
		expect(output[1].json).toMatchObject({
			error: 'Midjourney could not finish task task-bad: Banned prompt detected',
			task_id: 'task-bad',
		});
		expect(output[1].pairedItem).toEqual({ item: 1 });
	});

	it('with continue on fail, a validation error is output for its item only', async () => {
		serveTasks({ good: 1 });

		const { output } = await runNode({
			params: [imagine(''), imagine('good')],
			continueOnFail: true,
		});

		expect(output[0].json).toEqual({
			error: 'The "Prompt" field is empty',
			description: 'Enter a value for "Prompt" (an expression that resolves to text also works).',
		});
		expect(output[1].json.status).toBe('completed');
	});

	it('without continue on fail, stops at the first failure and names the tasks still running', async () => {
		serveTasks({ first: 10, bad: 1, third: 10 }, ['bad']);

		const error = await runNodeError({
			params: ['first', 'bad', 'third'].map(imagine),
		});

		expect(error.message).toBe('Midjourney could not finish task task-bad: Banned prompt detected');
		expect(error.description).toContain('item 0: task-first');
		expect(error.description).toContain('item 2: task-third');
		expect(clock.elapsedMs()).toBeLessThan(10000);
	});

	it('names the already submitted tasks when a later item fails validation', async () => {
		serveTasks({ first: 1 });

		const error = await runNodeError({
			params: [imagine('first'), imagine('  ')],
		});

		expect(error.message).toBe('The "Prompt" field is empty');
		expect(error.description).toContain('item 0: task-first');
	});

	it('stops on a refused field with an n8n error that names the item and says what to do', async () => {
		serveTasks({ first: 1 });

		const error = await runNodeError({
			params: [imagine('first'), imagine('  ')],
		});

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.context?.itemIndex).toBe(1);
		expect(error.description).toMatch(
			/^Enter a value for "Prompt" \(an expression that resolves to text also works\)\./,
		);
	});

	it("in a Don't Wait batch, the error of item 2 names the tasks items 0 and 1 already submitted", async () => {
		nock(API_HOST).post('/api/v1/imagine').reply(200, submitted('task-zero'));
		nock(API_HOST).post('/api/v1/imagine').reply(200, submitted('task-one'));
		nock(API_HOST).post('/api/v1/imagine').reply(403, { detail: 'Hold account is suspended' });
		const dontWait = (prompt: string) => imagineParameters({ prompt, waitMode: 'none' });

		const error = await runNodeError({ params: ['zero', 'one', 'two'].map(dontWait) });

		expect(error.message).toBe('The LinkrAPI hold (Discord account) is suspended');
		expect(error.description).toContain('item 0: task-zero, item 1: task-one');
	});

	it("a failure while waiting names the tasks of Don't Wait items too", async () => {
		serveTasks({ waited: 1 }, ['waited']);

		const error = await runNodeError({
			params: [imagineParameters({ prompt: 'quick', waitMode: 'none' }), imagine('waited')],
		});

		expect(error.message).toBe('Midjourney could not finish task task-waited: Banned prompt detected');
		expect(error.description).toContain('item 0: task-quick');
		expect(error.description).not.toContain('item 1:');
	});

	it('cancelling the execution while it waits names every task already submitted', async () => {
		const controller = new AbortController();
		nock(API_HOST).post('/api/v1/imagine').reply(200, submitted('task-a'));
		nock(API_HOST).post('/api/v1/imagine').reply(200, submitted('task-b'));
		nock(API_HOST)
			.get(/\/api\/v1\/fetch\/.+/)
			.reply(() => {
				controller.abort();
				return [200, runningTask('processing', 10, 'task-a')];
			});

		const error = await runNodeError({ params: [imagine('a'), imagine('b')], signal: controller.signal });

		expect(error.message).toBe('The execution was cancelled while waiting for LinkrAPI');
		expect(error.description).toContain('item 0: task-a, item 1: task-b');
	});

	it('cancelling during the second submit names the task the first one submitted', async () => {
		const controller = new AbortController();
		nock(API_HOST).post('/api/v1/imagine').reply(200, submitted('task-first'));
		nock(API_HOST)
			.post('/api/v1/imagine')
			.reply(() => {
				controller.abort();
				return [200, submitted('task-second')];
			});

		const error = await runNodeError({
			params: [
				imagineParameters({ prompt: 'first', waitMode: 'none' }),
				imagineParameters({ prompt: 'second', waitMode: 'none' }),
			],
			signal: controller.signal,
		});

		expect(error.message).toBe('The execution was cancelled while waiting for LinkrAPI');
		expect(error.description).toContain('item 0: task-first');
	});

	it('refuses an unknown operation', async () => {
		const error = await runNodeError({
			params: { resource: 'task', operation: 'describe' },
		});
		expect(error.message).toBe('The operation "describe" is not supported for "task"');
	});
});
