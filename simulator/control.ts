/** `/__sim/…` routes: inspection, reset and runtime configuration over HTTP (no bearer key needed). */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { decodeBody, readBody, sendJson } from './http';
import { maskKey, type Inspection } from './inspection';
import type { RuntimeConfig, SimulatorOptions } from './options';

export interface ControlDeps {
	inspect: () => Inspection;
	reset: () => void;
	configure: (patch: Partial<SimulatorOptions>) => void;
	config: () => RuntimeConfig;
}

/** Records keyed by API key, keyed by the masked key instead. */
function maskedKeys<T>(record: Record<string, T>): Record<string, T> {
	return Object.fromEntries(Object.entries(record).map(([key, value]) => [maskKey(key), value]));
}

function publicConfig(config: RuntimeConfig) {
	return {
		...config,
		keys: config.keys.map(maskKey),
		keySpeeds: maskedKeys(config.keySpeeds),
		holds: maskedKeys(config.holds),
	};
}

export function controlRoutes(deps: ControlDeps) {
	return async (request: IncomingMessage, response: ServerResponse, route: string): Promise<void> => {
		const method = request.method ?? 'GET';
		const raw = await readBody(request);
		if (raw === undefined) return sendJson(response, 413, { detail: 'Request body too large' });
		const body = decodeBody(raw);

		if (method === 'GET' && route === 'health') return sendJson(response, 200, { ok: true });
		if (method === 'GET' && route === 'inspect') return sendJson(response, 200, deps.inspect());
		if (method === 'POST' && route === 'reset') {
			deps.reset();
			return sendJson(response, 200, { ok: true });
		}
		if (method === 'GET' && route === 'config') return sendJson(response, 200, publicConfig(deps.config()));
		if (method === 'POST' && route === 'config') {
			if (body === null || typeof body !== 'object' || Array.isArray(body)) {
				return sendJson(response, 400, { detail: 'Body must be a JSON object of simulator options' });
			}
			try {
				deps.configure(body as Partial<SimulatorOptions>);
			} catch (error) {
				return sendJson(response, 400, { detail: (error as Error).message });
			}
			return sendJson(response, 200, publicConfig(deps.config()));
		}
		sendJson(response, 404, { detail: `No simulator control route ${method} /__sim/${route}` });
	};
}
