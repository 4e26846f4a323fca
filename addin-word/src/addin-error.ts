/**
 * The add-in's one error class. It carries the server's `{ code, message }` shape unchanged, so a
 * server code (AUTH_REQUIRED, CSRF_TOKEN_INVALID, …) reaches the screens as it was sent, plus the
 * few codes that only the add-in can raise (Word, the network, the dialog). core's `SignetError`
 * is not part of core's browser-safe `contracts` subpath, so the add-in mirrors its shape.
 */
import type { ErrorCode } from '@signet/core/contracts';

/**
 * Codes only the add-in raises, each with when it is thrown and what the caller should do.
 */
export const ADDIN_ERROR_CODES = {
  /** Word rejected an Office.js call; the message names the call and Word's error. Retry, or reopen the document. */
  OFFICE_CALL_FAILED: 'An Office.js call failed',
  /** This Word lacks an API the action needs (e.g. WordApi 1.3, CompressedFile). Update Word or use Word on the web. */
  OFFICE_UNSUPPORTED: 'This version of Word lacks a needed API',
  /** The action needs selected text and nothing is selected. Select the text first. */
  OFFICE_SELECTION_EMPTY: 'Nothing is selected',
  /** The document could not be exported (a slice failed, or the sizes disagree). Save the document and retry. */
  OFFICE_EXPORT_FAILED: 'The document could not be exported',
  /** The user closed the dialog before it answered. Open it again to continue. */
  OFFICE_DIALOG_CLOSED: 'The dialog was closed',
  /** The dialog could not open or load (not https, another dialog open, page missing). Close other dialogs and retry. */
  OFFICE_DIALOG_FAILED: 'The dialog could not be opened',
  /** The server could not be reached. Check the server URL and the network, then retry. */
  NETWORK_UNREACHABLE: 'The server could not be reached',
  /** The server answered with something the add-in does not understand. Check that the URL is a Signet server of a matching version. */
  API_RESPONSE_INVALID: 'The server answered unexpectedly',
  /** The action needs a signed-in session. Connect to the server and log in. */
  NOT_CONNECTED: 'Not connected to a Signet server',
} as const;

/** A code only the add-in raises. */
export type AddinOnlyCode = keyof typeof ADDIN_ERROR_CODES;

/** Any code an {@link AddinError} may carry: the server's codes, the add-in's, or one a newer server added. */
export type AddinErrorCode = ErrorCode | AddinOnlyCode | (string & {});

/** Options of {@link AddinError}. */
export interface AddinErrorOptions {
  /** The HTTP status, for errors the server sent. */
  status?: number;
  /** Structured details (e.g. the Office error code, or the failing stage). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** An error with a stable string code and a message that says what to do (zh-CN first, then English). */
export class AddinError extends Error {
  override readonly name = 'AddinError';
  /** The stable code: branch on this, never on the message. */
  readonly code: AddinErrorCode;
  /** The HTTP status when the server sent the error. */
  readonly status?: number;
  /** Structured details. */
  readonly details?: Record<string, unknown>;

  constructor(code: AddinErrorCode, message: string, opts: AddinErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.details !== undefined) this.details = opts.details;
  }
}

/** True when `e` is an {@link AddinError}, optionally with one of the given codes. */
export function isAddinError(e: unknown, ...codes: AddinErrorCode[]): e is AddinError {
  return e instanceof AddinError && (codes.length === 0 || codes.includes(e.code));
}
