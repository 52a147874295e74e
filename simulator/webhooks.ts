/**
 * `webhook_url` callbacks: one POST of the fetch-shaped task when it reaches a terminal status (or `webhookCopies`
 * POSTs at once, as a sender that delivers twice), each retried after each delay in `webhookRetryDelaysMs` on a
 * non-2xx answer or a network error. Every attempt is recorded.
 */
import http from 'node:http';
import https from 'node:https';

import type { Task } from './contract';
import type { WebhookDelivery } from './inspection';

export interface WebhookDeps {
	clock: () => number;
	retryDelaysMs: () => number[];
	timeoutMs: () => number;
	copies: () => number;
	record: (delivery: WebhookDelivery) => void;
}

/** Re-check a little later when a timer fires early against the (possibly manual) clock. */
const RECHECK_MS = 20;
/** Longest single wait, so a manual clock moved ahead by a test is noticed soon. */
const MAX_WAIT_MS = 100;
const USER_AGENT = 'LinkrAPI-Simulator-Webhook/1.0';

export interface WebhookJob {
	url: string;
	taskId: string;
	/** When the task is due to end (Infinity: never). */
	endsAt: number;
	/** The task as fetch would show it now, and whether that is terminal. */
	view: () => { task: Task; terminal: boolean };
}

export class WebhookSender {
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly requests = new Set<http.ClientRequest>();
	private generation = 0;

	constructor(private readonly deps: WebhookDeps) {}

	watch(job: WebhookJob): void {
		if (job.endsAt === Infinity) return;
		this.later(Math.min(MAX_WAIT_MS, Math.max(0, job.endsAt - this.deps.clock())), () => {
			const { task, terminal } = job.view();
			if (terminal) for (let copy = 1; copy <= this.deps.copies(); copy++) this.attempt(job, task, 1, copy);
			else this.watch({ ...job, endsAt: Math.max(job.endsAt, this.deps.clock() + RECHECK_MS) });
		});
	}

	/** Forgets pending deliveries and aborts those in flight (stop, reset). */
	cancelAll(): void {
		this.generation++;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const request of this.requests) request.destroy();
		this.requests.clear();
	}

	private later(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}

	private attempt(job: WebhookJob, task: Task, attempt: number, copy: number): void {
		const generation = this.generation;
		const delivery: WebhookDelivery = {
			url: job.url,
			taskId: job.taskId,
			status: task.status,
			attempt,
			copy,
			at: this.deps.clock(),
		};
		void this.post(job.url, JSON.stringify(task)).then((result) => {
			if (generation !== this.generation) return; // cancelled by stop or reset
			this.deps.record({ ...delivery, ...result });
			const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
			const delays = this.deps.retryDelaysMs();
			if (!ok && attempt <= delays.length)
				this.later(delays[attempt - 1], () => this.attempt(job, task, attempt + 1, copy));
		});
	}

	private post(url: string, body: string): Promise<{ statusCode?: number; error?: string }> {
		return new Promise((resolve) => {
			let request: http.ClientRequest;
			try {
				const client = url.startsWith('https:') ? https : http;
				request = client.request(url, {
					method: 'POST',
					agent: false,
					timeout: this.deps.timeoutMs(),
					headers: {
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(body),
						'user-agent': USER_AGENT,
					},
				});
			} catch (error) {
				resolve({ error: (error as Error).message });
				return;
			}
			this.requests.add(request);
			const settle = (result: { statusCode?: number; error?: string }) => {
				this.requests.delete(request);
				resolve(result);
			};
			request.on('response', (response) => {
				response.resume();
				response.on('end', () => settle({ statusCode: response.statusCode }));
				response.on('error', (error) => settle({ statusCode: response.statusCode, error: error.message }));
			});
			request.on('timeout', () => request.destroy(new Error(`no answer within ${this.deps.timeoutMs()} ms`)));
			request.on('error', (error) => settle({ error: error.message }));
			request.end(body);
		});
	}
}
