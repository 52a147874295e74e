import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INodeProperties } from 'n8n-workflow';

import { waitingOptionsProperty, waitModeProperty } from '../../../../nodes/LinkrApi/actions/common.descriptions';

const README = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');

describe('Poll Interval is described as what it is: the longest gap between checks', () => {
	const pollInterval = (waitingOptionsProperty.options as INodeProperties[]).find(
		(option) => option.name === 'pollInterval',
	);

	it('in the option', () => {
		expect(pollInterval?.description).toMatch(/^The longest time between two checks of a task that may be running\./);
		expect(pollInterval?.description).toContain('checks sooner when it expects the job to have ended');
		expect(pollInterval?.description).not.toMatch(/how often/i);
	});

	it('in the Poll Until Finished choice', () => {
		const poll = waitModeProperty('poll').options?.find((option) => 'value' in option && option.value === 'poll');
		expect((poll as { description?: string } | undefined)?.description).toContain(
			'at least every Poll Interval while it may run',
		);
	});

	it('in the README’s option list', () => {
		expect(README).toContain('Poll Interval (default 5 s, at least 2: the longest gap between two checks');
	});
});
