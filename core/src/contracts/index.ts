/**
 * Browser-safe contracts shared with the Word add-in and web pages: types only, no pdf-lib or forge.
 */
export type { ErrorCode } from '../errors.js';
