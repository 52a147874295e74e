import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isLoopbackHost } from '../host-address';

export const DEFAULT_BASE_URL = 'https://linkrapi.com/api/v1';

export function normaliseBaseUrl(baseUrl: string | undefined): string {
	return (baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** True when the Base URL names this machine (the local simulator): plain http and private image hosts are fine then. */
export function isLoopbackBaseUrl(baseUrl: string | undefined): boolean {
	try {
		return isLoopbackHost(new URL(normaliseBaseUrl(baseUrl)).hostname);
	} catch {
		return false;
	}
}

/**
 * The Base URL every request carrying the key goes to. Plain http would show the key to anyone on the network path,
 * so it is allowed only for loopback addresses (the simulator, a local proxy).
 */
export function checkedBaseUrl(node: INode, baseUrl: string | undefined, itemIndex: number): string {
	const normalised = normaliseBaseUrl(baseUrl);
	let url: URL | undefined;
	try {
		url = new URL(normalised);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new NodeOperationError(node, 'The Base URL in the LinkrAPI credential is not an https:// URL', {
			itemIndex,
			description: `Enter the API address, e.g. ${DEFAULT_BASE_URL}.`,
		});
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new NodeOperationError(node, 'The Base URL must use https:// unless it points to this machine', {
			itemIndex,
			description: `Every request carries the API key, which plain http:// would show to anyone on the way to ${url.host}. Use https:// (default ${DEFAULT_BASE_URL}); http:// is accepted only for localhost / 127.0.0.1 / ::1, e.g. the local simulator.`,
		});
	}
	return normalised;
}
