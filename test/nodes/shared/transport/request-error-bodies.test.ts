import nock from 'nock';

import { API_HOST, API_KEY } from '../../../helpers/execute-context';
import { imagineParameters, TASK_ID } from '../../../helpers/fixtures';
import { runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(),
}));

useVirtualClock();

const ONE_MB = 1 << 20;
/** The longest message and description a user may be shown for one failed call, whatever the body. */
const MAX_MESSAGE = 600;
const MAX_DESCRIPTION = 1200;

describe('A hostile error body gives a short error that still names the call', () => {
	it.each([
		['1 MB of "<" closed at the very end', `${'<'.repeat(ONE_MB)}>END-MARKER`, 'text/html'],
		['1 MB of nested tags with text at the very end', `${'<div>'.repeat(ONE_MB / 5)}END-MARKER`, 'text/html'],
		['a JSON detail of 1 MB', JSON.stringify({ detail: `${'d'.repeat(ONE_MB)}END-MARKER` }), 'application/json'],
		[
			'a JSON detail object with 100,000 entries',
			JSON.stringify({ detail: [...new Array<string>(100_000).fill('entry'), 'END-MARKER'] }),
			'application/json',
		],
	])('a 400 with %s', async (_name, body, contentType) => {
		nock(API_HOST).post('/api/v1/imagine').reply(400, body, { 'Content-Type': contentType });

		const error = await runNodeError({ params: imagineParameters({ waitMode: 'none' }) });

		expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
		expect(error.description?.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
		expect(error.description).toContain('POST /imagine answered HTTP 400.');
		expect(`${error.message} ${error.description}`).not.toContain('END-MARKER');
		expect(JSON.stringify(error)).not.toContain(API_KEY);
	});

	it('a 404 from /fetch with 1 MB of HTML quotes a short excerpt and names the task', async () => {
		nock(API_HOST)
			.get(`/api/v1/fetch/${TASK_ID}`)
			.reply(404, `<p>not here</p>${'<'.repeat(ONE_MB)}>END-MARKER`, { 'Content-Type': 'text/html' });

		const error = await runNodeError({
			params: { resource: 'task', operation: 'fetch', taskId: TASK_ID, waitMode: 'none', options: {} },
		});

		expect(error.description?.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
		expect(error.description).toContain('GET /fetch/{task_id} answered HTTP 404.');
		expect(error.description).toContain('LinkrAPI said: "not here <<<');
		expect(error.description).toContain(`Task ID: ${TASK_ID}.`);
		expect(error.description).not.toContain('END-MARKER');
	});
});
