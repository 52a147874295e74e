/** A local LinkrAPI: start it from tests or `npm run simulator`, point the node's Base URL at `sim.url`. */
import { createCdnServer } from './cdn';
import { controlRoutes } from './control';
import { FaultGates } from './faults';
import { Waits, close, listen } from './http';
import { acceptedKeys, holdOf } from './holds';
import { Recorder, maskKey, type HoldActivity, type Inspection, type TaskRecord } from './inspection';
import { endAt } from './lifecycle';
import { applyPatch, initialConfig, parseConfigPatch, type RuntimeConfig, type SimulatorOptions } from './options';
import { API_BASE, createApiServer } from './server';
import { TaskStore, type SimTask } from './tasks';
import { WebhookSender } from './webhooks';

export { ACCOUNT_FAILURES, DEFAULT_KEY } from './options';
export type {
	AccountFailure,
	FaultRule,
	HoldMode,
	HoldPatch,
	HoldSettings,
	SimulatorOptions,
	TaskFaultRule,
	TaskOutcome,
	Vocabulary,
} from './options';
export type { CdnRequest, HoldActivity, Inspection, RecordedRequest, TaskRecord, WebhookDelivery } from './inspection';
export { MODE_SPEEDS, QUEUE_FULL_DETAIL } from './holds';
export { FAILURE_MESSAGES } from './task-view';
export { maskKey } from './inspection';

export interface Simulator {
	/** Base URL as a user configures it, e.g. `http://127.0.0.1:41234/api/v1`. */
	url: string;
	/** Origin of the image CDN, e.g. `http://127.0.0.1:41235`. */
	cdnUrl: string;
	port: number;
	cdnPort: number;
	/** Changes runtime options; throws on startup-only (`port`, `cdnPort`, `host`, `clock`) or invalid values. */
	configure(partial: Partial<SimulatorOptions>): void;
	inspect(): Inspection;
	/** Clears records, tasks, pending webhooks and fault counters. Options stay. */
	reset(): void;
	stop(): Promise<void>;
}

function taskRecord(task: SimTask, now: number, status: string): TaskRecord {
	const ended = endAt(task);
	const record: TaskRecord = {
		task_id: task.id,
		action: task.action,
		status,
		prompt: task.prompt,
		key: maskKey(task.key),
		createdAt: task.createdAt,
		runMs: task.durationMs,
	};
	if (task.startAt <= now) record.startedAt = task.startAt;
	if (ended <= now) {
		record.endedAt = ended;
		if (status === 'completed') record.completedAt = ended;
	}
	if (task.noticedAt !== undefined) record.noticedAt = task.noticedAt;
	if (task.webhookUrl) record.webhook_url = task.webhookUrl;
	if (task.parentId) record.parent_task_id = task.parentId;
	return record;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const host = options.host ?? '127.0.0.1';
	const clock = options.clock ?? Date.now;
	let config: RuntimeConfig = initialConfig(options);
	const currentConfig = () => config;

	let gates = new FaultGates();
	const waits = new Waits();
	const store = new TaskStore(clock);
	const recorder = new Recorder(() => acceptedKeys(config));
	const webhooks = new WebhookSender({
		clock,
		retryDelaysMs: () => config.webhookRetryDelaysMs,
		timeoutMs: () => config.webhookTimeoutMs,
		copies: () => config.webhookCopies,
		record: (delivery) => recorder.webhook(delivery),
	});

	let cdnUrl = '';
	const cdnServer = createCdnServer({
		clock,
		recorder,
		imageOf: (taskId) => {
			const task = store.find(taskId);
			return task && store.state(task, 'new').status === 'completed' ? task.image : undefined;
		},
	});

	const holdActivity = (key: string): HoldActivity => {
		const { mode, concurrency, queueLimit, speed } = holdOf(config, key);
		const counts = recorder.countsOf(maskKey(key));
		const { running, queued } = store.load(key);
		const peak = store.peakLoad(key);
		return {
			mode,
			concurrency,
			queueLimit,
			speed,
			requests: Object.values(counts).reduce((sum, count) => sum + count, 0),
			counts,
			tasks: store.all().filter((task) => task.key === key).length,
			running,
			queued,
			peakRunning: peak.running,
			peakQueued: peak.queued,
		};
	};
	const inspect = (): Inspection => {
		const now = clock();
		const all = store.all();
		const tasks = all.map((task) => taskRecord(task, now, store.state(task, config.vocabulary).status));
		const keys = new Set([...acceptedKeys(config), ...all.map((task) => task.key)]);
		const holds = Object.fromEntries([...keys].map((key) => [maskKey(key), holdActivity(key)]));
		return recorder.snapshot(tasks, holds);
	};
	const reset = () => {
		webhooks.cancelAll();
		store.clear();
		recorder.clear();
		gates = new FaultGates();
	};
	const configure = (partial: Partial<SimulatorOptions>) => {
		config = applyPatch(config, parseConfigPatch(partial));
	};

	const apiServer = createApiServer({
		config: currentConfig,
		clock,
		store,
		get gates() {
			return gates;
		},
		waits,
		webhooks,
		cdnUrl: () => cdnUrl,
		recorder,
		control: controlRoutes({ inspect, reset, configure, config: currentConfig }),
	});

	const cdnPort = await listen(cdnServer, options.cdnPort ?? 0, host);
	const port = await listen(apiServer, options.port ?? 0, host).catch(async (error: Error) => {
		await close(cdnServer);
		return Promise.reject(error);
	});
	const origin = (p: number) => `http://${host.includes(':') ? `[${host}]` : host}:${p}`;
	cdnUrl = origin(cdnPort);

	return {
		url: `${origin(port)}${API_BASE}`,
		cdnUrl,
		port,
		cdnPort,
		configure,
		inspect,
		reset,
		async stop() {
			webhooks.cancelAll();
			waits.cancelAll();
			await Promise.all([close(apiServer), close(cdnServer)]);
		},
	};
}
