/**
 * The anchor of every row: a plain fixed-interval poller. It submits like the node (one request at a time, through a
 * budget per hold — the node's own request budget, same Max Requests per Second — stage after stage as n8n runs
 * nodes) and polls every task that
 * has not ended every Poll Interval from its acceptance — what a careful hand-written loop does. It learns nothing.
 */
import { takeRequestSlot } from '../nodes/shared/transport';
import type { Simulator } from '../simulator';
import type { Stage } from './scenarios';

const TERMINAL = new Set(['completed', 'failed', 'timeout']);

/** Max Requests per Second of each hold's budget */
const REQUESTS_PER_SECOND = new Map<string, number>();

interface Polled {
	taskId: string;
	dueAt: number;
	done: boolean;
}

/** One request through the hold's budget. */
async function call(sim: Simulator, key: string, method: 'GET' | 'POST', path: string, body?: unknown) {
	const release = await takeRequestSlot(`plain poller ${key}`, REQUESTS_PER_SECOND.get(key) ?? 3);
	const response = await fetch(`${sim.url}${path}`, {
		method,
		headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const json = (await response.json().finally(release)) as Record<string, unknown>;
	if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
	return json;
}

/** Submits one stage's inputs while polling what was accepted; resolves with the ended task ids, in input order. */
async function runStage(
	sim: Simulator,
	key: string,
	submits: Array<{ path: string; body: unknown }>,
	intervalMs: number,
): Promise<string[]> {
	const tasks: Polled[] = [];
	let submitting = true;
	let wake: () => void = () => undefined;
	const changed = () => wake();

	const submitter = (async () => {
		for (const submit of submits) {
			const accepted = await call(sim, key, 'POST', submit.path, submit.body);
			tasks.push({ taskId: accepted.task_id as string, dueAt: Date.now() + intervalMs, done: false });
			changed();
		}
		submitting = false;
		changed();
	})();

	for (;;) {
		const open = tasks.filter((task) => !task.done);
		if (open.length === 0 && !submitting) break;
		const next = open.reduce<Polled | undefined>((best, task) => (!best || task.dueAt < best.dueAt ? task : best), undefined);
		const wait = next ? next.dueAt - Date.now() : Infinity;
		if (!next || wait > 0) {
			await new Promise<void>((resolve) => {
				wake = resolve;
				if (Number.isFinite(wait)) setTimeout(resolve, wait);
			});
			continue;
		}
		const task = await call(sim, key, 'GET', `/fetch/${next.taskId}`);
		if (TERMINAL.has(task.status as string)) next.done = true;
		else next.dueAt = Date.now() + intervalMs;
	}
	await submitter;
	return tasks.map((task) => task.taskId);
}

/** Runs the stages one after another, as n8n runs the LinkrAPI nodes; returns the elapsed time. */
export async function runPlainPoller(
	sim: Simulator,
	holdKeys: string[],
	stages: Stage[],
	options: { size: number; intervalMs: number; requestsPerSecond: number },
): Promise<number> {
	for (const key of holdKeys) REQUESTS_PER_SECOND.set(key, options.requestsPerSecond);
	const started = Date.now();
	let previous: string[] = [];
	for (const stage of stages) {
		const submits =
			stage.operation === 'imagine'
				? Array.from({ length: options.size }, (_, index) => ({
						path: '/imagine',
						body: { prompt: `bench prompt ${index + 1} --ar 1:1` },
					}))
				: previous.map((taskId) => ({ path: '/action', body: { task_id: taskId, action: 'upsample1' } }));
		previous = await runStage(sim, holdKeys[stage.hold], submits, options.intervalMs);
	}
	return Date.now() - started;
}
