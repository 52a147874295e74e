/**
 * Task storage and Midjourney-like queueing: each key (hold) runs at most its `concurrency` tasks at once, first come
 * first served, and keeps at most its `queueLimit` waiting. A task's start time is fixed when it is created (every
 * earlier task's end is already known), so status is computed on each read from timestamps and no timers are needed.
 */
import { randomUUID } from 'node:crypto';

import type { ButtonSet } from './components';
import type { ImageSpec } from './images';
import { holdOf, type HoldConfig } from './holds';
import { endAt, stateAt, type Schedule, type TaskState } from './lifecycle';
import type { Vocabulary } from './options';
import { RunTimes, type RunTimeConfig } from './run-times';

/** Discord's epoch, for snowflake-shaped message ids. */
const DISCORD_EPOCH = 1420070400000n;

export interface SimTask extends Schedule {
	id: string;
	/** The full bearer key; never leaves the simulator (inspection masks it). */
	key: string;
	action: string;
	prompt: string;
	createdAt: number;
	/** Midjourney's job id inside the `custom_id`s. */
	jobId: string;
	messageId: string;
	buttons: ButtonSet;
	image: ImageSpec;
	webhookUrl?: string;
	parentId?: string;
	/** First time a fetch returned this task in a terminal status (how fast a client noticed). */
	noticedAt?: number;
}

export type NewTask = Pick<SimTask, 'key' | 'action' | 'prompt' | 'outcome' | 'buttons' | 'webhookUrl' | 'parentId'> & {
	/** Built from the new task's id (grids are seeded by their own task id). */
	image: (taskId: string) => ImageSpec;
};

export type SchedulingConfig = RunTimeConfig & HoldConfig;

export interface Load {
	running: number;
	queued: number;
}

export class TaskStore {
	private readonly tasks = new Map<string, SimTask>();
	private messageSequence = 0n;
	private readonly runTimes = new RunTimes(1);

	constructor(private readonly clock: () => number) {}

	create(input: NewTask, config: SchedulingConfig): SimTask {
		const { concurrency } = holdOf(config, input.key);
		const createdAt = this.clock();
		const id = randomUUID();
		const startAt = this.startTime(input.key, createdAt, concurrency);
		const { image, ...rest } = input;
		const task: SimTask = {
			...rest,
			id,
			createdAt,
			startAt,
			durationMs: this.runTimes.draw(config, input.action, input.key),
			jobId: randomUUID(),
			messageId: this.nextMessageId(createdAt),
			image: image(id),
		};
		this.tasks.set(id, task);
		return task;
	}

	/** A task of another key is reported as missing, as LinkrAPI does. */
	find(id: string, key?: string): SimTask | undefined {
		const task = this.tasks.get(id);
		return task && (key === undefined || task.key === key) ? task : undefined;
	}

	state(task: SimTask, vocabulary: Vocabulary): TaskState {
		return stateAt(task, this.clock(), vocabulary);
	}

	/**
	 * When a new task of the key would have to wait while its queue already holds `queueLimit` tasks: the moment a
	 * place frees (the next waiting task starts or, none waiting, a running one ends; Infinity if none ever does).
	 * Undefined when the key takes the task now.
	 */
	queueFullUntil(key: string, config: HoldConfig): number | undefined {
		const { concurrency, queueLimit } = holdOf(config, key);
		if (queueLimit === null) return undefined;
		const now = this.clock();
		const own = this.all().filter((task) => task.key === key);
		const waiting = own.filter((task) => now < task.startAt);
		if (waiting.length < queueLimit || this.startTime(key, now, concurrency) <= now) return undefined;
		const frees = waiting.length > 0 ? waiting.map((task) => task.startAt) : own.map(endAt).filter((end) => end > now);
		return Math.min(Infinity, ...frees);
	}

	/** Running (started, not ended) and queued tasks of one key, now. */
	load(key: string): Load {
		const now = this.clock();
		let running = 0;
		let queued = 0;
		for (const task of this.tasks.values()) {
			if (task.key !== key) continue;
			if (now < task.startAt) queued++;
			else if (now < endAt(task)) running++;
		}
		return { running, queued };
	}

	/** The most tasks of one key running, and waiting, at any one moment so far (since the last reset). */
	peakLoad(key: string): Load {
		const now = this.clock();
		const changes = new Map<number, Load>();
		const change = (at: number, running: number, queued: number) => {
			if (at > now) return;
			const sum = changes.get(at) ?? { running: 0, queued: 0 };
			changes.set(at, { running: sum.running + running, queued: sum.queued + queued });
		};
		for (const task of this.tasks.values()) {
			if (task.key !== key) continue;
			change(task.createdAt, 0, 1);
			change(task.startAt, 1, -1);
			change(endAt(task), -1, 0);
		}
		// All changes of one moment count together: a slot freed and taken at the same instant is not two tasks at once.
		const current: Load = { running: 0, queued: 0 };
		const peak: Load = { running: 0, queued: 0 };
		for (const at of [...changes.keys()].sort((a, b) => a - b)) {
			const delta = changes.get(at) as Load;
			current.running += delta.running;
			current.queued += delta.queued;
			peak.running = Math.max(peak.running, current.running);
			peak.queued = Math.max(peak.queued, current.queued);
		}
		return peak;
	}

	all(): SimTask[] {
		return [...this.tasks.values()];
	}

	/** Forgets every task; run-time draws start again from the seed. */
	clear(): void {
		this.tasks.clear();
		this.runTimes.restart();
	}

	/**
	 * FIFO per key: not before any earlier task of the key started, and at the first moment (now or when an
	 * earlier task ends) fewer than `concurrency` of them are running.
	 */
	private startTime(key: string, createdAt: number, concurrency: number): number {
		const earlier = this.all().filter((task) => task.key === key);
		const notBefore = Math.max(createdAt, ...earlier.map((task) => task.startAt));
		const candidates = [notBefore, ...earlier.map(endAt).filter((end) => end > notBefore && end < Infinity)].sort(
			(a, b) => a - b,
		);
		const runningAt = (t: number) => earlier.filter((task) => task.startAt <= t && t < endAt(task)).length;
		return candidates.find((t) => runningAt(t) < concurrency) ?? Infinity;
	}

	private nextMessageId(at: number): string {
		this.messageSequence = (this.messageSequence + 1n) % 4096n;
		return (((BigInt(Math.floor(at)) - DISCORD_EPOCH) << 22n) | this.messageSequence).toString();
	}
}
