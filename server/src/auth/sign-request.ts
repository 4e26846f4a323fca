/**
 * The client side of SIGNET-HMAC-SHA256: headers for one integrator request, and a `fetch` that
 * signs every call. Tests and connectors use it; integrators can read it as the reference.
 */
import { randomBytes } from 'node:crypto';
import { AUTH_HEADERS, canonicalRequest, sha256Hex, signCanonical } from './canonical-request.js';

/** An integrator's credentials. */
export interface AppCredentials {
  appId: string;
  /** The app secret as issued (`sk_…`); the HMAC key is its UTF-8 bytes. */
  secret: string;
}

/** What {@link signRequest} signs. */
export interface SignRequestInput extends AppCredentials {
  method: string;
  /** The full URL, or the path with its query (`/api/v1/x?a=1`). */
  url: string | URL;
  /** The exact body bytes that will be sent (a string is sent and hashed as UTF-8). */
  body?: Uint8Array | string;
  /** Unix time in seconds (default: now). */
  timestamp?: number;
  /** A fresh random nonce (default: 16 random bytes, base64url). */
  nonce?: string;
}

/** The four X-Signet-* headers, plus the canonical string that was signed (for debugging). */
export interface SignedHeaders {
  headers: Record<string, string>;
  canonical: string;
}

/** Signs one request and returns its X-Signet-App-Id, -Timestamp, -Nonce and -Signature headers. */
export function signRequest(input: SignRequestInput): SignedHeaders {
  const url = typeof input.url === 'string' ? new URL(input.url, 'http://signet.invalid') : input.url;
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  const canonical = canonicalRequest({
    method: input.method,
    target: url.pathname + url.search,
    timestamp,
    nonce,
    bodySha256: sha256Hex(input.body),
  });
  return {
    canonical,
    headers: {
      [AUTH_HEADERS.appId]: input.appId,
      [AUTH_HEADERS.timestamp]: timestamp,
      [AUTH_HEADERS.nonce]: nonce,
      [AUTH_HEADERS.signature]: signCanonical(canonical, input.secret),
    },
  };
}

/** A `fetch` whose body is a string or bytes, so that it can be signed. */
export type SignedFetch = (url: string | URL, init?: Omit<RequestInit, 'body'> & { body?: string | Uint8Array }) => Promise<Response>;

/**
 * Returns a `fetch` that signs every request with `credentials`. Relative URLs are resolved
 * against `baseUrl`.
 */
export function signedFetch(credentials: AppCredentials, baseUrl?: string): SignedFetch {
  return (url, init = {}) => {
    const full = new URL(url, baseUrl);
    const { headers } = signRequest({ ...credentials, method: init.method ?? 'GET', url: full, body: init.body });
    const merged = new Headers(init.headers);
    for (const [k, v] of Object.entries(headers)) merged.set(k, v);
    return fetch(full, { ...init, headers: merged, body: init.body });
  };
}
