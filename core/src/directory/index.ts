export * from './actor.js';
export * from './permissions.js';
export * from './directory-collections.js';
export * from './directory-audit.js';
export * from './directory.js';
export * from './login-service.js';
export * from './demo-seed.js';
