import { httpStatusError, networkError } from '../../../../nodes/shared/transport/api-errors';
import { redactSecrets } from '../../../../nodes/shared/transport/redact';
import { node } from '../../../helpers/execute-context';

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
