/**
 * n8n in queue mode for end-to-end runs: Redis + PostgreSQL from Debian's packages, one main, one webhook processor,
 * workers, all with this package installed. Used by test/scale and `tsx real-n8n/queue/up.ts`. See
 * real-n8n/queue/README.md.
 */
export * from './cluster';
export * from './n8n-process';
export * from './services';
export * from './state';
