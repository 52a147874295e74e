import nock from 'nock';
import { sleep } from 'n8n-workflow';

import { forgetJobDurations } from '../../nodes/LinkrApi/waiting';
import { VirtualClock } from './virtual-clock';

/**
 * Blocks real network access, replaces waiting by a virtual clock, forgets learned job times and cleans nock
 * after each test. The test file
 * must mock `sleep` itself (jest.mock is hoisted per file):
 * `jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn() }));`
 */
export function useVirtualClock(): VirtualClock {
	const clock = new VirtualClock();
	beforeAll(() => nock.disableNetConnect());
	beforeEach(() => {
		clock.install(sleep as jest.Mock);
		forgetJobDurations();
	});
	afterEach(() => {
		clock.uninstall();
		nock.cleanAll();
	});
	return clock;
}
