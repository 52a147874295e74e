import { hostKind, isLoopbackHost } from '../../../nodes/shared/host-address';

/** What `new URL(...)` makes of a host, which is all the node ever judges. */
const kindOf = (url: string) => hostKind(new URL(url).hostname);

describe('hostKind judges the host of a URL literally, in every spelling the URL parser accepts', () => {
	it.each([
		['http://127.0.0.1/', 'loopback'],
		['http://127.1/', 'loopback'],
		['http://2130706433/', 'loopback'],
		['http://0x7f.0.0.1/', 'loopback'],
		['http://0177.0.0.1/', 'loopback'],
		['http://localhost/', 'loopback'],
		['http://LOCALHOST./', 'loopback'],
		['http://cdn.localhost/', 'loopback'],
		['http://[::1]/', 'loopback'],
		['http://[::ffff:127.0.0.1]/', 'loopback'],
		['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
		['http://169.254.169.254/latest/meta-data', 'link-local'],
		['http://0xa9fea9fe/', 'link-local'],
		['http://[::ffff:169.254.169.254]/', 'link-local'],
		['http://[64:ff9b::169.254.169.254]/', 'link-local'],
		['http://[fe80::1]/', 'link-local'],
		['http://10.1.2.3/', 'private'],
		['http://172.16.0.1/', 'private'],
		['http://172.31.255.255/', 'private'],
		['http://192.168.1.1/', 'private'],
		['http://100.64.0.1/', 'private'],
		['http://[fd00::1]/', 'private'],
		['http://[fc12::1]/', 'private'],
		['http://[::10.0.0.1]/', 'private'],
		['http://0.0.0.0/', 'reserved'],
		['http://[::]/', 'reserved'],
		['http://224.0.0.1/', 'reserved'],
		['http://255.255.255.255/', 'reserved'],
		['http://[ff02::1]/', 'reserved'],
		['http://198.18.0.1/', 'reserved'],
		['http://metadata/', 'local-name'],
		['http://metadata.google.internal/', 'local-name'],
		['http://printer.local/', 'local-name'],
		['http://cdn.discordapp.com/', 'public'],
		['http://172.32.0.1/', 'public'],
		['http://8.8.8.8/', 'public'],
		['http://[2606:4700::1111]/', 'public'],
		['http://[::ffff:8.8.8.8]/', 'public'],
	])('%s is %s', (url, kind) => {
		expect(kindOf(url)).toBe(kind);
	});

	it('loopback only for loopback', () => {
		expect(isLoopbackHost('127.0.0.1')).toBe(true);
		expect(isLoopbackHost('[::1]')).toBe(true);
		expect(isLoopbackHost('10.0.0.1')).toBe(false);
		expect(isLoopbackHost('linkrapi.com')).toBe(false);
	});

	it('a malformed bracketed literal is treated as a name, never as loopback', () => {
		expect(hostKind('[1:2:3]')).toBe('local-name');
		expect(hostKind('1::2::3')).toBe('local-name');
	});
});
