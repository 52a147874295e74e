import nock from 'nock';
import {
	boundedJson,
	describeErrorBody,
	ERROR_BODY_LIMIT,
	httpStatusError,
	MAX_BODY_EXCERPT,
	MAX_DETAIL_LENGTH,
	networkError,
	stripTags,
} from '../../../../nodes/shared/transport/errors';
import { redactSecrets } from '../../../../nodes/shared/transport/key-destination';
import { API_HOST, API_KEY, node } from '../../../helpers/execute-context';
import { imagineParameters, TASK_ID } from '../../../helpers/fixtures';
import { runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();

const context = { itemIndex: 2, endpoint: 'POST /imagine' };

describe('HTTP status errors', () => {
	it.each([
		[
			400,
			{
				detail: "Your prompt contains a term that violates Midjourney's content policy.",
			},
			"Your prompt contains a term that violates Midjourney's content policy.",
		],
		[401, {}, 'LinkrAPI rejected the API key'],
		[403, { detail: 'Hold account is suspended' }, 'The LinkrAPI hold (Discord account) is suspended'],
		[404, {}, 'LinkrAPI could not find what was asked for'],
		[429, {}, 'LinkrAPI rate limit reached'],
		[502, { detail: 'Failed to connect to Discord' }, 'LinkrAPI could not reach Discord/Midjourney (HTTP 502)'],
		[503, '<html>down</html>', 'LinkrAPI could not reach Discord/Midjourney (HTTP 503)'],
		[418, {}, 'LinkrAPI answered HTTP 418'],
	])('maps %s to a message a user can act on', (status, body, message) => {
		const error = httpStatusError(node, status, body, context);
		expect(error.message).toBe(message);
		expect(error.httpCode).toBe(String(status));
		expect(error.description).toContain(`POST /imagine answered HTTP ${status}.`);
		expect(error.context.itemIndex).toBe(2);
	});

	it('tells the user to check the credential on 401 and the dashboard on 403', () => {
		expect(httpStatusError(node, 401, {}, context).description).toContain('Open the LinkrAPI credential');
		expect(httpStatusError(node, 403, {}, context).description).toContain('LinkrAPI dashboard');
	});

	it('carries the task id', () => {
		const error = httpStatusError(node, 404, {}, { ...context, taskId: 't-9' });
		expect(error.message).toBe('Task t-9 was not found for this API key');
		expect(error.context.task_id).toBe('t-9');
	});

	it('explains network failures by code', () => {
		expect(networkError(node, { code: 'ECONNREFUSED' }, context).message).toBe('LinkrAPI refused the connection');
		expect(networkError(node, { cause: { code: 'ETIMEDOUT' } }, context).message).toBe(
			'LinkrAPI did not answer in time',
		);
		expect(networkError(node, new Error('weird'), context).message).toBe(
			'The request to LinkrAPI failed before an answer arrived',
		);
	});
});

describe('redaction', () => {
	it('removes the given key and anything shaped like a LinkrAPI key', () => {
		expect(redactSecrets('key abc123secret and lkr_deadbeef', 'abc123secret')).toBe(
			'key [redacted] and lkr_[redacted]',
		);
	});
});

const ONE_MB = 1 << 20;

/** An array whose element reads are counted, to see how much of a parsed body a function looks at. */
function countingArray(length: number): { array: unknown[]; reads: () => number } {
	let reads = 0;
	const array = new Proxy(new Array<string>(length).fill('entry'), {
		get(target, property, receiver) {
			if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
			return Reflect.get(target, property, receiver) as unknown;
		},
	});
	return { array, reads: () => reads };
}

function nestedArray(depth: number): unknown {
	let value: unknown = 'bottom';
	for (let level = 0; level < depth; level++) value = [value];
	return value;
}

describe('error bodies', () => {
	it('reads the documented detail, a message, or an excerpt of HTML', () => {
		expect(describeErrorBody({ detail: 'Prompt is empty' })).toBe('Prompt is empty');
		expect(describeErrorBody({ detail: [{ loc: ['prompt'], msg: 'required' }] })).toBe(
			'[{"loc":["prompt"],"msg":"required"}]',
		);
		expect(describeErrorBody('{"message":"busy"}')).toBe('busy');
		expect(
			describeErrorBody(
				'<html><head><style>h1{}</style></head><body><h1>502 Bad Gateway</h1>\n<p>cloudflare</p></body></html>',
			),
		).toBe('502 Bad Gateway cloudflare');
		expect(describeErrorBody('x'.repeat(400))).toHaveLength(MAX_BODY_EXCERPT + 1);
		expect(describeErrorBody('')).toBeUndefined();
		expect(describeErrorBody(undefined)).toBeUndefined();
	});
});

describe('hostile error bodies: nothing past ERROR_BODY_LIMIT is read', () => {
	// Each body ends, after 1 MB, with something that would change the result if it were read.
	it.each([
		['1 MB of "<" closed by a ">" at the very end', `${'<'.repeat(ONE_MB)}>END-MARKER`],
		['1 MB of "<script" closed at the very end', `${'<script'.repeat(ONE_MB / 7)}></script>END-MARKER`],
		['1 MB of nested tags with text at the very end', `${'<div>'.repeat(ONE_MB / 5)}END-MARKER`],
	])('%s', (_name, body) => {
		const result = describeErrorBody(body);

		expect(result ?? '').not.toContain('END-MARKER');
		expect(result).toBe(describeErrorBody(body.slice(0, ERROR_BODY_LIMIT)));
		expect((result ?? '').length).toBeLessThanOrEqual(MAX_BODY_EXCERPT + 1);
	});

	it.each([
		['1 MB of "<" and no ">"', '<'.repeat(ONE_MB)],
		['1 MB of unclosed "<script"', '<script'.repeat(ONE_MB / 7)],
		['1 MB of an unclosed "<script>" element', `<script>${'<'.repeat(ONE_MB)}`],
		['1 MB of nested unclosed tags', '<a <b <c '.repeat(ONE_MB / 9)],
	])('%s gives a short excerpt of the first few KB only', (_name, body) => {
		const result = describeErrorBody(body);

		expect(result).toBe(describeErrorBody(body.slice(0, ERROR_BODY_LIMIT)));
		expect((result ?? '').length).toBeLessThanOrEqual(MAX_BODY_EXCERPT + 1);
	});

	it('a JSON text longer than the limit is shown as a short excerpt, not parsed whole', () => {
		const result = describeErrorBody(`{"detail":"${'x'.repeat(ONE_MB)}","more":"END-MARKER"}`);

		expect(result).toHaveLength(MAX_BODY_EXCERPT + 1);
		expect(result).not.toContain('END-MARKER');
	});
});

describe('hostile error bodies: detail and message are shortened', () => {
	it('a 1 MB detail string', () => {
		const result = describeErrorBody({ detail: 'd'.repeat(ONE_MB) });

		expect(result).toBe(`${'d'.repeat(MAX_DETAIL_LENGTH)}…`);
	});

	it('a 1 MB message string', () => {
		expect(describeErrorBody({ message: 'm'.repeat(ONE_MB) })).toBe(`${'m'.repeat(MAX_DETAIL_LENGTH)}…`);
	});

	it('a detail object with 100,000 entries is read only as far as the shown text goes', () => {
		const { array, reads } = countingArray(100_000);

		const result = describeErrorBody({ detail: { errors: array } });

		expect(result?.startsWith('{"errors":["entry","entry"')).toBe(true);
		expect(result?.length).toBe(MAX_DETAIL_LENGTH + 1);
		expect(reads()).toBeLessThanOrEqual(MAX_DETAIL_LENGTH / 8 + 1);
	});

	it('a detail nested 100,000 levels deep gives a short text instead of overflowing the stack', () => {
		const result = describeErrorBody({ detail: nestedArray(100_000) });

		expect(result).toBe(`${'['.repeat(MAX_DETAIL_LENGTH)}…`);
	});
});

describe('bounded JSON text', () => {
	it('equals JSON.stringify when it fits', () => {
		const value = { a: [1, 'two', null, true, { b: 'c"d' }], e: {} };
		expect(boundedJson(value, 1000)).toBe(JSON.stringify(value));
		expect(boundedJson('abc', 5)).toBe('"abc"');
	});

	it('is cut with an ellipsis when it does not', () => {
		expect(boundedJson(['abc'], 6)).toBe('["abc"…');
		expect(boundedJson({ key: 'value' }, 4)).toBe('{"ke…');
	});
});

describe('tag stripping', () => {
	it('replaces tags with spaces and drops script and style content', () => {
		expect(stripTags('a<b>c</b>d')).toBe('a c d');
		expect(stripTags('x<script type="t">if (a<b) {}</script>y<STYLE>p{}</STYLE>z')).toBe('x y z');
	});

	it('keeps a "<" that no ">" follows, and "<>", as text', () => {
		expect(stripTags('must be < 10')).toBe('must be < 10');
		expect(stripTags('a <> b')).toBe('a <> b');
	});

	it('drops the rest of a script element that is never closed', () => {
		expect(stripTags('before<script>alert(1)')).toBe('before ');
	});
});

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
