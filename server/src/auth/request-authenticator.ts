/**
 * Turns a request into an {@link Actor}, or refuses it, according to the credential kinds its route
 * accepts. Integrator signatures need the body, so authentication runs in two phases around body
 * reading: {@link RequestAuthenticator.begin} sees only the headers and the path,
 * {@link RequestAuthenticator.finish} the body hash.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SignetError, type Actor } from '@signet/core';
import { HmacAuthenticator, type PendingAppAuth } from './hmac-authenticator.js';
import type { PersonDirectory } from './person-directory.js';
import { CSRF_HEADER, sessionIdFromAuthorization, type SessionManager, type SessionRecord } from './session-manager.js';
import { LINK_TOKEN_PATTERN, extractLinkToken, hashLinkToken, type SigningLinkResolver } from './signing-link.js';

/**
 * A kind of credential a route accepts: `app` (integrator HMAC signature), `session` (console
 * cookie + CSRF token), `link` (one-time signing link) or `public` (none needed).
 */
export type AuthKind = 'app' | 'session' | 'link' | 'public';

/** How a request was authenticated. */
export type AuthInfo =
  | { via: 'public' }
  | { via: 'app' }
  | { via: 'link'; tokenHash: string }
  | { via: 'session'; sessionId: string; session: SessionRecord; carrier: 'cookie' | 'header' };

/** What phase 1 found: the actor already, or an integrator request waiting for its body. */
export type AuthStart =
  | { state: 'done'; actor: Actor | undefined; info: AuthInfo }
  | { state: 'pending'; pending: PendingAppAuth };

/** The services {@link RequestAuthenticator} combines. */
export interface RequestAuthenticatorDeps {
  hmac: HmacAuthenticator;
  sessions: SessionManager;
  directory: PersonDirectory;
  links: SigningLinkResolver;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const HOW: Record<Exclude<AuthKind, 'public'>, string> = {
  app: 'an integrator signature (X-Signet-App-Id, X-Signet-Timestamp, X-Signet-Nonce, X-Signet-Signature)',
  session: 'a session (log in with POST /api/v1/auth/login/password or /api/v1/auth/login/otp; then the cookie, or Authorization: Session <sessionToken>)',
  link: 'a signing link (Authorization: Link <token>)',
};

/** Resolves the actor of a request from the credentials its route accepts. */
export class RequestAuthenticator {
  constructor(private readonly deps: RequestAuthenticatorDeps) {}

  /** The session cookie's name (for clearing it). */
  get sessions(): SessionManager {
    return this.deps.sessions;
  }

  /**
   * Phase 1. Picks the first credential present that the route accepts, in the order integrator
   * signature, signing link, session token (`Authorization: Session`), session cookie, and checks
   * what can be checked without the body. A cookie session must carry its CSRF token on unsafe
   * methods; a session token needs none (see `session-manager.ts`).
   * Credentials of a kind the route does not accept are ignored. With none accepted present, a
   * `public` route proceeds without an actor; any other route is refused with AUTH_REQUIRED.
   */
  async begin(req: { method: string; headers: IncomingHttpHeaders; path: string }, accepted: readonly AuthKind[]): Promise<AuthStart> {
    const ok = (k: AuthKind) => accepted.includes(k);
    if (ok('app') && HmacAuthenticator.present(req.headers)) {
      return { state: 'pending', pending: await this.deps.hmac.begin(req.headers) };
    }
    if (ok('link')) {
      const link = extractLinkToken(req.headers, req.path);
      if (link) {
        if (!LINK_TOKEN_PATTERN.test(link.token)) throw new SignetError('AUTH_LINK_INVALID', '签署链接无效。The signing link token is malformed: open the link from the invitation message again.');
        const tokenHash = hashLinkToken(link.token);
        const actor = await this.deps.links.resolve(tokenHash);
        if (!actor) throw new SignetError('AUTH_LINK_INVALID', '签署链接无效。No signing link matches this token: open the newest link from the invitation message.');
        return { state: 'done', actor, info: { via: 'link', tokenHash } };
      }
    }
    if (ok('session')) {
      const fromHeader = sessionIdFromAuthorization(req.headers.authorization);
      const sessionId = fromHeader ?? this.deps.sessions.sessionIdFrom(req.headers.cookie);
      if (sessionId !== undefined) {
        const session = await this.deps.sessions.resolve(sessionId);
        if (!session) throw new SignetError('AUTH_REQUIRED', '会话已过期或已退出，请重新登录。Your session has expired or ended: log in again.');
        const actor = await this.deps.directory.actorFor(session.userId, session.enterpriseId);
        if (!actor) throw new SignetError('AUTH_REQUIRED', '账号或成员身份已失效，请重新登录。Your account or membership is no longer valid: log in again.');
        if (fromHeader === undefined && UNSAFE.has(req.method.toUpperCase()) && !this.deps.sessions.checkCsrf(sessionId, req.headers[CSRF_HEADER])) {
          throw new SignetError('CSRF_TOKEN_INVALID', '缺少或错误的 CSRF 令牌。Send the csrfToken from login (or GET /api/v1/auth/session) in the X-CSRF-Token header.');
        }
        return { state: 'done', actor, info: { via: 'session', sessionId, session, carrier: fromHeader === undefined ? 'cookie' : 'header' } };
      }
    }
    if (ok('public')) return { state: 'done', actor: undefined, info: { via: 'public' } };
    const how = accepted.filter((k): k is Exclude<AuthKind, 'public'> => k !== 'public').map((k) => HOW[k]);
    throw new SignetError('AUTH_REQUIRED', `此接口需要身份认证。This route needs ${how.join(', or ')}.`);
  }

  /** Phase 2: checks a pending integrator signature over the body; passes a finished phase 1 through. */
  async finish(start: AuthStart, req: { method: string; target: string; bodySha256: string }): Promise<{ actor: Actor | undefined; info: AuthInfo }> {
    if (start.state === 'done') return start;
    return { actor: await this.deps.hmac.finish(start.pending, req), info: { via: 'app' } };
  }
}
