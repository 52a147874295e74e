/**
 * Fault injection: prompt tokens (`[[429]]`, `[[fail]]`, …) act on one request, option rules (`fetchFaults`, …)
 * on every Nth request of an endpoint. Both end up as a FaultRule or a task outcome.
 */
import { TASK_OUTCOMES, type FaultRule, type TaskFaultRule, type TaskOutcome } from './options';

export interface PromptFaults {
	/** How the submit request itself is answered. */
	submit?: FaultRule;
	/** How the created task ends. */
	outcome?: TaskOutcome;
	/** `[[redirect]]`: the submit is answered 307 to another origin, as a hostile proxy or a moved host would. */
	redirect?: boolean;
	/** `[[huge-image]]`: the task's image is served chunked (no Content-Length) and larger than any sane limit. */
	hugeImage?: boolean;
}

/** Larger than the node's default 50 MB limit; sent without Content-Length, so only counting while reading stops it. */
export const HUGE_IMAGE_BYTES = 60 * 1024 * 1024;

/**
 * Where `[[redirect]]` sends a request: the same simulator under another origin (localhost ↔ 127.0.0.1), so the
 * inspection record shows whether anything, the API key above all, followed the redirect to `/redirected/…`.
 */
export function redirectLocation(hostHeader: string | undefined, path: string): string {
	const host = hostHeader ?? '127.0.0.1';
	const port = /:(\d+)$/.exec(host)?.[1];
	const otherHost = host.startsWith('localhost') ? '127.0.0.1' : 'localhost';
	return `http://${otherHost}${port ? `:${port}` : ''}/redirected${path}`;
}

const TOKEN = /\[\[([a-z0-9:-]+)\]\]/gi;
const OUTCOMES: readonly string[] = TASK_OUTCOMES;

/** Reads every `[[token]]` in a prompt; unknown tokens are left alone (they stay part of the prompt). */
export function parsePromptFaults(prompt: string): PromptFaults {
	const faults: PromptFaults = {};
	const submit: FaultRule = {};
	for (const [, raw] of prompt.matchAll(TOKEN)) {
		const token = raw.toLowerCase();
		const status = /^([45]\d\d)(-html)?$/.exec(token);
		const slow = /^slow:(\d+)$/.exec(token);
		if (OUTCOMES.includes(token)) faults.outcome = token as TaskOutcome;
		else if (status) Object.assign(submit, { status: Number(status[1]), html: status[2] !== undefined });
		else if (slow) submit.slowMs = Number(slow[1]);
		else if (token === 'drop') submit.drop = true;
		else if (token === 'redirect') faults.redirect = true;
		else if (token === 'huge-image') faults.hugeImage = true;
	}
	if (Object.keys(submit).length > 0) faults.submit = submit;
	return faults;
}

/** Counts what a rule sees and says when it acts (`every`, `times`); a replaced rule starts counting afresh. */
export class FaultGates {
	private readonly counters = new WeakMap<object, { seen: number; fired: number }>();

	fires(rule: FaultRule | TaskFaultRule | null | undefined): boolean {
		if (!rule) return false;
		const counter = this.counters.get(rule) ?? { seen: 0, fired: 0 };
		this.counters.set(rule, counter);
		counter.seen++;
		if (rule.times !== undefined && counter.fired >= rule.times) return false;
		if (counter.seen % (rule.every ?? 1) !== 0) return false;
		counter.fired++;
		return true;
	}
}

export interface ErrorAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/** Bodies LinkrAPI documents (or plausibly sends) for each status. */
const DETAILS: Record<number, string> = {
	400: 'Bad request',
	401: 'Invalid or missing API key',
	403: 'Hold account is suspended',
	404: 'Not Found',
	429: 'Too many requests, slow down',
	500: 'Internal Server Error',
	502: 'Failed to connect to Discord. Check your Discord token.',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

const REASONS: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** The error a fault rule answers with: JSON `{"detail"}` or a proxy-style HTML page. */
export function errorAnswer(rule: FaultRule & { status: number }): ErrorAnswer {
	const headers: Record<string, string> = {};
	const retryAfter = rule.retryAfterSeconds ?? (rule.status === 429 ? 1 : undefined);
	if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
	if (rule.html) {
		const title = `${rule.status} ${REASONS[rule.status] ?? 'Error'}`;
		headers['content-type'] = 'text/html; charset=utf-8';
		const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
		return { status: rule.status, headers, body };
	}
	headers['content-type'] = 'application/json';
	return { status: rule.status, headers, body: JSON.stringify({ detail: DETAILS[rule.status] ?? 'Error' }) };
}

/** Describes a rule for the inspection record, e.g. `429`, `502-html`, `slow:2000`, `drop`. */
export function describeFault(rule: FaultRule): string {
	const parts: string[] = [];
	if (rule.slowMs) parts.push(`slow:${rule.slowMs}`);
	if (rule.drop) parts.push('drop');
	else if (rule.status) parts.push(rule.html ? `${rule.status}-html` : String(rule.status));
	return parts.join(' ');
}
