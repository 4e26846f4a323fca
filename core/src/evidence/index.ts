/**
 * Evidence (DESIGN §3): the hash-chained audit log, identity masking, the evidence page
 * (签约存证页) and its platform signature, and the evidence package verifiable offline.
 */
export * from './audit-chain.js';
export * from './mask.js';
export * from './china-time.js';
export * from './evidence-input.js';
export * from './evidence-page.js';
export * from './sign-evidence-page.js';
export * from './safe-unzip.js';
export * from './evidence-package.js';
export * from './verify-evidence-package.js';
export * from './format-evidence-report.js';
