import { CONTENT_POLICY_DETAIL } from '../../simulator/contract';
import { BLOCKED_TERMS, violatesContentPolicy } from '../../simulator/content-policy';
import { DEFAULT_KEY } from '../../simulator';
import { action, apiClient, imagine, OTHER_KEY, useSimulator } from '../helpers/simulator';

describe('request validation', () => {
	const h = useSimulator();

	it.each([
		['a missing prompt', {}, /prompt/],
		['an empty prompt', { prompt: '' }, /prompt: must not be empty/],
		['a whitespace-only prompt', { prompt: '   ' }, /prompt: must not be empty/],
		['a prompt that is not a string', { prompt: 42 }, /prompt/],
		['an undocumented field', { prompt: 'cat', mode: 'fast' }, /mode/],
		['a null reference_image', { prompt: 'cat', reference_image: null }, /reference_image/],
		[
			'an ftp reference_image',
			{ prompt: 'cat', reference_image: 'ftp://example.com/a.png' },
			/reference_image: must be an http\(s\) URL/,
		],
		[
			'a gif reference_image',
			{ prompt: 'cat', reference_image: 'https://example.com/a.gif' },
			/reference_image: must end in \.jpg, \.jpeg, \.png, \.webp/,
		],
		['a webhook_url that is not a URL', { prompt: 'cat', webhook_url: 'my-server/hook' }, /webhook_url/],
	])('rejects %s with 400 and a detail', async (_name, body, detail) => {
		const response = await h.api.post('/imagine', body);
		expect(response.status).toBe(400);
		expect(response.data.detail).toMatch(detail);
	});

	it.each([
		'https://example.com/ref.JPG',
		'http://example.com/ref.jpeg?sig=1',
		'https://example.com/ref.png',
		'https://example.com/ref.webp',
	])('accepts reference_image %s', async (url) => {
		const response = await h.api.post('/imagine', {
			prompt: 'cat',
			reference_image: url,
		});
		expect(response.status).toBe(200);
	});

	/** Sends the text as is (axios would JSON-encode a string body for a JSON content type). */
	const raw = (text: string) => ({ headers: { 'Content-Type': 'application/json' }, transformRequest: [() => text] });

	it('rejects a body that is not JSON', async () => {
		const response = await h.api.post('/imagine', undefined, raw('{"prompt": "cat"'));
		expect(response.status).toBe(400);
		expect(response.data.detail).toBe('Request body must be a JSON object');
		expect(h.sim.inspect().requests[0].body).toBe('{"prompt": "cat"');
	});

	it.each([['null'], ['[]'], ['"a cat"']])('rejects the JSON body %s, which is not an object', async (text) => {
		const response = await h.api.post('/imagine', undefined, raw(text));
		expect(response.status).toBe(400);
		expect(response.data.detail).toBe('Request body must be a JSON object');
	});

	it('rejects a body sent without a JSON content type', async () => {
		const response = await h.api.post('/imagine', 'prompt=cat', {
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		expect(response.status).toBe(400);
		expect(response.data.detail).toBe('Content-Type must be application/json');
	});

	it('rejects an action without task_id or action', async () => {
		const response = await h.api.post('/action', { action: 'upsample1' });
		expect(response.status).toBe(400);
		expect(response.data.detail).toMatch(/task_id/);
		expect((await h.api.post('/action', { task_id: 'x' })).data.detail).toMatch(/action/);
	});

	it('creates no task for a rejected request', async () => {
		await h.api.post('/imagine', {});
		expect(h.sim.inspect().tasks).toEqual([]);
	});
});

describe('content-policy pre-check', () => {
	const h = useSimulator();

	it.each([
		['a blocked word', 'a nude statue'],
		['a blocked word in capitals', 'NSFW poster'],
		['full-width letters (NFKD folds them)', 'a ｎｕｄｅ statue'],
		['a blocked word with an accent (marks dropped after NFKD)', 'a nüde statue'],
		['a blocked word next to punctuation', 'scene: gore, blood'],
	])('answers 400 with the documented detail for %s', async (_name, prompt) => {
		const response = await h.api.post('/imagine', { prompt });
		expect(response.status).toBe(400);
		expect(response.data).toEqual({ detail: CONTENT_POLICY_DETAIL });
	});

	it('matches whole words only', async () => {
		expect(violatesContentPolicy('nudes and gorey details in pornography')).toBe(false);
		expect((await h.api.post('/imagine', { prompt: 'a gorge in the mountains' })).status).toBe(200);
	});

	it('keeps the blocklist small and documented', () => {
		expect(BLOCKED_TERMS).toEqual(['gore', 'nsfw', 'nude', 'naked', 'porn', 'decapitated']);
	});
});

describe('authentication', () => {
	const h = useSimulator();

	it.each([
		['no Authorization header', null],
		['an unknown key', `lkr_${'f'.repeat(32)}`],
	])('answers 401 on every endpoint with %s', async (_name, key) => {
		const api = apiClient(h.sim, key);
		const answers = await Promise.all([
			api.post('/imagine', { prompt: 'cat' }),
			api.get('/fetch/some-task'),
			api.post('/action', { task_id: 'some-task', action: 'upsample1' }),
			api.get('/info'),
		]);
		expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
		expect(answers[0].data).toEqual({ detail: 'Invalid or missing API key' });
	});

	it('rejects a valid key sent with another scheme', async () => {
		const response = await h.api.get('/info', {
			headers: { Authorization: `Token ${DEFAULT_KEY}` },
		});
		expect(response.status).toBe(401);
	});

	it('accepts every configured key and a key added at runtime', async () => {
		expect((await apiClient(h.sim, OTHER_KEY).get('/info')).status).toBe(200);
		const added = `lkr_${'2'.repeat(32)}`;
		expect((await apiClient(h.sim, added).get('/info')).status).toBe(401);
		h.sim.configure({ keys: [DEFAULT_KEY, added] });
		expect((await apiClient(h.sim, added).get('/info')).status).toBe(200);
	});
});

describe('not found', () => {
	const h = useSimulator();

	it('answers 404 "Task not found" for an unknown task', async () => {
		const response = await h.api.get('/fetch/00000000-0000-0000-0000-000000000000');
		expect(response.status).toBe(404);
		expect(response.data).toEqual({ detail: 'Task not found' });
	});

	it("hides another key's task on fetch and action", async () => {
		const id = await imagine(h.api, 'cat');
		h.clock!.advance(1000);
		const other = apiClient(h.sim, OTHER_KEY);
		expect((await other.get(`/fetch/${id}`)).status).toBe(404);
		const response = await action(other, id, 'upsample1');
		expect(response.status).toBe(404);
		expect(response.data).toEqual({ detail: 'Task not found' });
	});

	it('answers 404 for a malformed task id instead of failing', async () => {
		const response = await h.api.get('/fetch/%E0%A4%A');
		expect(response.status).toBe(404);
		expect(response.data).toEqual({ detail: 'Task not found' });
	});

	it('answers 404 outside the API and 405 for a wrong method', async () => {
		expect((await h.api.get('/describe')).status).toBe(404);
		expect((await h.api.get(`${h.sim.url.replace('/api/v1', '')}/v1/imagine`)).status).toBe(404);
		const wrongMethod = await h.api.get('/imagine');
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.data).toEqual({ detail: 'Method Not Allowed' });
	});
});
