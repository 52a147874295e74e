import type { INodeProperties } from 'n8n-workflow';

import { waitingOptionsProperty } from '../../../../nodes/LinkrApi/actions/common.descriptions';
import { readTaskOptions } from '../../../../nodes/LinkrApi/actions/read-options';
import { MAX_REQUESTS_PER_SECOND, MIN_REQUESTS_PER_SECOND } from '../../../../nodes/shared/transport';
import { createExecuteContext } from '../../../helpers/execute-context';

function requestsPerSecondRead(value: unknown): number {
	const { context } = createExecuteContext({ params: { options: { maxRequestsPerSecond: value } } });
	return readTaskOptions.call(context, 0).requestsPerSecond;
}

describe('Max Requests per Second', () => {
	it('the field offers 0.1 to 20, from the constants the reader and the budget use', () => {
		const field = (waitingOptionsProperty.options as INodeProperties[]).find(
			(option) => option.name === 'maxRequestsPerSecond',
		);

		expect(field?.typeOptions).toMatchObject({ minValue: 0.1, maxValue: 20 });
		expect(field?.typeOptions?.minValue).toBe(MIN_REQUESTS_PER_SECOND);
		expect(field?.typeOptions?.maxValue).toBe(MAX_REQUESTS_PER_SECOND);
	});

	it.each([
		[1e12, 20],
		[21, 20],
		[0.001, 0.1],
		[7.5, 7.5],
		['12', 12],
		['many', 3],
		[0, 3],
		[undefined, 3],
	])('an expression giving %p is read as %p', (value, read) => {
		expect(requestsPerSecondRead(value)).toBe(read);
	});
});
