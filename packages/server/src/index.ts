export * from './run-queue.js';
export * from './run-attempts.js';
export * from './pg-boss-run-queue.js';
export * from './in-process-run-queue.js';
export * from './template-folder.js';
export * from './run-worker.js';
export * from './api-tokens.js';
export * from './http-api.js';
