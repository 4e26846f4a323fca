/**
 * The integrator signature scheme (SIGNET-HMAC-SHA256), shared by the server's verifier and the
 * client helper. It imports node:crypto only, so connectors and integrators can copy or import it
 * without the server.
 *
 * The canonical string is six lines joined by `\n` (no trailing newline):
 * ```
 * SIGNET-HMAC-SHA256
 * <METHOD>                     upper case
 * <path>[?<canonical query>]   the path exactly as sent; the query re-encoded and sorted
 * <timestamp>                  X-Signet-Timestamp: Unix time in seconds
 * <nonce>                      X-Signet-Nonce
 * <hex SHA-256 of the body>    of the exact bytes sent; of the empty string when there is no body
 * ```
 * The signature is the lower-case hex HMAC-SHA256 (RFC 2104) of that string, keyed with the UTF-8
 * bytes of the app secret.
 */
import { createHash, createHmac } from 'node:crypto';

/** The scheme's name: the first line of every canonical string. */
export const SIGNATURE_ALGORITHM = 'SIGNET-HMAC-SHA256';

/** The request headers of the scheme, lower case as node reports them. */
export const AUTH_HEADERS = {
  appId: 'x-signet-app-id',
  timestamp: 'x-signet-timestamp',
  nonce: 'x-signet-nonce',
  signature: 'x-signet-signature',
} as const;

/** The accepted distance between X-Signet-Timestamp and the server clock, in seconds. */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** A nonce: 16 to 64 characters of `A-Z a-z 0-9 - _`. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** SHA-256 of the empty string: the body hash of a request without a body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Percent-encodes everything except the RFC 3986 §2.3 unreserved characters (`A-Z a-z 0-9 - . _ ~`). */
export function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryPart(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // a malformed escape is signed as it was sent
  }
}

/**
 * The canonical form of a raw query string (without the `?`): every `key=value` pair is decoded
 * (`+` is a space), re-encoded with {@link encodeRfc3986}, and the pairs are sorted by key, then by
 * value. Empty pairs are dropped; a pair without `=` has an empty value.
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([encodeRfc3986(decodeQueryPart(k)), encodeRfc3986(decodeQueryPart(v))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The parts of a request that the signature covers. */
export interface CanonicalRequestParts {
  method: string;
  /** The request target as sent: path plus optional `?query` (a `#fragment` is ignored). */
  target: string;
  /** X-Signet-Timestamp, as sent. */
  timestamp: string;
  /** X-Signet-Nonce, as sent. */
  nonce: string;
  /** Lower-case hex SHA-256 of the body bytes ({@link EMPTY_BODY_SHA256} for none). */
  bodySha256: string;
}

/** Builds the canonical string of SIGNET-HMAC-SHA256 (see the module comment for its six lines). */
export function canonicalRequest(p: CanonicalRequestParts): string {
  const noFragment = p.target.split('#', 1)[0];
  const q = noFragment.indexOf('?');
  const path = q < 0 ? noFragment : noFragment.slice(0, q);
  const query = q < 0 ? '' : canonicalQuery(noFragment.slice(q + 1));
  return [SIGNATURE_ALGORITHM, p.method.toUpperCase(), query ? `${path}?${query}` : path, p.timestamp, p.nonce, p.bodySha256].join('\n');
}

/** Lower-case hex SHA-256 of `body` (a string is hashed as UTF-8). */
export function sha256Hex(body: Uint8Array | string | undefined): string {
  if (body === undefined || body.length === 0) return EMPTY_BODY_SHA256;
  return createHash('sha256').update(body).digest('hex');
}

/** The signature of a canonical string: lower-case hex HMAC-SHA256 keyed with the UTF-8 app secret. */
export function signCanonical(canonical: string, secret: string | Uint8Array): string {
  return createHmac('sha256', secret).update(canonical, 'utf8').digest('hex');
}
