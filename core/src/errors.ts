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
  /** A field the contract expects is not in the document any more. The document was changed outside Signet; start a new contract. */
  PDF_FIELD_MISSING: 'A field the contract expects is not in the document',

  // --- positioning and templates (position/, template/) ---
  /** Anchor or keyword text was not found in the PDF's text layer. Check the text (white-space is ignored), or give a page and a rectangle. */
  ANCHOR_NOT_FOUND: 'The anchor text was not found in the PDF',
  /** A template, bundle or its variables are invalid; `details.problems` lists every problem with its field. Correct them and retry (nothing was drawn). */
  TEMPLATE_INVALID: 'The template or its variables are invalid',
  /** A value does not fit its field even at the minimum font size; `details.fields` names the fields. Shorten the value, enlarge the field, allow multiline or lower minFontSize. */
  TEMPLATE_TEXT_OVERFLOW: 'A value does not fit its template field',
  /** A template's base PDF already carries a signature, which filling would break. Use the unsigned original as the base PDF. */
  TEMPLATE_BASE_SIGNED: 'The template base PDF is already signed',

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

  // --- seals, handwriting and seal images (seal/, pdf/image.ts) ---
  /** A seal text does not fit the seal (too many characters for its size or shape). Shorten the text or give a larger seal size. */
  SEAL_TEXT_TOO_LONG: 'The text does not fit the seal',
  /** An uploaded seal image cannot be read (not PNG, JPEG or SVG, truncated, or empty). Re-export it as PNG with transparency, JPEG or SVG. */
  IMAGE_INVALID: 'The image cannot be read',
  /** An SVG uses something Signet cannot draw as vectors (embedded raster, text without outlines, scripts, gradients …); the message names it. Convert text to outlines and flatten the SVG, or upload a PNG. */
  SVG_UNSUPPORTED: 'The SVG uses unsupported features',

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

  // --- contracts, seals and signing links (workflow/) ---
  /** The operation is not allowed in the contract's current state; the message names the states that allow it. Reload the contract and check its state. */
  CONTRACT_STATE: 'The contract is not in a state that allows this',
  /** A sequential contract: an earlier signer has not signed yet. Wait for your turn (you will be notified). */
  SIGNER_OUT_OF_TURN: 'It is not this signer\'s turn yet',
  /** The member holds no valid grant (or the integrator no standing authorization) for the seal. Ask a seal admin for a grant. */
  SEAL_NOT_GRANTED: 'No grant for this seal',
  /** The seal is disabled. Ask a seal admin to enable it, or sign with another seal. */
  SEAL_DISABLED: 'The seal is disabled',
  /** The actor belongs to the tenant but lacks the role or party status for this. Ask an administrator for the right role. */
  FORBIDDEN: 'Not allowed',
  /** The signing link has expired. Ask the sender to send the contract again for a fresh link. */
  LINK_EXPIRED: 'The signing link has expired',
  /** The signing link was already used. Sign in to see the contract, or ask the sender for a new link. */
  LINK_USED: 'The signing link was already used',
  /** The signing link was revoked (contract revoked, or a newer link was sent). Use the newest link, or ask the sender. */
  LINK_REVOKED: 'The signing link was revoked',
  /** The contract is not completed, so its final PDF cannot be downloaded yet. Use preview, or wait until every party signed. */
  NOT_COMPLETED: 'The contract is not completed',
  /** A signature needs a valid willingness check (SMS OTP, signing password or face, as the signer's policy says). Pass a fresh proof id. */
  WILLINGNESS_REQUIRED: 'A willingness check is required',

  // --- real-name verification, willingness, login and the directory (identity/, directory/) ---
  /** The person or enterprise has not passed real-name verification, so no certificate is issued. Complete real-name verification first. */
  IDENTITY_NOT_VERIFIED: 'Real-name verification has not been passed',
  /** The identity bureau (or the sandbox) says the data do not match (name and ID, mobile, bank card, face, legal representative, transfer amount). Check the data, or use another method. */
  IDENTITY_CHECK_FAILED: 'The identity check failed',
  /** The identity provider could not be reached or answered malformed data. Retry later; check the provider URL and credentials. */
  IDENTITY_PROVIDER_FAILED: 'The identity provider failed',
  /** The verification already passed, failed or expired, or is waiting for another step. Start a new verification, or take the step its status names. */
  IDENTITY_VERIFICATION_CLOSED: 'The verification is not open for this step',
  /** The one-time code is wrong (details.attemptsLeft says how many tries remain). Re-enter the code from the latest message. */
  OTP_INVALID: 'The verification code is wrong',
  /** The one-time code has expired or was already used. Ask for a new code. */
  OTP_EXPIRED: 'The verification code has expired',
  /** Too many wrong codes for this mobile number; locked until details.retryAt. Wait until then, and ask for a new code. */
  OTP_LOCKED: 'Too many wrong verification codes',
  /** Too many requests (codes sent too often, or the hourly cap reached); details.retryAt says when. Wait until then and retry. */
  RATE_LIMITED: 'Too many requests',
  /** The signing password is wrong (details.attemptsLeft says how many tries remain). Re-enter it, or reset it. */
  PASSWORD_INVALID: 'The password is wrong',
  /** Too many wrong passwords; locked until details.retryAt. Wait until then, or use another willingness method. */
  PASSWORD_LOCKED: 'Too many wrong passwords',
  /** The new password is too short, too simple or too long; the message says the rule. Choose another password. */
  PASSWORD_WEAK: 'The password is too weak',
  /** The user has no signing (or login) password yet. Set one first, or use another method. */
  PASSWORD_NOT_SET: 'No password is set',
  /** Login failed: unknown mobile number or wrong password or code (not told apart, on purpose). Check both and retry. */
  LOGIN_FAILED: 'Wrong mobile number or password',
  /** The SMS gateway (or another message channel) refused or did not answer. Retry later; check the gateway URL and credentials. */
  MESSAGE_SEND_FAILED: 'The message could not be sent',
  /** The invitation is unknown, expired, revoked, already accepted, or for another mobile number. Ask the enterprise for a new invitation. */
  INVITATION_INVALID: 'The invitation is not valid',

  // --- HTTP auth and request hygiene (server/src/auth/, server/src/http/) ---
  /** No credential this route accepts was sent (integrator signature, session cookie or signing link), or the session has ended. Sign the request, or log in again. */
  AUTH_REQUIRED: 'Authentication required',
  /** The X-Signet-App-Id is unknown or the app is disabled. Check the appId, or ask the enterprise admin for a new app. */
  AUTH_APP_UNKNOWN: 'Unknown or disabled app',
  /** The X-Signet-Signature does not match the canonical request (the message shows it); also when the body changed after signing. Rebuild the canonical string and sign with the app secret. */
  AUTH_SIGNATURE_INVALID: 'The request signature is invalid',
  /** X-Signet-Timestamp is more than 5 minutes away from the server clock. Sync the client clock (NTP) and sign again. */
  AUTH_TIMESTAMP_SKEW: 'The request timestamp is outside the allowed window',
  /** The X-Signet-Nonce was already used by this app within the window (a replay). Use a fresh random nonce for every request. */
  AUTH_REPLAY: 'The request nonce was already used',
  /** The signing link token is malformed or matches no signing link. Open the newest link from the invitation message. */
  AUTH_LINK_INVALID: 'The signing link is not valid',
  /** A cookie-authenticated unsafe request (POST, PUT, PATCH, DELETE) lacks the session's X-CSRF-Token. Send the csrfToken returned at login in X-CSRF-Token. */
  CSRF_TOKEN_INVALID: 'The CSRF token is missing or wrong',
  /** The request body exceeds the route's limit (the message says it). Send a smaller body. */
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  /** The request's Content-Type (or Content-Encoding) is not one the route accepts (the message lists them). Send the body with an accepted Content-Type. */
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  /** The path exists but not with this HTTP method (the Allow header lists the methods). Use one of them. */
  METHOD_NOT_ALLOWED: 'Method not allowed',

  // --- storage (server/src/storage/) ---
  /** A record is larger than the store's limit (256 KiB of JSON by default). Records hold metadata only: put bytes in the BlobStore and keep the blob id. */
  RECORD_TOO_LARGE: 'The record is too large',
  /** Another process has the data directory's record store open. Stop it first, or set DATABASE_URL to share PostgreSQL between processes. */
  STORE_LOCKED: 'The record store is in use by another process',
  /** The record store could not write to disk and stopped accepting writes; acknowledged data is safe. Fix the disk (space, permissions) and restart Signet. */
  STORAGE_FAILED: 'The record store could not write to disk',
  /** PostgreSQL (DATABASE_URL) could not be reached, refused the connection or did not answer within the statement timeout; nothing was written by the failed call. Check DATABASE_URL and the database server, then retry. */
  STORAGE_UNAVAILABLE: 'The database is unavailable',
  /** The database schema does not match this Signet: it was migrated by a newer version, or an applied migration file was changed since. Run the Signet version that migrated it, or restore the original migration files. */
  SCHEMA_MISMATCH: 'The database schema does not match this version of Signet',
  /** `signet migrate` found records or blobs in the target that differ from the source, and left them as they are. Check which copy is right; rerun with --force to overwrite the target with the source. */
  MIGRATION_CONFLICT: 'The migration target holds different data',
  /** `/readyz`: this server process is starting, shutting down or cannot reach its storage (the message names the failing checks). Send traffic to another process; retry later. */
  NOT_READY: 'The server process is not ready',

  // --- evidence packages (evidence/) ---
  /** The file is not a readable evidence package (not a zip, no or a damaged manifest.json, an unknown format version). Ask the platform for the package again. */
  EVIDENCE_PACKAGE_MALFORMED: 'The evidence package cannot be read',
  /** An entry name of the package is absolute, climbs out with `..` or appears twice (zip slip). Do not unpack it; ask the sender for the original package. */
  EVIDENCE_PACKAGE_UNSAFE: 'The evidence package holds an unsafe entry name',
  /** The package would inflate beyond the safety limits (entries, size or ratio: a zip bomb). Do not unpack it; if it is genuine, raise the limits. */
  EVIDENCE_PACKAGE_TOO_LARGE: 'The evidence package exceeds a safety limit',

  // --- OA connectors (connector-oa/) ---
  /** A Lark/Feishu event or an OA webhook failed its signature, decryption, token or replay check; nothing was done. Check the encrypt key, verification token or webhook secret configured for the connector, and send a fresh request. */
  OA_EVENT_INVALID: 'The OA event failed its authenticity check',
  /** Lark/Feishu, the OA system or the Signet server answered with an error or could not be reached (the message carries its code). Check the app credentials and scopes; queued work retries with backoff. */
  OA_UPSTREAM_FAILED: 'An upstream system failed',

  // --- HR connector (connector-hr/) ---
  /** An HR mapping is malformed, or does not fit its bundle's templates (unknown or missing variables, type mismatches, roles); `details.problems` lists every problem with its JSON pointer. Correct the mapping and retry; nothing was launched. */
  HR_MAPPING_INVALID: 'The HR mapping is invalid',
  /** An employee file cannot be read at all (empty, an .xlsx workbook, neither UTF-8 nor GBK, a broken header, a mapped column missing); the message says which. Save it as UTF-8 CSV with the mapped columns and retry. Bad rows alone never raise this: they are reported row by row. */
  HR_FILE_UNREADABLE: 'The employee file cannot be read',
  /** A Lark CoreHR event failed its signature, decryption or verification-token check, or names an enterprise without a CoreHR link; nothing was launched. Check the encrypt key and verification token configured with PUT /api/v1/hr/corehr. */
  HR_EVENT_INVALID: 'The CoreHR event failed its authenticity check',
  /** Lark CoreHR answered with an error or could not be reached (the message carries its code). Check the app's CoreHR permissions and data scope; follow-ups retry with backoff. */
  HR_UPSTREAM_FAILED: 'CoreHR failed',

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
