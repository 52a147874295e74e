import axios from 'axios';

import { parseCli, parseFaultSpec, runCli } from '../../simulator/cli';
import { DEFAULT_KEY } from '../../simulator';

describe('simulator CLI', () => {
	it('parses ports, repeated keys, timings, vocabulary and fault specs', () => {
		const options = parseCli([
			'--port',
			'4010',
			'--cdn-port',
			'4011',
			'--key',
			'lkr_a',
			'--key',
			'lkr_b',
			'--task-ms',
			'300',
			'--concurrency',
			'2',
			'--old-vocabulary',
			'--info-delay-ms',
			'0',
			'--webhook-retry-ms',
			'10,20',
			'--fetch-fault',
			'status=429,every=3,retry-after=2',
		]);
		expect(options).toEqual({
			port: 4010,
			cdnPort: 4011,
			host: '127.0.0.1',
			keys: ['lkr_a', 'lkr_b'],
			taskDurationMs: 300,
			concurrency: 2,
			vocabulary: 'old',
			infoDelayMs: 0,
			webhookRetryDelaysMs: [10, 20],
			fetchFaults: { status: 429, every: 3, retryAfterSeconds: 2 },
		});
	});

	it('defaults to port 4010 and a 2 s info delay', () => {
		expect(parseCli([])).toMatchObject({ port: 4010, infoDelayMs: 2000, vocabulary: 'new' });
	});

	it('reads drop, html, slow and times in fault specs and rejects unknown fields', () => {
		expect(parseFaultSpec('fetch-fault', 'drop,every=5')).toEqual({ drop: true, every: 5 });
		expect(parseFaultSpec('fetch-fault', 'status=502,html,slow=100,times=1')).toEqual({
			status: 502,
			html: true,
			slowMs: 100,
			times: 1,
		});
		expect(() => parseFaultSpec('fetch-fault', 'rate=0.5')).toThrow('unknown field "rate"');
	});

	it('prints the base URL and default key, serves requests, and stops on shutdown', async () => {
		const lines: string[] = [];
		const running = await runCli(['--port', '0', '--info-delay-ms', '0'], (line) => lines.push(line));
		expect(running).toBeDefined();
		const baseUrl = /Base URL:\s+(\S+)/.exec(lines.join('\n'))?.[1];
		expect(baseUrl).toBe(running!.sim.url);
		expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
		expect(lines.join('\n')).toContain(DEFAULT_KEY);

		const info = await axios.get(`${baseUrl}/info`, { headers: { Authorization: `Bearer ${DEFAULT_KEY}` } });
		expect(info.data.status).toBe('SUCCESS');

		await running!.shutdown('SIGTERM');
		expect(lines).toContain('SIGTERM received, stopping the simulator');
		await expect(axios.get(`${baseUrl}/info`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	});

	it('prints the usage for --help and starts nothing', async () => {
		const lines: string[] = [];
		expect(await runCli(['--help'], (line) => lines.push(line))).toBeUndefined();
		expect(lines[0]).toMatch(/^Usage: npm run simulator/);
	});
});
