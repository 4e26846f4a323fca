/** @signet/server: the express app factory, storage adapters and the signet CLI. */
export { main } from './cli/main.js';
