/**
 * Judges a URL's host by its text only: nodes may not resolve names (no `dns`), so a public-looking name that
 * resolves to a private address cannot be caught here (n8n 2.x's N8N_SSRF_PROTECTION_ENABLED does that).
 * The WHATWG URL parser has already normalised every IPv4 spelling (0x7f.1, 2130706433, 0177.0.0.1 → 127.0.0.1)
 * and compressed IPv6 (::ffff:127.0.0.1 → [::ffff:7f00:1]), so only canonical forms are checked.
 */
export type HostKind = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved' | 'local-name';

type Ipv4 = [number, number, number, number];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(host: string): Ipv4 | undefined {
	const match = IPV4.exec(host);
	if (!match) return undefined;
	const parts = match.slice(1).map(Number) as Ipv4;
	return parts.every((part) => part <= 255) ? parts : undefined;
}

function ipv4Kind([a, b, c]: Ipv4): HostKind {
	if (a === 127) return 'loopback';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
	if (a === 100 && b >= 64 && b <= 127) return 'private'; // carrier-grade NAT
	if (a === 169 && b === 254) return 'link-local'; // cloud metadata (169.254.169.254) lives here
	if (a === 0 || a >= 224) return 'reserved'; // "this network", multicast, reserved, broadcast
	if ((a === 192 && b === 0 && c === 0) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
	return 'public';
}

/** The eight 16-bit groups of a canonical IPv6 literal (without brackets), or undefined. */
function parseIpv6(host: string): number[] | undefined {
	if (!host.includes(':')) return undefined;
	const [head, tail, ...rest] = host.split('::');
	if (rest.length > 0) return undefined;
	const groups = (text: string | undefined) => (text ? text.split(':').map((group) => parseInt(group, 16)) : []);
	const left = groups(head);
	const right = groups(tail);
	const missing = 8 - left.length - right.length;
	if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
	const all = [...left, ...new Array<number>(tail === undefined ? 0 : missing).fill(0), ...right];
	return all.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? all : undefined;
}

function embeddedIpv4(high: number, low: number): Ipv4 {
	return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

/**
 * An IPv4 address reached through a translator or tunnel (NAT64, SIIT, 6to4, Teredo): private, link-local or
 * reserved stays so, and loopback becomes reserved — 127.x there is the relay's, never this machine.
 */
function tunnelledKind(ipv4: Ipv4): HostKind {
	const kind = ipv4Kind(ipv4);
	return kind === 'loopback' ? 'reserved' : kind;
}

/**
 * NAT64 local-use (64:ff9b:1::/48, RFC 8215): the operator picks the prefix length, so the IPv4 address sits at the
 * RFC 6052 position for /48, /56, /64 or /96 (bits 64–71 and the suffix after the address are zero). Every
 * position the literal fits is judged; public only if each of them is.
 */
function localNat64Kind(groups: number[]): HostKind {
	const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
	const zeroFrom = (start: number) => bytes.slice(start).every((byte) => byte === 0);
	const positions: Array<{ fits: boolean; ipv4: Ipv4 }> = [
		{ fits: bytes[8] === 0 && zeroFrom(11), ipv4: [bytes[6], bytes[7], bytes[9], bytes[10]] },
		{ fits: bytes[8] === 0 && zeroFrom(12), ipv4: [bytes[7], bytes[9], bytes[10], bytes[11]] },
		{ fits: bytes[8] === 0 && zeroFrom(13), ipv4: [bytes[9], bytes[10], bytes[11], bytes[12]] },
		{ fits: true, ipv4: [bytes[12], bytes[13], bytes[14], bytes[15]] },
	];
	const kinds = positions.filter((position) => position.fits).map((position) => tunnelledKind(position.ipv4));
	return kinds.find((kind) => kind !== 'public') ?? 'public';
}

function ipv6Kind(groups: number[]): HostKind {
	const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
	const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
	if (zeroUpTo(7) && g7 === 1) return 'loopback';
	if (zeroUpTo(8)) return 'reserved';
	// IPv4-mapped (::ffff:a.b.c.d) is the IPv4 address itself on a dual-stack socket
	if (zeroUpTo(5) && g5 === 0xffff) return ipv4Kind(embeddedIpv4(g6, g7));
	// IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) lead to an IPv4 host
	if (zeroUpTo(6) || (zeroUpTo(4) && g4 === 0xffff && g5 === 0)) return tunnelledKind(embeddedIpv4(g6, g7));
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
		return tunnelledKind(embeddedIpv4(g6, g7));
	}
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return localNat64Kind(groups);
	if (g0 === 0x2002) return tunnelledKind(embeddedIpv4(g1, g2)); // 6to4: the IPv4 address follows the prefix
	if (g0 === 0x2001 && g1 === 0) return tunnelledKind(embeddedIpv4(g6 ^ 0xffff, g7 ^ 0xffff)); // Teredo client
	if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
	if ((g0 & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
	if ((g0 & 0xff00) === 0xff00) return 'reserved'; // multicast
	return 'public';
}

/** Names that only resolve inside a machine or a private network, whatever DNS says. */
function nameKind(name: string): HostKind {
	if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
	if (!name.includes('.')) return 'local-name'; // a single label resolves only on a local network
	if (/\.(internal|local|localdomain|home\.arpa|intranet|lan)$/.test(name)) return 'local-name';
	return 'public';
}

/** What kind of address a URL hostname (as `new URL(...).hostname` gives it) names. */
export function hostKind(hostname: string): HostKind {
	const host = hostname
		.toLowerCase()
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '');
	const ipv4 = parseIpv4(host);
	if (ipv4) return ipv4Kind(ipv4);
	const ipv6 = parseIpv6(host);
	if (ipv6) return ipv6Kind(ipv6);
	return nameKind(host);
}

export function isLoopbackHost(hostname: string): boolean {
	return hostKind(hostname) === 'loopback';
}
