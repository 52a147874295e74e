import type { INodeProperties } from 'n8n-workflow';

import { waitingOptionsProperty } from '../../../../nodes/LinkrApi/actions/common.descriptions';
import { readTaskOptions } from '../../../../nodes/LinkrApi/actions/read-options';
import { REQUESTS_PER_SECOND } from '../../../../nodes/shared/transport';
import { MAX_WAIT_MIN, POLL_INTERVAL_S } from '../../../../nodes/LinkrApi/waiting';
import { createExecuteContext } from '../../../helpers/execute-context';

function requestsPerSecondRead(value: unknown): number {
	const { context } = createExecuteContext({ params: { options: { maxRequestsPerSecond: value } } });
	return readTaskOptions(context, 0).requestsPerSecond;
}

describe('Max Requests per Second', () => {
	it('the field offers 0.1 to 20, from the constants the reader and the budget use', () => {
		const field = (waitingOptionsProperty.options as INodeProperties[]).find(
			(option) => option.name === 'maxRequestsPerSecond',
		);

		expect(field?.typeOptions).toMatchObject({ minValue: 0.1, maxValue: 20 });
		expect(field?.typeOptions?.minValue).toBe(REQUESTS_PER_SECOND.min);
		expect(field?.typeOptions?.maxValue).toBe(REQUESTS_PER_SECOND.max);
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

function optionsRead(options: Record<string, unknown>) {
	const { context } = createExecuteContext({ params: { options } });
	return readTaskOptions(context, 0);
}

function fieldOf(name: string): INodeProperties | undefined {
	return (waitingOptionsProperty.options as INodeProperties[]).find((option) => option.name === name);
}

describe('Poll Interval, Max Wait and Max Image Size', () => {
	it('the fields offer the ranges and defaults the reader keeps to', () => {
		expect(fieldOf('pollInterval')).toMatchObject({ default: 5, typeOptions: { minValue: 2, maxValue: 300 } });
		expect(fieldOf('maxWait')).toMatchObject({ default: 15, typeOptions: { minValue: 0.05, maxValue: 60 } });
		expect(fieldOf('maxImageSizeMb')).toMatchObject({ default: 50, typeOptions: { minValue: 1, maxValue: 500 } });
		expect(fieldOf('pollInterval')?.typeOptions).toMatchObject({
			minValue: POLL_INTERVAL_S.min,
			maxValue: POLL_INTERVAL_S.max,
		});
		expect(fieldOf('maxWait')?.typeOptions).toMatchObject({ minValue: MAX_WAIT_MIN.min, maxValue: MAX_WAIT_MIN.max });
	});

	it.each([
		[1, 2_000],
		[1000, 300_000],
		[7, 7_000],
		['10', 10_000],
		['often', 5_000],
		[0, 5_000],
	])('a Poll Interval of %p is read as %p ms', (value, ms) => {
		expect(optionsRead({ pollInterval: value }).wait.pollIntervalMs).toBe(ms);
	});

	it.each([
		[0.01, 3_000],
		[120, 3_600_000],
		[2, 120_000],
		[undefined, 900_000],
		[-5, 900_000],
	])('a Max Wait of %p minutes is read as %p ms', (value, ms) => {
		expect(optionsRead({ maxWait: value }).wait.maxWaitMs).toBe(ms);
	});

	it.each([
		[0.5, 1],
		[10_000, 500],
		[20, 20],
		['big', 50],
	])('a Max Image Size of %p MB is read as %p MB', (value, mb) => {
		expect(optionsRead({ maxImageSizeMb: value }).download.maxBytes).toBe(mb * 1024 * 1024);
	});
});
