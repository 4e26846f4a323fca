/**
 * @signet/core — the domain and the PDF/crypto engine. No framework, database, Lark, Office or
 * node:fs here: the outside is reached through the ports in `ports/`.
 */
export * from './errors.js';
export * from './ports/index.js';
