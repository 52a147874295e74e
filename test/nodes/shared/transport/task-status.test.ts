import { isEnded, isFailure, taskStateOf } from '../../../../nodes/shared/transport/task-status';

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
