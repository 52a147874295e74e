import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forLog } from '../for-log';
import { isLoopbackHost } from '../host-address';

/**
 * Where the API key may go: to the Base URL over https (plain http only to this machine), never through a redirect,
 * and never into a message or a log.
 */

const KEY_PATTERN = /lkr_[A-Za-z0-9]+/g;

/** Removes the API key (and anything shaped like a LinkrAPI key) from text that may reach the user or a log. */
export function redactSecrets(text: string, apiKey?: string): string {
	let redacted = text;
	if (apiKey && apiKey.length >= 4) redacted = redacted.split(apiKey).join('[redacted]');
	return redacted.replace(KEY_PATTERN, 'lkr_[redacted]');
}

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

interface RequestTarget {
	url?: string;
	/** The legacy request helper's name for `url` */
	uri?: string;
	baseURL?: string;
}

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** Where a request goes, with `baseURL` and `url` combined as axios (n8n's HTTP client) combines them. */
export function requestAddress(target: RequestTarget): string {
	const url = target.url ?? target.uri ?? '';
	if (ABSOLUTE_URL.test(url) || !target.baseURL) return url;
	return url ? `${target.baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : target.baseURL;
}

function parsed(address: string): URL | undefined {
	try {
		return new URL(address);
	} catch {
		return undefined;
	}
}

/** An address as it may be shown: without user name, password, query or fragment. */
function shown(url: URL): string {
	return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** Names the Base URL when the request is built on it (the credential test, the node), else the address itself. */
function named(address: string, url: URL | undefined, baseUrl: unknown): string {
	const base = normaliseBaseUrl(typeof baseUrl === 'string' ? baseUrl : undefined);
	if (address.startsWith(base)) {
		const baseParsed = parsed(base);
		return `The Base URL ${baseParsed ? shown(baseParsed) : forLog(base, 100)}`;
	}
	return `The address ${url ? shown(url) : forLog(address, 100)}`;
}

/**
 * Why a request must not carry the API key, or undefined when it may: https://, or plain http:// to this
 * machine. The message is all n8n's credential test shows, so it names the Base URL field and what to change.
 */
export function keyDestinationRefusal(request: RequestTarget, baseUrl: unknown): string | undefined {
	const address = requestAddress(request);
	const url = parsed(address);
	if (url?.protocol === 'https:') return undefined;
	if (url?.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
	const target = named(address, url, baseUrl);
	if (!url || url.protocol !== 'http:') {
		return `${target} is not an https:// URL, so the API key was not sent. Enter the API address in the Base URL field of the LinkrAPI credential, e.g. ${DEFAULT_BASE_URL}.`;
	}
	return (
		`${target} uses plain http://, which would show the API key to anyone on the way to ${url.host}, so nothing was sent. ` +
		`Change the Base URL field of the LinkrAPI credential to https:// (default ${DEFAULT_BASE_URL}); ` +
		'http:// is accepted only for this machine (localhost, 127.0.0.1, ::1), e.g. the local simulator.'
	);
}
