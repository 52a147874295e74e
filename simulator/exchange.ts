/** One API request and its answer; every answer goes through here so it is recorded exactly once. */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { errorAnswer, describeFault } from './faults';
import { sendJson, type Waits } from './http';
import { maskKey, type Recorder } from './inspection';
import type { FaultRule } from './options';

export class Exchange {
	body: unknown;
	private fault?: string;
	private answered = false;

	constructor(
		readonly request: IncomingMessage,
		private readonly response: ServerResponse,
		private readonly recorder: Recorder,
		readonly route: string,
		/** The bearer key as presented, valid or not. */
		readonly key: string | null,
		readonly at: number,
	) {}

	json(status: number, body: unknown, headers: Record<string, string> = {}): void {
		if (!this.claim(status)) return;
		sendJson(this.response, status, body, headers);
	}

	detail(status: number, detail: string): void {
		this.json(status, { detail });
	}

	/** Answers an error chosen by one of the simulator's own rules (not an injected fault), named in the record. */
	refuse(status: number, detail: string, reason: string, headers: Record<string, string> = {}): void {
		this.fault = [this.fault, reason].filter(Boolean).join(' ');
		this.json(status, { detail }, headers);
	}

	/**
	 * Applies a fault rule: waits for `slowMs`, then drops the connection or answers the error.
	 * Returns true when the request has been answered (the caller stops).
	 */
	async inject(rule: FaultRule, waits: Waits): Promise<boolean> {
		this.fault = [this.fault, describeFault(rule)].filter(Boolean).join(' ');
		if (rule.slowMs) await waits.wait(rule.slowMs);
		if (rule.drop) {
			if (this.claim(0)) this.request.socket.destroy();
			return true;
		}
		if (rule.status === undefined) return false;
		const answer = errorAnswer({ ...rule, status: rule.status });
		if (!this.claim(answer.status)) return true;
		this.response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
		this.response.end(answer.body);
		return true;
	}

	private claim(status: number): boolean {
		if (this.answered || this.response.destroyed) return false;
		this.answered = true;
		this.recorder.answered({
			method: this.request.method ?? '',
			path: this.request.url ?? '',
			body: this.body,
			headers: this.recorder.maskHeaders(this.request.headers),
			at: this.at,
			status,
			key: this.key === null ? null : maskKey(this.key),
			route: this.route,
			...(this.fault ? { fault: this.fault } : {}),
		});
		return true;
	}
}
