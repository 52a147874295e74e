import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the simulator's API that can hold chosen answers back: the request reaches
 * the simulator at once (so the answer reflects that moment), but the client gets it only when the test releases
 * it. Tests use it to stretch the moment between the node's last check and n8n saving the execution as waiting, so
 * a callback deterministically lands in it (a slow network between n8n and LinkrAPI would do the same).
 */
export interface HeldAnswer {
	method: string;
	path: string;
	/** When the simulator answered, ms since epoch. */
	answeredAt: number;
	status: number;
	/** The simulator's answer, as JSON when it is JSON. */
	body: unknown;
	/** Sends the held answer to the client. */
	release(): void;
}

export interface HoldingProxy {
	/** Base URL to put in a credential, e.g. `http://127.0.0.1:41000/api/v1`. */
	url: string;
	/** Answers held so far (released or not), in the order the simulator gave them. */
	held: HeldAnswer[];
	/** Resolves with the next held answer (or one already held and not yet taken). */
	nextHeld(timeoutMs?: number): Promise<HeldAnswer>;
	stop(): Promise<void>;
}

export interface HoldingProxyOptions {
	/** The simulator's Base URL (`sim.url`). */
	target: string;
	/** Which requests to hold; called once per request, in arrival order. */
	hold: (request: { method: string; path: string }) => boolean;
}

async function readBody(stream: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startHoldingProxy(options: HoldingProxyOptions): Promise<HoldingProxy> {
	const target = new URL(options.target);
	const held: HeldAnswer[] = [];
	const waiters: Array<(answer: HeldAnswer) => void> = [];
	let taken = 0;
	const pending = new Set<HeldAnswer>();

	const server = http.createServer((request, response) => {
		void (async () => {
			const method = request.method ?? 'GET';
			const path = request.url ?? '/';
			const shouldHold = options.hold({ method, path });
			const body = await readBody(request);
			// Only what the API reads; hop-by-hop headers (connection, content-length, …) are fetch's business.
			const headers: Record<string, string> = {};
			for (const name of ['authorization', 'content-type', 'accept', 'user-agent']) {
				const value = request.headers[name];
				if (typeof value === 'string') headers[name] = value;
			}
			const upstream = await fetch(new URL(path, target.origin), {
				method,
				headers,
				body: body.length > 0 ? body : undefined,
			});
			const payload = Buffer.from(await upstream.arrayBuffer());
			const answeredAt = Date.now();
			const send = () => {
				response.writeHead(upstream.status, {
					'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
					'content-length': payload.length,
				});
				response.end(payload);
			};
			if (!shouldHold) {
				send();
				return;
			}
			let text: unknown = payload.toString('utf8');
			try {
				text = JSON.parse(text as string);
			} catch {
				// keep the text
			}
			let released = false;
			const answer: HeldAnswer = {
				method,
				path,
				answeredAt,
				status: upstream.status,
				body: text,
				release: () => {
					if (released) return;
					released = true;
					pending.delete(answer);
					send();
				},
			};
			held.push(answer);
			pending.add(answer);
			const waiter = waiters.shift();
			if (waiter) {
				taken++;
				waiter(answer);
			}
		})().catch((error: Error) => {
			response.writeHead(502, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ detail: `holding proxy: ${error.message}` }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
		held,
		async nextHeld(timeoutMs = 30_000) {
			if (taken < held.length) return held[taken++];
			return await new Promise<HeldAnswer>((resolve, reject) => {
				const waiter = (answer: HeldAnswer) => {
					clearTimeout(timer);
					resolve(answer);
				};
				const timer = setTimeout(() => {
					waiters.splice(waiters.indexOf(waiter), 1);
					reject(new Error(`No request was held within ${timeoutMs / 1000} s.`));
				}, timeoutMs);
				waiters.push(waiter);
			});
		},
		async stop() {
			for (const answer of [...pending]) answer.release();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
