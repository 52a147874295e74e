import { ManualExecutionCancelledError } from 'n8n-workflow';

import { cancellableSleep } from '../../../nodes/shared/cancellable-sleep';

describe('cancellable sleep', () => {
	it('waits the given time without a signal', async () => {
		const started = Date.now();
		await cancellableSleep(30);
		expect(Date.now() - started).toBeGreaterThanOrEqual(25);
	});

	it('rejects at once when the execution is already cancelled', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(cancellableSleep(10000, controller.signal)).rejects.toBeInstanceOf(ManualExecutionCancelledError);
	});

	it('rejects as soon as the execution is cancelled while waiting', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const waiting = cancellableSleep(200, controller.signal);
		setTimeout(() => controller.abort(), 20);
		await expect(waiting).rejects.toBeInstanceOf(ManualExecutionCancelledError);
		expect(Date.now() - started).toBeLessThan(150);
	});

	it('resolves when the signal is never used', async () => {
		await expect(cancellableSleep(5, new AbortController().signal)).resolves.toBeUndefined();
	});
});
