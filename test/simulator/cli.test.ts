import axios from 'axios';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseCli, parseFaultSpec, parseHoldSpec, runCli } from '../../simulator/cli';
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

	it('reads holds from repeated --hold flags and a JSON file, and a global --queue-limit', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'sim-holds-'));
		const file = path.join(dir, 'holds.json');
		writeFileSync(file, JSON.stringify({ lkr_a: { concurrency: 3 }, lkr_c: { mode: 'relax', concurrency: 3 } }));
		const options = parseCli([
			'--holds-file',
			file,
			'--hold',
			'lkr_b:concurrency=3,queue=5',
			'--hold',
			'lkr_c:speed=4,submit-fault=403,task-fault=fail:account-banned',
			'--queue-limit',
			'10',
		]);
		expect(options).toMatchObject({
			queueLimit: 10,
			holds: {
				lkr_a: { concurrency: 3 },
				lkr_b: { concurrency: 3, queueLimit: 5 },
				lkr_c: {
					mode: 'relax',
					concurrency: 3,
					speed: 4,
					submitFaults: { status: 403 },
					taskFaults: { outcome: 'fail:account-banned' },
				},
			},
		});
	});

	it('reads a bare key as a hold with default settings and rejects unknown or bad hold settings', () => {
		expect(parseHoldSpec('lkr_a')).toEqual(['lkr_a', {}]);
		expect(parseHoldSpec('lkr_a:mode=turbo,fetch-fault=502,info-fault=502')).toEqual([
			'lkr_a',
			{ mode: 'turbo', fetchFaults: { status: 502 }, infoFaults: { status: 502 } },
		]);
		expect(() => parseHoldSpec('lkr_a:slots=3')).toThrow('unknown setting "slots"');
		expect(() => parseHoldSpec('lkr_a:mode=slow')).toThrow('mode must be fast, relax or turbo');
		expect(() => parseHoldSpec('lkr_a:speed=0')).toThrow('speed must be a number > 0');
		expect(() => parseHoldSpec('lkr_a:task-fault=explode')).toThrow('task-fault must be one of');
		expect(() => parseHoldSpec(':concurrency=3')).toThrow('--hold needs a key first');
	});

	it('starts several holds from the command line and prints each with its settings', async () => {
		const lines: string[] = [];
		const fast = `lkr_${'a'.repeat(32)}`;
		const relax = `lkr_${'c'.repeat(32)}`;
		const running = await runCli(
			['--port', '0', '--info-delay-ms', '0', '--hold', `${fast}:concurrency=3`, '--hold', `${relax}:mode=relax`],
			(line) => lines.push(line),
		);
		try {
			const banner = lines.join('\n');
			expect(banner).toContain(`API key:    ${fast}, ${relax}`);
			expect(banner).toContain(`Hold:       ${relax}  relax ×3, 3 at once, no queue limit`);
			const info = await axios.get(`${running!.sim.url}/info`, { headers: { Authorization: `Bearer ${relax}` } });
			expect(info.data.data.job_mode).toBe('relax');
			const refused = await axios.get(`${running!.sim.url}/info`, {
				headers: { Authorization: `Bearer ${DEFAULT_KEY}` },
				validateStatus: () => true,
			});
			expect(refused.status).toBe(401);
		} finally {
			await running!.shutdown('SIGTERM');
		}
	});

	it('prints the usage for --help and starts nothing', async () => {
		const lines: string[] = [];
		expect(await runCli(['--help'], (line) => lines.push(line))).toBeUndefined();
		expect(lines[0]).toMatch(/^Usage: npm run simulator/);
	});
});
