/**
 * Harness for end-to-end runs against a real n8n: install it (cached), pack this package, start n8n with the package
 * installed as a community node, drive it over its REST API and webhooks, read executions back.
 * Used by test/e2e (jest), scripts/demo.ts and benchmarks.
 */
export * from './api-key';
export * from './capabilities';
export * from './execution';
export * from './install';
export * from './n8n';
export * from './pack';
export * from './poll-until';
export * from './processes';
export * from './workflow';
