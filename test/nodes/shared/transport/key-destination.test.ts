import nock from 'nock';
import { keyDestinationRefusal, requestAddress } from '../../../../nodes/shared/transport/key-destination';
import { API_HOST, API_KEY, CDN_HOST } from '../../../helpers/execute-context';
import {
	completedGrid,
	failedTask,
	imagineParameters,
	runningTask,
	submitted,
	TASK_ID,
} from '../../../helpers/fixtures';
import { runNode, runNodeError } from '../../../helpers/run-node';
import { useVirtualClock } from '../../../helpers/use-virtual-clock';

jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));

useVirtualClock();

describe('where a request goes, combined as axios combines baseURL and url', () => {
	it.each([
		[{ baseURL: 'https://a.test/api/v1', url: '/info' }, 'https://a.test/api/v1/info'],
		[{ baseURL: 'https://a.test/api/v1/', url: 'info' }, 'https://a.test/api/v1/info'],
		[{ baseURL: 'https://a.test/api/v1', url: 'http://b.test/x' }, 'http://b.test/x'],
		[{ baseURL: 'https://a.test/api/v1', url: '//b.test/x' }, '//b.test/x'],
		[{ baseURL: 'https://a.test/api/v1', url: '' }, 'https://a.test/api/v1'],
		[{ uri: 'http://c.test/y' }, 'http://c.test/y'],
	])('%p → %p', (target, address) => {
		expect(requestAddress(target)).toBe(address);
	});
});

describe('whether a request may carry the API key', () => {
	it.each([
		'https://linkrapi.com/api/v1/info',
		'http://127.0.0.1:4010/api/v1/info',
		'http://localhost:4010/info',
		'http://[::1]:4010/info',
		' http://127.0.0.1:4010/info',
	])('%p may', (url) => {
		expect(keyDestinationRefusal({ url }, undefined)).toBeUndefined();
	});

	it.each([
		'http://linkrapi.com/api/v1/info',
		'http://10.0.0.1/info',
		'http://127.0.0.1.nip.io/info',
		'HTTP://linkrapi.com/info',
		'//linkrapi.com/info',
		'ftp://linkrapi.com/info',
		'not a url',
		'',
	])('%p may not', (url) => {
		expect(keyDestinationRefusal({ url }, undefined)).toEqual(expect.any(String));
	});

	it('names the Base URL when the request is built on it, without user info, query or fragment', () => {
		const message = keyDestinationRefusal(
			{ baseURL: 'http://user:secret@linkrapi.com/api/v1?x=1', url: '/info' },
			' http://user:secret@linkrapi.com/api/v1?x=1 ',
		);

		expect(message).toMatch(/^The Base URL http:\/\/linkrapi\.com\/api\/v1 uses plain http:\/\//);
		expect(message).not.toContain('secret');
	});

	it('names the address itself when the request is not built on the Base URL (e.g. an HTTP Request node)', () => {
		const message = keyDestinationRefusal({ url: 'http://other.example/x?token=1' }, 'https://linkrapi.com/api/v1');

		expect(message).toMatch(/^The address http:\/\/other\.example\/x uses plain http:\/\//);
	});
});

const imagine = (options: Record<string, unknown> = {}) => imagineParameters({ options: { maxWait: 0.2, ...options } });
const echoedKey = `Bearer ${API_KEY}`;

/** Every way the node can fail; some answers even echo the Authorization header back. */
const errorPaths: Array<[string, () => void, Record<string, unknown>]> = [
	[
		'400 echoing the key',
		() =>
			nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(400, { detail: `bad request from ${echoedKey}` }),
		{},
	],
	[
		'401',
		() =>
			nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(401, { detail: `Invalid API key ${API_KEY}` }),
		{},
	],
	['403', () => nock(API_HOST).post('/api/v1/imagine').reply(403, { detail: 'Hold account is suspended' }), {}],
	[
		'404 on fetch',
		() =>
			nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(200, submitted())
				.get(`/api/v1/fetch/${TASK_ID}`)
				.reply(404, `no task for ${API_KEY}`),
		{},
	],
	['429', () => nock(API_HOST).post('/api/v1/imagine').times(3).reply(429, { detail: echoedKey }), {}],
	[
		'500',
		() =>
			nock(API_HOST).post('/api/v1/imagine').reply(500, `<html><body>${echoedKey}</body></html>`, {
				'Content-Type': 'text/html',
			}),
		{},
	],
	[
		'502 HTML page',
		() =>
			nock(API_HOST).post('/api/v1/imagine').reply(502, '<html><h1>Bad Gateway</h1></html>', {
				'Content-Type': 'text/html',
			}),
		{},
	],
	[
		'network error',
		() =>
			nock(API_HOST)
				.post('/api/v1/imagine')
				.replyWithError(
					Object.assign(new Error(`reset ${echoedKey}`), {
						code: 'ECONNRESET',
					}),
				),
		{},
	],
	['non-JSON 200', () => nock(API_HOST).post('/api/v1/imagine').reply(200, 'OK'), {}],
	[
		'failed task',
		() =>
			nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(200, submitted())
				.get(`/api/v1/fetch/${TASK_ID}`)
				.reply(200, failedTask(`Discord rejected ${API_KEY}`)),
		{},
	],
	[
		'max wait',
		() =>
			nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(200, submitted())
				.get(`/api/v1/fetch/${TASK_ID}`)
				.times(20)
				.reply(200, runningTask('processing', 10)),
		{},
	],
	[
		'image download',
		() => {
			nock(API_HOST)
				.post('/api/v1/imagine')
				.reply(200, submitted())
				.get(`/api/v1/fetch/${TASK_ID}`)
				.reply(200, completedGrid());
			nock(CDN_HOST).get(/.*/).reply(500, echoedKey);
		},
		{ downloadImage: true },
	],
];

function serialise(error: unknown): string {
	const record = error as Record<string, unknown>;
	return [JSON.stringify(error), record.message, record.description, record.stack, JSON.stringify(record.context)].join(
		'\n',
	);
}

describe('the API key never appears in errors or outputs', () => {
	it.each(errorPaths)('when the node fails on %s', async (_name, serve, options) => {
		serve();
		const error = await runNodeError({ params: imagine(options) });
		expect(error.message.length).toBeGreaterThan(0);
		expect(serialise(error)).not.toContain(API_KEY);
		expect(serialise(error)).not.toContain(API_KEY.slice(4));
	});

	it.each(errorPaths)('when the item continues on fail after %s', async (_name, serve, options) => {
		serve();
		const { output } = await runNode({
			params: imagine(options),
			continueOnFail: true,
		});
		expect(output[0].json.error).toEqual(expect.any(String));
		expect(JSON.stringify(output)).not.toContain(API_KEY.slice(4));
	});
});
