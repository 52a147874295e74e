import axios, { type AxiosInstance } from 'axios';

import type { PollOptions } from '../../real-n8n/harness';
import { DEFAULT_KEY, startSimulator, type Simulator, type SimulatorOptions } from '../../simulator';

/** A second valid key, built like DEFAULT_KEY (`lkr_` + 32 hex). */
export const OTHER_KEY = `lkr_${'1'.repeat(28)}beef`;

/** A clock the test moves by hand, so task status is exact at every step. */
export class ManualClock {
	now = Date.UTC(2025, 1, 26, 10, 30, 0);
	readonly read = () => this.now;

	advance(ms: number): void {
		this.now += ms;
	}
}

/** An axios client for one key that never throws on HTTP status. */
export function apiClient(sim: Simulator, key: string | null = DEFAULT_KEY): AxiosInstance {
	return axios.create({
		baseURL: sim.url,
		headers: key === null ? {} : { Authorization: `Bearer ${key}` },
		validateStatus: () => true,
	});
}

export interface Harness {
	sim: Simulator;
	api: AxiosInstance;
	clock?: ManualClock;
}

/** Starts a simulator before each test of the file and stops it after. Fields are filled in beforeEach. */
export function useSimulator(options: SimulatorOptions = {}, manualClock = true): Harness {
	const harness = {} as Harness;
	beforeEach(async () => {
		harness.clock = manualClock ? new ManualClock() : undefined;
		harness.sim = await startSimulator({
			taskDurationMs: 1000,
			keys: [DEFAULT_KEY, OTHER_KEY],
			...(harness.clock ? { clock: harness.clock.read } : {}),
			...options,
		});
		harness.api = apiClient(harness.sim);
	});
	afterEach(async () => {
		await harness.sim.stop();
	});
	return harness;
}

export async function imagine(
	api: AxiosInstance,
	prompt: string,
	extra: Record<string, unknown> = {},
): Promise<string> {
	const response = await api.post('/imagine', { prompt, ...extra });
	if (response.status !== 200) throw new Error(`imagine answered ${response.status}: ${JSON.stringify(response.data)}`);
	return (response.data as { task_id: string }).task_id;
}

export async function fetchTask(api: AxiosInstance, taskId: string): Promise<Record<string, unknown>> {
	const response = await api.get(`/fetch/${taskId}`);
	if (response.status !== 200) throw new Error(`fetch answered ${response.status}: ${JSON.stringify(response.data)}`);
	return response.data as Record<string, unknown>;
}

export async function action(api: AxiosInstance, taskId: string, name: string) {
	return api.post('/action', { task_id: taskId, action: name });
}

/** pollUntil's options for the simulator, whose delays are tens of milliseconds: look often, give up after 5 s. */
export const SIMULATOR_POLL: PollOptions = { timeoutMs: 5000, intervalMs: 10 };

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
export function pngDimensions(png: Buffer): { width: number; height: number } {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (!png.subarray(0, 8).equals(signature)) throw new Error('not a PNG: bad signature');
	if (png.toString('ascii', 12, 16) !== 'IHDR') throw new Error('not a PNG: first chunk is not IHDR');
	return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export async function download(url: string, headers: Record<string, string> = {}) {
	return axios.get<ArrayBuffer>(url, {
		responseType: 'arraybuffer',
		headers,
		validateStatus: () => true,
	});
}
