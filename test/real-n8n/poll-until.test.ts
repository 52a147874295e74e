import { pollUntil } from '../../real-n8n/harness/poll-until';

/** A check (a jest mock, so its calls are counted) that answers `undefined` until its `n`th call, then `value`. */
function answersOnCall<T>(n: number, value: T) {
	let calls = 0;
	return jest.fn(() => (++calls >= n ? value : undefined));
}

describe('pollUntil', () => {
	it('returns the first value that is not undefined, without waiting', async () => {
		const check = answersOnCall(1, 0);
		const started = Date.now();

		await expect(pollUntil('zero', check, { intervalMs: 1000 })).resolves.toBe(0);

		expect(check).toHaveBeenCalledTimes(1);
		expect(Date.now() - started).toBeLessThan(500);
	});

	it('takes false and null as answers: only undefined means "not yet"', async () => {
		await expect(pollUntil('false', () => false)).resolves.toBe(false);
		await expect(pollUntil('null', () => null)).resolves.toBeNull();
	});

	it('asks again every intervalMs until the check answers', async () => {
		const check = answersOnCall(4, 'ready');
		const started = Date.now();

		await expect(pollUntil('the fourth call', check, { intervalMs: 20 })).resolves.toBe('ready');

		expect(check).toHaveBeenCalledTimes(4);
		expect(Date.now() - started).toBeGreaterThanOrEqual(55);
	});

	it('awaits an async check', async () => {
		let calls = 0;
		const check = async () => {
			calls++;
			await new Promise((resolve) => setTimeout(resolve, 5));
			return calls === 3 ? { calls } : undefined;
		};

		await expect(pollUntil('the third call', check, { intervalMs: 1 })).resolves.toEqual({ calls: 3 });
	});

	it('throws an error naming what it waited for once timeoutMs has passed', async () => {
		const check = jest.fn(() => undefined);
		const started = Date.now();

		await expect(pollUntil('the moon to rise', check, { timeoutMs: 100, intervalMs: 10 })).rejects.toThrow(
			'Timed out after 0.1 s waiting for the moon to rise.',
		);

		expect(Date.now() - started).toBeGreaterThanOrEqual(100);
		expect(check.mock.calls.length).toBeGreaterThan(2);
	});

	it('throws the message onTimeout gives, awaited, in place of the default', async () => {
		const onTimeout = jest.fn(async () => await Promise.resolve('n8n was not ready. Log tail: …'));

		await expect(pollUntil('n8n', () => undefined, { timeoutMs: 20, intervalMs: 5, onTimeout })).rejects.toThrow(
			'n8n was not ready. Log tail: …',
		);
		expect(onTimeout).toHaveBeenCalledTimes(1);
	});

	it('does not call onTimeout when the check answers in time', async () => {
		const onTimeout = jest.fn(() => 'never');

		await expect(pollUntil('the second call', answersOnCall(2, true), { intervalMs: 5, onTimeout })).resolves.toBe(
			true,
		);
		expect(onTimeout).not.toHaveBeenCalled();
	});

	it('lets an error thrown by the check through at once, not as a timeout', async () => {
		const check = jest.fn(async () => await Promise.reject(new Error('n8n exited during start-up (1).')));
		const started = Date.now();

		await expect(pollUntil('n8n', check, { timeoutMs: 10_000 })).rejects.toThrow('n8n exited during start-up (1).');

		expect(check).toHaveBeenCalledTimes(1);
		expect(Date.now() - started).toBeLessThan(500);
	});

	it('checks once when timeoutMs is 0, then gives up without sleeping', async () => {
		const check = jest.fn(() => undefined);
		const started = Date.now();

		await expect(pollUntil('anything', check, { timeoutMs: 0, intervalMs: 1000 })).rejects.toThrow(
			'Timed out after 0 s waiting for anything.',
		);

		expect(check).toHaveBeenCalledTimes(1);
		expect(Date.now() - started).toBeLessThan(500);
	});
});
