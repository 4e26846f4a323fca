/**
 * Server-side sessions for people, their cookie, and their CSRF token.
 *
 * - **The session id** is 32 random bytes (base64url) that live only in the cookie. The store keeps
 *   its SHA-256, so a copy of the metadata store cannot be replayed as a cookie.
 * - **The cookie** is `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` (and the `__Host-` name
 *   prefix, RFC 6265bis §4.1.3.2) when the base URL is https.
 * - **The CSRF token** is a synchronizer token bound to the session: base64url SHA-256 of
 *   `signet-csrf\n` and the session id. It is returned at login and by `GET /api/v1/auth/session`,
 *   and cookie-authenticated POST, PUT, PATCH and DELETE requests must echo it in `X-CSRF-Token`.
 *   Another site can make the browser send the cookie, but cannot read the token (no CORS is
 *   granted), nor derive it from the stored hash.
 * - **The session token** is the same session id, handed to a client that asks for it at login and
 *   sent back as `Authorization: Session <id>`: the Word add-in in Word on the web runs in a
 *   third-party iframe, where a `SameSite=Lax` cookie is never sent. It expires and ends with the
 *   session. It needs no CSRF token: another site can make the browser send a cookie, but never an
 *   `Authorization` header (a form cannot set one, and a cross-origin fetch that does needs a CORS
 *   preflight, which is never granted), and browsers attach stored credentials only for the
 *   Basic and Digest schemes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, Collection, RecordStore, StoredRecord } from '@signet/core';

/** A session as stored; its id is the SHA-256 (hex) of the session id in the cookie. */
export interface SessionRecord extends StoredRecord {
  userId: string;
  /** The enterprise the user acts for in this session; undefined for the directory's default. */
  enterpriseId?: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
}

/** A session just created: the only time its id is known in clear. */
export interface NewSession {
  sessionId: string;
  csrfToken: string;
  record: SessionRecord;
}

/** Options of {@link SessionManager}. */
export interface SessionManagerOptions {
  records: RecordStore;
  clock: Clock;
  /** Lifetime of a session in seconds, from login (default 8 hours). */
  ttlSeconds?: number;
  /** Secure cookie with the `__Host-` prefix (when the base URL is https). */
  secureCookie: boolean;
}

/** The CSRF request header (lower case, as node reports it). */
export const CSRF_HEADER = 'x-csrf-token';

/** The `Authorization` scheme that carries a session token: `Authorization: Session <id>`. */
export const SESSION_AUTH_SCHEME = 'Session';

/**
 * The session id in an `Authorization: Session <id>` header, if the header uses that scheme. A
 * malformed id is returned as sent, for {@link SessionManager.resolve} to refuse.
 */
export function sessionIdFromAuthorization(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /^Session\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}

const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Creates, resolves and ends sessions, and writes their cookies. */
export class SessionManager {
  /** The cookie's name: `__Host-signet_session` over https, else `signet_session`. */
  readonly cookieName: string;
  private readonly sessions: Collection<SessionRecord>;
  private readonly ttl: number;

  constructor(private readonly opts: SessionManagerOptions) {
    this.cookieName = opts.secureCookie ? '__Host-signet_session' : 'signet_session';
    this.sessions = opts.records.collection<SessionRecord>({ name: 'auth_sessions', indexes: { user: (r) => r.userId } });
    this.ttl = opts.ttlSeconds ?? 8 * 3600;
  }

  /** Starts a session for `userId` (always a new id: logging in never reuses a session, against fixation). */
  async create(userId: string, enterpriseId?: string): Promise<NewSession> {
    const sessionId = randomBytes(32).toString('base64url');
    const now = this.opts.clock.now();
    const record = await this.sessions.insert({
      id: hashSessionId(sessionId),
      userId,
      ...(enterpriseId ? { enterpriseId } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.ttl * 1000).toISOString(),
    });
    return { sessionId, csrfToken: csrfTokenFor(sessionId), record };
  }

  /** The live session with this id, or undefined when unknown, expired or ended. */
  async resolve(sessionId: string): Promise<SessionRecord | undefined> {
    if (!SESSION_ID_PATTERN.test(sessionId)) return undefined;
    const rec = await this.sessions.get(hashSessionId(sessionId));
    if (!rec || rec.revokedAt || Date.parse(rec.expiresAt) <= this.opts.clock.now().getTime()) return undefined;
    return rec;
  }

  /** Ends the session (logout). Ending an unknown or ended session does nothing. */
  async revoke(sessionId: string): Promise<void> {
    const rec = await this.resolve(sessionId);
    if (rec) await this.sessions.update({ ...rec, revokedAt: this.opts.clock.now().toISOString() }, rec.version);
  }

  /** Switches the enterprise the session acts for. */
  async setEnterprise(sessionId: string, enterpriseId: string): Promise<SessionRecord | undefined> {
    const rec = await this.resolve(sessionId);
    return rec && this.sessions.update({ ...rec, enterpriseId }, rec.version);
  }

  /** True when `token` is the session's CSRF token (constant-time). */
  checkCsrf(sessionId: string, token: string | string[] | undefined): boolean {
    if (typeof token !== 'string') return false;
    const a = Buffer.from(csrfTokenFor(sessionId));
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The session id in a `Cookie` header, if any. */
  sessionIdFrom(cookieHeader: string | undefined): string | undefined {
    if (!cookieHeader) return undefined;
    for (const part of cookieHeader.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === this.cookieName) return part.slice(eq + 1).trim();
    }
    return undefined;
  }

  /** The `Set-Cookie` value that stores the session in the browser until it expires. */
  cookie(s: NewSession): string {
    const maxAge = Math.max(0, Math.floor((Date.parse(s.record.expiresAt) - this.opts.clock.now().getTime()) / 1000));
    return `${this.cookieName}=${s.sessionId}; ${this.attributes()}; Max-Age=${maxAge}`;
  }

  /** The `Set-Cookie` value that removes the session cookie. */
  clearingCookie(): string {
    return `${this.cookieName}=; ${this.attributes()}; Max-Age=0`;
  }

  private attributes(): string {
    return `Path=/; HttpOnly; SameSite=Lax${this.opts.secureCookie ? '; Secure' : ''}`;
  }
}

/** The stored id of a session: lower-case hex SHA-256 of the cookie value. */
export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}

/** The CSRF token of a session: base64url SHA-256 of `signet-csrf\n` + session id. */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`signet-csrf\n${sessionId}`, 'utf8').digest('base64url');
}
