/**
 * The low-level PDF engine: object model, parser, reader of every revision, incremental writer.
 * It knows nothing of signing; `pades/` and `verify/` build on it.
 */
export * from './objects.js';
export * from './lexer.js';
export * from './serialize.js';
export * from './filters.js';
export * from './reader.js';
export * from './writer.js';
export * from './equals.js';
export * from './document-builder.js';
