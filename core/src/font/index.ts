export * from './font-program.js';
export * from './font-subset.js';
