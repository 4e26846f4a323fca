/** Test doubles of the HR connector: a fake Lark CoreHR on 127.0.0.1 for the real SDK. */
export * from './fake-corehr.js';
