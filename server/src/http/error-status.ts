/**
 * The one place where error codes become HTTP statuses. A `Record<ErrorCode, number>`, so the
 * compiler reports a code that has no status.
 */
import type { ErrorCode } from '@signet/core';

/** HTTP status per error code. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  PDF_NOT_PDF: 422,
  PDF_TRUNCATED: 422,
  PDF_ENCRYPTED: 422,
  PDF_XREF_BROKEN: 422,
  PDF_MALFORMED: 422,
  PDF_LIMIT_EXCEEDED: 413,
  PDF_PAGE_OUT_OF_RANGE: 400,
  PDF_RECT_OFF_PAGE: 400,
  PDF_FIELD_EXISTS: 409,
  DOCMDP_LOCKED: 409,
  CERTIFY_NOT_FIRST: 409,
  LEVEL_UNKNOWN: 400,
  SIGNATURE_TOO_LARGE: 500,
  KEY_UNSUPPORTED: 400,
  CA_NOT_INITIALISED: 503,
  CERT_INVALID: 400,
  IDENTITY_INVALID: 400,
  TSA_FAILED: 502,
  REQUEST_MALFORMED: 400,
  INVALID_ARGUMENT: 400,
  VERSION_CONFLICT: 409,
  DUPLICATE: 409,
  NOT_FOUND: 404,
  INTERNAL: 500,
};
