/**
 * The API server: routing under `/api/v1`, recording, option fault rules, bearer auth, the key's own (hold) fault
 * rules, then the endpoints.
 * Requests under `/__sim/` go to the control routes (no key needed, not recorded).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { INVALID_KEY_DETAIL } from './contract';
import { action, fetchTask, imagine, type ApiContext } from './endpoints';
import { accountInfo } from './account-info';
import { Exchange } from './exchange';
import { acceptedKeys, holdOf, type Hold } from './holds';
import { decodeBody, readBody, sendJson } from './http';
import type { Recorder } from './inspection';
import type { FaultRule, RuntimeConfig } from './options';

export const API_BASE = '/api/v1';
export const CONTROL_BASE = '/__sim/';

export interface ServerDeps extends ApiContext {
	recorder: Recorder;
	control: (request: IncomingMessage, response: ServerResponse, path: string) => Promise<void>;
}

interface Route {
	/** Key of `Inspection.counts`. */
	name: string;
	method: string;
	faults: (config: RuntimeConfig) => FaultRule | null;
	/** The same kind of rule set for one hold: it acts after authentication, on that key's requests only. */
	holdFaults: (hold: Hold) => FaultRule | null;
	handle: (deps: ServerDeps, exchange: Exchange, param: string) => void | Promise<void>;
}

const ROUTES: Array<Route & { pattern: RegExp }> = [
	{
		name: 'POST /imagine',
		method: 'POST',
		pattern: /^\/imagine\/?$/,
		faults: (c) => c.submitFaults,
		holdFaults: (h) => h.submitFaults,
		handle: imagine,
	},
	{
		name: 'GET /fetch',
		method: 'GET',
		pattern: /^\/fetch\/([^/]+)\/?$/,
		faults: (c) => c.fetchFaults,
		holdFaults: (h) => h.fetchFaults,
		handle: (d, e, id) => fetchTask(d, e, id),
	},
	{
		name: 'POST /action',
		method: 'POST',
		pattern: /^\/action\/?$/,
		faults: (c) => c.submitFaults,
		holdFaults: (h) => h.submitFaults,
		handle: action,
	},
	{
		name: 'GET /info',
		method: 'GET',
		pattern: /^\/info\/?$/,
		faults: (c) => c.infoFaults,
		holdFaults: (h) => h.infoFaults,
		handle: info,
	},
];

async function info(deps: ServerDeps, exchange: Exchange): Promise<void> {
	await deps.waits.wait(deps.config().infoDelayMs);
	const key = exchange.key as string;
	exchange.json(200, accountInfo(deps.store, key, holdOf(deps.config(), key)));
}

function bearerKey(request: IncomingMessage): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
	return match ? match[1] : null;
}

/** A malformed escape is kept as sent (it then matches no task) instead of failing the request. */
function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

function match(method: string, path: string) {
	if (!path.startsWith(`${API_BASE}/`)) return { name: `${method} ${path}`, status: 404 as const };
	const rest = path.slice(API_BASE.length);
	const found = ROUTES.map((route) => ({ route, params: route.pattern.exec(rest) })).filter((r) => r.params);
	const exact = found.find((r) => r.route.method === method);
	if (exact) return { name: exact.route.name, route: exact.route, param: safeDecode(exact.params?.[1] ?? '') };
	if (found.length > 0) return { name: `${method} ${found[0].route.name.split(' ')[1]}`, status: 405 as const };
	return { name: `${method} ${rest}`, status: 404 as const };
}

async function handle(deps: ServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
	const method = request.method ?? 'GET';
	const path = new URL(request.url ?? '/', 'http://simulator').pathname;
	if (path.startsWith(CONTROL_BASE)) return deps.control(request, response, path.slice(CONTROL_BASE.length));

	const at = deps.clock();
	const key = bearerKey(request);
	const matched = match(method, path);
	deps.recorder.arrived(matched.name, key, at);
	const exchange = new Exchange(request, response, deps.recorder, matched.name, key, at);
	const raw = await readBody(request);
	if (raw === undefined) return exchange.detail(413, 'Request body too large');
	exchange.body = decodeBody(raw);
	if (!matched.route)
		return exchange.detail(matched.status, matched.status === 405 ? 'Method Not Allowed' : 'Not Found');

	// Option faults act like a proxy in front of the API: before authentication.
	const rule = matched.route.faults(deps.config());
	if (rule && deps.gates.fires(rule) && (await exchange.inject(rule, deps.waits))) return;
	if (key === null || !acceptedKeys(deps.config()).includes(key)) return exchange.detail(401, INVALID_KEY_DETAIL);
	// A hold's own faults (suspended: 403, Discord unreachable: 502, …) are LinkrAPI's answers for that key.
	const holdRule = matched.route.holdFaults(holdOf(deps.config(), key));
	if (holdRule && deps.gates.fires(holdRule) && (await exchange.inject(holdRule, deps.waits))) return;
	await matched.route.handle(deps, exchange, matched.param);
}

export function createApiServer(deps: ServerDeps): Server {
	return createServer((request, response) => {
		handle(deps, request, response).catch((error: Error) => {
			if (!response.headersSent && !response.destroyed)
				sendJson(response, 500, { detail: `Simulator error: ${error.message}` });
		});
	});
}
