/**
 * The queue-mode suite (`npm run test:scale`): one file that starts Redis, PostgreSQL, an n8n main, a webhook
 * process and two workers, and runs LinkrAPI workflows through them. Its own config because it needs its own
 * cluster, not the e2e project's single n8n, and is too slow for `npm test`.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	displayName: 'scale',
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.tools.json' }] },
	testMatch: ['<rootDir>/test/scale/**/*.test.ts'],
	// dist/ holds a copy of package.json; keep jest's module map to the sources
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
	testTimeout: 300_000,
	// One cluster, one file: run in band so the measurements are not disturbed by a second jest worker.
	maxWorkers: 1,
};
