import { keyDestinationRefusal, requestAddress } from '../../../../nodes/shared/transport/key-destination';

describe('where a request goes, combined as axios combines baseURL and url', () => {
	it.each([
		[{ baseURL: 'https://a.test/api/v1', url: '/info' }, 'https://a.test/api/v1/info'],
		[{ baseURL: 'https://a.test/api/v1/', url: 'info' }, 'https://a.test/api/v1/info'],
		[{ baseURL: 'https://a.test/api/v1', url: 'http://b.test/x' }, 'http://b.test/x'],
		[{ baseURL: 'https://a.test/api/v1', url: '//b.test/x' }, '//b.test/x'],
		[{ baseURL: 'https://a.test/api/v1', url: '' }, 'https://a.test/api/v1'],
		[{ uri: 'http://c.test/y' }, 'http://c.test/y'],
	])('%p → %p', (target, address) => {
		expect(requestAddress(target)).toBe(address);
	});
});

describe('whether a request may carry the API key', () => {
	it.each([
		'https://linkrapi.com/api/v1/info',
		'http://127.0.0.1:4010/api/v1/info',
		'http://localhost:4010/info',
		'http://[::1]:4010/info',
		' http://127.0.0.1:4010/info',
	])('%p may', (url) => {
		expect(keyDestinationRefusal({ url }, undefined)).toBeUndefined();
	});

	it.each([
		'http://linkrapi.com/api/v1/info',
		'http://10.0.0.1/info',
		'http://127.0.0.1.nip.io/info',
		'HTTP://linkrapi.com/info',
		'//linkrapi.com/info',
		'ftp://linkrapi.com/info',
		'not a url',
		'',
	])('%p may not', (url) => {
		expect(keyDestinationRefusal({ url }, undefined)).toEqual(expect.any(String));
	});

	it('names the Base URL when the request is built on it, without user info, query or fragment', () => {
		const message = keyDestinationRefusal(
			{ baseURL: 'http://user:secret@linkrapi.com/api/v1?x=1', url: '/info' },
			' http://user:secret@linkrapi.com/api/v1?x=1 ',
		);

		expect(message).toMatch(/^The Base URL http:\/\/linkrapi\.com\/api\/v1 uses plain http:\/\//);
		expect(message).not.toContain('secret');
	});

	it('names the address itself when the request is not built on the Base URL (e.g. an HTTP Request node)', () => {
		const message = keyDestinationRefusal({ url: 'http://other.example/x?token=1' }, 'https://linkrapi.com/api/v1');

		expect(message).toMatch(/^The address http:\/\/other\.example\/x uses plain http:\/\//);
	});
});
