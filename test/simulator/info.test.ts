import { INFO_FIELDS, InfoResponse } from '../../simulator/contract';
import { imagine, useSimulator } from '../helpers/simulator';

describe('GET /v1/info (manual clock)', () => {
	const h = useSimulator();

	it('answers SUCCESS with every documented field, all strings', async () => {
		const response = await h.api.get('/info');
		expect(response.status).toBe(200);
		const info = InfoResponse.parse(response.data);
		expect(info.status).toBe('SUCCESS');
		expect(Object.keys(info.data).sort()).toEqual([...INFO_FIELDS].sort());
		expect(info.data).toMatchObject({
			subscription: 'Standard',
			job_mode: 'fast',
			visibility_mode: 'public',
		});
		expect(info.data.user_id).toMatch(/^\d{18}$/);
		expect(info.data.fast_time_remaining).toMatch(/^\d+:\d\d:\d\d$/);
	});

	it('reflects the running jobs of the key and counts usage', async () => {
		const before = (await h.api.get('/info')).data.data;
		await imagine(h.api, 'a moth');
		await imagine(h.api, 'a moth');
		const during = (await h.api.get('/info')).data.data;
		expect(during.running_jobs).toBe('2');
		expect(Number(during.lifetime_usage)).toBe(Number(before.lifetime_usage) + 2);
		h.clock!.advance(1000);
		expect((await h.api.get('/info')).data.data.running_jobs).toBe('0');
	});
});

describe('GET /v1/info delay (real time)', () => {
	const h = useSimulator({ infoDelayMs: 300 }, false);

	it('answers after infoDelayMs, like the real Discord round trip', async () => {
		const started = Date.now();
		expect((await h.api.get('/info')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});
});
