/**
 * The compatibility suite (`npm run test:compat`, driven by test/compat/run.sh): the e2e test files whose behaviour
 * depends on what n8n offers a community node — binary data, continue-on-fail items, production webhooks of a custom
 * trigger with static data, pausing an execution and resuming it through its signed resume URL, the node type
 * description and its AI-tool variant, and what n8n keeps of a batch when it is killed mid-wait (crash recovery,
 * Retry, the error workflow). The same files as `npm test` runs on the default n8n, run unchanged against
 * the n8n that `LINKRAPI_N8N_VERSION` names (the global setup passes it to real-n8n/install-n8n.sh).
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	displayName: 'compat',
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.tools.json' }] },
	testMatch: [
		'<rootDir>/test/e2e/imagine-upscale-download.test.ts',
		'<rootDir>/test/e2e/errors.test.ts',
		'<rootDir>/test/e2e/trigger.test.ts',
		'<rootDir>/test/e2e/pause.test.ts',
		'<rootDir>/test/e2e/node-types.test.ts',
		'<rootDir>/test/e2e/hold-pool.test.ts',
		'<rootDir>/test/e2e/hold-ledger.test.ts',
		'<rootDir>/test/e2e/restart.test.ts',
	],
	// dist/ holds a copy of package.json; keep jest's module map to the sources
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	testTimeout: 300_000,
};
