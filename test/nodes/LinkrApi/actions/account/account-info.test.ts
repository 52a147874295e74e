import { accountInfoToJson, durationToSeconds } from '../../../../../nodes/LinkrApi/actions/account/account-info';

describe('account info', () => {
	it.each([
		['2:45:30', 9930],
		['0:00:59', 59],
		['45:10', 2710],
		['120:00:00', 432000],
		['unlimited', null],
		['', null],
		[undefined, null],
	])('reads fast time remaining %s as %s seconds', (text, seconds) => {
		expect(durationToSeconds(text)).toBe(seconds);
	});

	it('parses counters with thousands separators and leaves unreadable ones null', () => {
		const json = accountInfoToJson({
			status: 'SUCCESS',
			data: { lifetime_usage: '1,234', fast_usage: 'n/a' },
		});
		expect(json.parsed).toMatchObject({
			lifetime_usage: 1234,
			fast_usage: null,
			running_jobs: null,
		});
		expect(json.data).toEqual({ lifetime_usage: '1,234', fast_usage: 'n/a' });
	});
});
