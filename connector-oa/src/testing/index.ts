/** Test doubles of the OA connector: a fake Lark/Feishu open platform and an in-memory job queue. */
export * from './fake-lark.js';
export * from './memory-job-queue.js';
