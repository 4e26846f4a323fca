/**
 * The client side of Signet's integrator signature (SIGNET-HMAC-SHA256, README "Integrator
 * authentication"): the connector signs every call to the Signet API with its app's id and secret.
 * It is a copy of `server/src/auth/canonical-request.ts` on purpose (that file says connectors may
 * copy it): the server depends on this package, so this package cannot depend on the server.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** An integrator app's credentials. */
export interface SignetAppCredentials {
  appId: string;
  /** The app secret as issued (`sk_…`); the HMAC key is its UTF-8 bytes. */
  appSecret: string;
}

/** What {@link signSignetRequest} signs. */
export interface SignetRequestToSign {
  method: string;
  /** The path with its query, exactly as sent (`/api/v1/files?name=%E5%90%88.pdf`). */
  target: string;
  /** The exact body bytes (none for GET). */
  body?: Uint8Array | string;
  /** Unix time in seconds (default: now). */
  timestamp?: number;
  /** Default: 16 random bytes, base64url. */
  nonce?: string;
}

/** Percent-encodes everything except the RFC 3986 §2.3 unreserved characters. */
function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodePart(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** The canonical query: pairs decoded, re-encoded (RFC 3986 §2.3), sorted by key then value. */
export function canonicalQuery(raw: string): string {
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    pairs.push([encodeRfc3986(decodePart(eq < 0 ? part : part.slice(0, eq))), encodeRfc3986(decodePart(eq < 0 ? '' : part.slice(eq + 1)))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The six-line canonical string of a request (README "The canonical string"). */
export function canonicalSignetRequest(method: string, target: string, timestamp: string, nonce: string, bodySha256: string): string {
  const hash = target.indexOf('#');
  const t = hash >= 0 ? target.slice(0, hash) : target;
  const q = t.indexOf('?');
  const path = q < 0 ? t : t.slice(0, q);
  const query = q < 0 ? '' : canonicalQuery(t.slice(q + 1));
  return ['SIGNET-HMAC-SHA256', method.toUpperCase(), query ? `${path}?${query}` : path, timestamp, nonce, bodySha256].join('\n');
}

/** The four X-Signet-* headers of one request. */
export function signSignetRequest(credentials: SignetAppCredentials, req: SignetRequestToSign): Record<string, string> {
  const timestamp = String(req.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = req.nonce ?? randomBytes(16).toString('base64url');
  const bodySha256 = createHash('sha256').update(req.body ?? '').digest('hex');
  const canonical = canonicalSignetRequest(req.method, req.target, timestamp, nonce, bodySha256);
  return {
    'X-Signet-App-Id': credentials.appId,
    'X-Signet-Timestamp': timestamp,
    'X-Signet-Nonce': nonce,
    'X-Signet-Signature': createHmac('sha256', Buffer.from(credentials.appSecret, 'utf8')).update(canonical).digest('hex'),
  };
}
