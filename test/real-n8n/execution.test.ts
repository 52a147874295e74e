import { dataCaughtUp, type Execution } from '../../real-n8n/harness/execution';

/** An execution as n8n's REST API returns it, with only the fields dataCaughtUp reads. */
function execution(
	status: string,
	data: Partial<Execution['data']>,
	runData: Execution['data']['resultData']['runData'] = {},
): Execution {
	return {
		id: '17',
		workflowId: 'w',
		status,
		finished: status === 'success',
		mode: 'webhook',
		data: { resultData: { ...data.resultData, runData }, ...(data.waitTill ? { waitTill: data.waitTill } : {}) },
	};
}

const run = { data: { main: [[{ json: { task_id: 't' } }]] } };

describe('dataCaughtUp: an ended execution read between n8n 1.x writing its status and its data', () => {
	it('accepts the final data of a resumed execution', () => {
		const final = execution(
			'success',
			{ resultData: { runData: {}, lastNodeExecuted: 'Done' } },
			{ Upscale: [run], Done: [run] },
		);
		expect(dataCaughtUp(final)).toBe(true);
	});

	it('refuses the data saved when the resume started: the resumed node’s run is not there yet', () => {
		const stale = execution(
			'success',
			{ resultData: { runData: {}, lastNodeExecuted: 'Upscale' } },
			{ Imagine: [run], Upscale: [] },
		);
		expect(dataCaughtUp(stale)).toBe(false);
	});

	it('refuses the data saved when the execution went to wait', () => {
		const paused = execution(
			'success',
			{ resultData: { runData: {}, lastNodeExecuted: 'Upscale' }, waitTill: '2026-12-03T14:49:14.000Z' },
			{ Upscale: [run] },
		);
		expect(dataCaughtUp(paused)).toBe(false);
	});

	it('takes any state that is not an end as read, and an error before any node ran as final', () => {
		const waiting = execution('waiting', {
			resultData: { runData: {}, lastNodeExecuted: 'Upscale' },
			waitTill: '2026-12-03T14:49:14.000Z',
		});
		expect(dataCaughtUp(waiting)).toBe(true);
		expect(dataCaughtUp(execution('error', { resultData: { runData: {} } }))).toBe(true);
	});
});
