import nock from 'nock';
import { forgetOwners, holdLedger } from '../../nodes/shared/hold-ledger';

// Jest gives each test file a fresh nock, but Node's http module is shared by the worker:
// without restore, the interceptors of an earlier file stay active and swallow later requests.
afterAll(() => {
	nock.cleanAll();
	nock.restore();
	nock.enableNetConnect();
});

// The hold ledger is the process's: each test starts with no jobs in flight, no hold resting, no owner remembered.
beforeEach(() => {
	holdLedger.forget();
	forgetOwners();
});
