/**
 * The one error class of Signet, with stable string codes.
 *
 * Outcomes (a signature that does not verify, a document modified after signing) are values, never
 * errors: see `verify/`. A SignetError means the request itself cannot be carried out.
 */

/**
 * Every error code, each with a one-line doc: when it is thrown, and what the caller should do.
 * The server maps each code to an HTTP status in one place (`server/src/http/error-status.ts`).
 */
export const ERROR_CODES = {
  // --- input documents (pdf/) ---
  /** The input is not a PDF (no `%PDF-` header). Upload a PDF file. */
  PDF_NOT_PDF: 'The input is not a PDF file',
  /** The PDF ends early (no `startxref`/`%%EOF`). Re-export or re-download the complete file. */
  PDF_TRUNCATED: 'The PDF is truncated',
  /** The PDF is encrypted. Remove the password (e.g. `qpdf --decrypt in.pdf out.pdf`) and retry. */
  PDF_ENCRYPTED: 'The PDF is encrypted',
  /** The cross-reference data is damaged. Repair the file (e.g. `qpdf in.pdf out.pdf`) and retry. */
  PDF_XREF_BROKEN: 'The PDF cross-reference table is damaged',
  /** An object the document needs is missing or malformed. Repair the file and retry. */
  PDF_MALFORMED: 'The PDF is malformed',
  /** The document exceeds a safety limit (objects, nesting, decompressed size). Simplify it. */
  PDF_LIMIT_EXCEEDED: 'The PDF exceeds a safety limit',
  /** A page number is outside the document. Use a page between 1 and the page count. */
  PDF_PAGE_OUT_OF_RANGE: 'The page does not exist',
  /** A rectangle lies (partly) outside the page. Give x,y,w,h inside the page's MediaBox. */
  PDF_RECT_OFF_PAGE: 'The rectangle is outside the page',
  /** A field name is already used in the document. Pick another field name. */
  PDF_FIELD_EXISTS: 'A field with this name already exists',

  // --- signing (pades/, cms/) ---
  /** The document is certified with DocMDP P=1 (no changes allowed). It cannot be signed again. */
  DOCMDP_LOCKED: 'The document is certified and locked against further signatures',
  /** Certification was requested but the document already carries a signature. Sign without certifying. */
  CERTIFY_NOT_FIRST: 'Only the first signature can certify a document',
  /** The PAdES level is unknown. Use B-B, B-T, B-LT or B-LTA. */
  LEVEL_UNKNOWN: 'Unknown PAdES level',
  /** The reserved /Contents space is too small for the CMS (should not happen; retried internally). */
  SIGNATURE_TOO_LARGE: 'The signature does not fit the reserved space',
  /** The key type is not supported. Use RSA 2048/3072 or ECDSA P-256. */
  KEY_UNSUPPORTED: 'Unsupported key type',

  // --- PKI and timestamps (pki/, tsa/) ---
  /** The certificate authority in the data directory is missing or damaged. Run `signet init`. */
  CA_NOT_INITIALISED: 'The certificate authority is not initialised',
  /** A certificate or key could not be parsed. Provide a PEM or DER X.509 certificate / PKCS#8 key. */
  CERT_INVALID: 'Invalid certificate',
  /** An identity attribute is invalid (ID number, USCC, name). Correct it and retry. */
  IDENTITY_INVALID: 'Invalid identity data',
  /** The timestamp authority failed or answered with an error. Check the TSA URL and retry. */
  TSA_FAILED: 'The timestamp authority failed',
  /** A timestamp or OCSP request could not be parsed. Send a DER-encoded RFC 3161 / RFC 6960 request. */
  REQUEST_MALFORMED: 'Malformed request',

  // --- generic ---
  /** An argument is missing or invalid. Read the message and correct the call. */
  INVALID_ARGUMENT: 'Invalid argument',
  /** Another writer saved the record first (optimistic versioning). Reload and retry. */
  VERSION_CONFLICT: 'The record was changed by someone else',
  /** A unique key (an id, or an idempotency key such as appId + bizNo) is already taken. Use the existing record. */
  DUPLICATE: 'The record already exists',
  /** The thing asked for does not exist. Check the id. */
  NOT_FOUND: 'Not found',
  /** An internal invariant failed. Report it; the previous state is untouched. */
  INTERNAL: 'Internal error',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error class: a stable `code`, a message that says what to do, optional details. */
export class SignetError extends Error {
  override readonly name = 'SignetError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message ?? ERROR_CODES[code]);
  }
}

/** True when `e` is a SignetError (optionally with the given code). */
export function isSignetError(e: unknown, code?: ErrorCode): e is SignetError {
  return e instanceof SignetError && (code === undefined || e.code === code);
}
