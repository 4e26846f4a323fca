/**
 * A browser-like client for tests: it keeps the session cookie the server sets and sends the
 * CSRF token on unsafe methods, the way the console does.
 */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What login returns (the `Session` schema). */
export interface LoginResult {
  userId: string;
  enterpriseId?: string;
  actor: { kind: string; [k: string]: unknown };
  csrfToken: string;
  expiresAt: string;
}

/** Options of one {@link SessionClient.fetch} call. */
export type SessionFetchInit = RequestInit & {
  /** Send JSON: sets the body and Content-Type. */
  json?: unknown;
  /** Leave the CSRF token out (to test that the server refuses). */
  withoutCsrf?: boolean;
};

/** A cookie jar of one, plus the CSRF token. */
export class SessionClient {
  /** The session cookie as `name=value`, once logged in. */
  cookie: string | undefined;
  /** The CSRF token from login. */
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** `fetch` relative to the base URL, with the cookie and (on unsafe methods) the CSRF token. */
  async fetch(path: string, init: SessionFetchInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const method = (init.method ?? (init.json !== undefined ? 'POST' : 'GET')).toUpperCase();
    if (UNSAFE.has(method) && this.csrfToken && !init.withoutCsrf) headers.set('x-csrf-token', this.csrfToken);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set('content-type', 'application/json');
    }
    const res = await fetch(new URL(path, this.baseUrl), { ...init, method, headers, body });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const cleared = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.trim().endsWith('=');
      this.cookie = cleared ? undefined : pair.trim();
      if (cleared) this.csrfToken = undefined;
    }
    return res;
  }

  /** Logs in with mobile + password; throws with the server's error when refused. */
  async login(mobile: string, password: string, enterpriseId?: string): Promise<LoginResult> {
    return this.take(await this.fetch('/api/v1/auth/login/password', { json: { mobile, password, ...(enterpriseId ? { enterpriseId } : {}) } }));
  }

  /** Logs in with mobile + SMS code (send it first with `POST /api/v1/auth/otp`). */
  async loginWithOtp(mobile: string, code: string, enterpriseId?: string): Promise<LoginResult> {
    return this.take(await this.fetch('/api/v1/auth/login/otp', { json: { mobile, code, ...(enterpriseId ? { enterpriseId } : {}) } }));
  }

  /** Logs out; the cookie and token are dropped. */
  async logout(): Promise<Response> {
    return this.fetch('/api/v1/auth/logout', { method: 'POST' });
  }

  private async take(res: Response): Promise<LoginResult> {
    const body = (await res.json()) as LoginResult & { code?: string; message?: string };
    if (res.status !== 200) throw new Error(`login refused: ${res.status} ${body.code}: ${body.message}`);
    this.csrfToken = body.csrfToken;
    return body;
  }
}
