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

	it.each([
		['6to4 to 127.0.0.1', 'http://[2002:7f00:1::]/', 'reserved'],
		['6to4 to 10.0.0.1', 'http://[2002:a00:1::]/', 'private'],
		['6to4 to 169.254.169.254', 'http://[2002:a9fe:a9fe::1]/', 'link-local'],
		['6to4 to 8.8.8.8', 'http://[2002:808:808::]/', 'public'],
		['Teredo to client 127.0.0.1', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', 'reserved'],
		['Teredo to client 10.0.0.1', 'http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'private'],
		['Teredo to client 8.8.8.8', 'http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/', 'public'],
		['local-use NAT64 /96 to 10.0.0.1', 'http://[64:ff9b:1::10.0.0.1]/', 'private'],
		['local-use NAT64 /96 to 127.0.0.1', 'http://[64:ff9b:1::127.0.0.1]/', 'reserved'],
		['local-use NAT64 /48 to 10.0.0.1', 'http://[64:ff9b:1:a00:0:100::]/', 'private'],
		['local-use NAT64 /96 to 8.8.8.8', 'http://[64:ff9b:1::8.8.8.8]/', 'public'],
		['IPv4-translated 10.0.0.1', 'http://[::ffff:0:10.0.0.1]/', 'private'],
		['IPv4-translated 127.0.0.1', 'http://[::ffff:0:127.0.0.1]/', 'reserved'],
		['IPv4-translated 8.8.8.8', 'http://[::ffff:0:8.8.8.8]/', 'public'],
	])('an IPv6 form that leads to IPv4 is judged by that address: %s (%s) is %s', (_name, url, kind) => {
		expect(kindOf(url)).toBe(kind);
	});

	it.each(['http://[::127.0.0.1]/', 'http://[64:ff9b::127.0.0.1]/', 'http://[2002:7f00:1::]/'])(
		'%s reaches 127.0.0.1 through a translator or tunnel, so it is not this machine',
		(url) => {
			expect(isLoopbackHost(new URL(url).hostname)).toBe(false);
		},
	);
});
