/**
 * What the simulator saw: API requests, CDN requests, webhook deliveries, and request rates per key.
 * Secrets are masked on the way in (`Bearer lkr_…abcd`), so no record ever holds a full key.
 */

export interface RecordedRequest {
	method: string;
	/** As received, with query string. */
	path: string;
	/** Parsed JSON, or the raw text when it is not JSON; undefined without a body. */
	body: unknown;
	headers: Record<string, string>;
	/** Arrival time, ms since epoch. */
	at: number;
	/** HTTP status answered; 0 when the connection was dropped. */
	status: number;
	/** Masked bearer key, or null without one. */
	key: string | null;
	/** `POST /imagine`, `GET /fetch`, … (the `counts` key). */
	route: string;
	/** Injected fault that shaped the answer, if any. */
	fault?: string;
}

export interface CdnRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	at: number;
	status: number;
}

export interface WebhookDelivery {
	url: string;
	taskId: string;
	/** Task status sent. */
	status: string;
	/** 1 for the first try. */
	attempt: number;
	/** Which copy of the callback (1 unless `webhookCopies` sends several). */
	copy: number;
	at: number;
	statusCode?: number;
	error?: string;
}

export interface TaskRecord {
	task_id: string;
	action: string;
	status: string;
	prompt: string;
	key: string;
	createdAt: number;
	/** When the task left the queue (only once it has). */
	startedAt?: number;
	/** How long it runs (or ran) once it left the queue: drawn when it was created. */
	runMs: number;
	/** Exact time it became `completed` (only once it has). */
	completedAt?: number;
	/** Exact time it reached any terminal status. */
	endedAt?: number;
	/** First fetch that returned it terminal. */
	noticedAt?: number;
	webhook_url?: string;
	parent_task_id?: string;
}

/** One accepted key (a hold): its settings now, and what it did since the last reset. */
export interface HoldActivity {
	mode: string;
	concurrency: number;
	/** null: no limit. */
	queueLimit: number | null;
	speed: number;
	/** API requests that presented this key (any status). */
	requests: number;
	/** The same per route (`POST /imagine`, …). */
	counts: Record<string, number>;
	/** Tasks it created. */
	tasks: number;
	/** Tasks running and waiting now. */
	running: number;
	queued: number;
	/** The most tasks running, and waiting, at any one moment. */
	peakRunning: number;
	peakQueued: number;
}

export interface Inspection {
	requests: RecordedRequest[];
	counts: Record<string, number>;
	/** Masked key (or `(none)`) → most requests seen within any 1-second window. */
	peakRequestsPerSecond: Record<string, number>;
	cdnRequests: CdnRequest[];
	webhookDeliveries: WebhookDelivery[];
	tasks: TaskRecord[];
	/** Masked key → its hold's settings and activity: every accepted key, and any other key that created tasks. */
	holds: Record<string, HoldActivity>;
}

const NO_KEY = '(none)';
const WINDOW_MS = 1000;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key']);
const KEY_LIKE = /lkr_[A-Za-z0-9]{5,}/g;

/** `lkr_…abcd`; other secrets keep only their last 4 characters. */
export function maskKey(key: string): string {
	const tail = key.length > 8 ? key.slice(-4) : '';
	return key.startsWith('lkr_') ? `lkr_…${tail}` : `…${tail}`;
}

function maskHeaderValue(value: string): string {
	const [scheme, ...rest] = value.split(' ');
	return rest.length > 0 ? `${scheme} ${maskKey(rest.join(' '))}` : maskKey(value);
}

export class Recorder {
	private requests: RecordedRequest[] = [];
	private counts: Record<string, number> = {};
	private countsByKey: Record<string, Record<string, number>> = {};
	private peaks: Record<string, number> = {};
	private windows = new Map<string, number[]>();
	private cdnRequests: CdnRequest[] = [];
	private webhookDeliveries: WebhookDelivery[] = [];

	/** `secrets()` lists the configured keys, masked wherever they appear (path, body, any header). */
	constructor(private readonly secrets: () => string[]) {}

	/** Counts a request when it arrives; the peak rate is measured on arrivals. */
	arrived(route: string, key: string | null, at: number): void {
		this.counts[route] = (this.counts[route] ?? 0) + 1;
		const name = key === null ? NO_KEY : maskKey(key);
		const keyCounts = (this.countsByKey[name] ??= {});
		keyCounts[route] = (keyCounts[route] ?? 0) + 1;
		const window = (this.windows.get(name) ?? []).filter((t) => t > at - WINDOW_MS);
		window.push(at);
		this.windows.set(name, window);
		this.peaks[name] = Math.max(this.peaks[name] ?? 0, window.length);
	}

	answered(request: RecordedRequest): void {
		this.requests.push(this.redact(request));
	}

	cdn(request: CdnRequest): void {
		this.cdnRequests.push(this.redact(request));
	}

	webhook(delivery: WebhookDelivery): void {
		this.webhookDeliveries.push(this.redact(delivery));
	}

	maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
		const masked: Record<string, string> = {};
		for (const [name, value] of Object.entries(headers)) {
			if (value === undefined) continue;
			const text = Array.isArray(value) ? value.join(', ') : value;
			masked[name] = SECRET_HEADERS.has(name.toLowerCase()) ? maskHeaderValue(text) : text;
		}
		return masked;
	}

	/** Requests per route that presented this key, by its masked form. */
	countsOf(maskedKey: string): Record<string, number> {
		return { ...this.countsByKey[maskedKey] };
	}

	snapshot(tasks: TaskRecord[], holds: Record<string, HoldActivity>): Inspection {
		return structuredClone({
			requests: this.requests,
			counts: this.counts,
			peakRequestsPerSecond: this.peaks,
			cdnRequests: this.cdnRequests,
			webhookDeliveries: this.webhookDeliveries,
			tasks: tasks.map((task) => this.redact(task)),
			holds,
		});
	}

	clear(): void {
		this.requests = [];
		this.counts = {};
		this.countsByKey = {};
		this.peaks = {};
		this.windows.clear();
		this.cdnRequests = [];
		this.webhookDeliveries = [];
	}

	/** Masks configured keys and anything key-shaped inside every string of a record. */
	private redact<T>(value: T): T {
		const secrets = this.secrets().filter((secret) => secret.length > 0);
		const maskText = (text: string) =>
			secrets.reduce((result, secret) => result.split(secret).join(maskKey(secret)), text).replace(KEY_LIKE, maskKey);
		const walk = (item: unknown): unknown => {
			if (typeof item === 'string') return maskText(item);
			if (Array.isArray(item)) return item.map(walk);
			if (item && typeof item === 'object') {
				return Object.fromEntries(Object.entries(item).map(([name, inner]) => [name, walk(inner)]));
			}
			return item;
		};
		return walk(value) as T;
	}
}
