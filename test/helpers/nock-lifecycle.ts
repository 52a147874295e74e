import nock from 'nock';

// Jest gives each test file a fresh nock, but Node's http module is shared by the worker:
// without restore, the interceptors of an earlier file stay active and swallow later requests.
afterAll(() => {
	nock.cleanAll();
	nock.restore();
	nock.enableNetConnect();
});
