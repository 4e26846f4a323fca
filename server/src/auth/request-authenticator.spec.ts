import assert from 'node:assert/strict';
import { FixedClock } from '@signet/core/testing';
import { FakePersonDirectory, startTestServer, type TestServer } from '../testing/index.js';
import { defineRoute } from '../http/route.js';
import { sessionIdFromAuthorization } from './session-manager.js';

interface ApiError {
  code: string;
  message: string;
}

interface Login {
  userId: string;
  csrfToken: string;
  expiresAt: string;
  sessionToken?: string;
}

const ALICE = { userId: 'u_alice', mobile: '13800138000', password: 'correct horse 9', memberships: [{ enterpriseId: 'ent_a', roles: ['super_admin' as const] }] };

describe('RequestAuthenticator: the session token (Authorization: Session)', function () {
  this.timeout(60_000);
  let srv: TestServer;
  const clock = new FixedClock(new Date());
  const reached: unknown[] = [];

  before(async () => {
    srv = await startTestServer({
      clock,
      directory: new FakePersonDirectory([ALICE]),
      sessionTtlSeconds: 3600,
      routes: () => [{
        routes: [defineRoute<{ body: { text: string } }>({
          operationId: 'testTokenNote',
          method: 'post',
          path: '/api/v1/test/token-notes',
          summary: 'test',
          tags: ['test'],
          auth: ['session'],
          body: { kind: 'json', schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } },
          responses: { 201: { description: 'noted', schema: { type: 'object' } } },
          handler: ({ actor, body }) => {
            reached.push(body);
            return { actor };
          },
        })],
      }],
    });
  });
  after(() => srv?.close());
  beforeEach(() => { reached.length = 0; });

  /** Logs in over plain fetch (no cookie jar), as the Word add-in's login dialog does. */
  const login = async (body: Record<string, unknown>): Promise<{ res: Response; login: Login }> => {
    const res = await fetch(`${srv.baseUrl}/api/v1/auth/login/password`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mobile: ALICE.mobile, password: ALICE.password, ...body }),
    });
    assert.equal(res.status, 200);
    return { res, login: (await res.json()) as Login };
  };
  /** A request carrying only the token: no cookie, no CSRF token (what a third-party iframe can send). */
  const withToken = (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${srv.baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Session ${token}` } });
  const note = (token: string, text: string) => withToken(token, '/api/v1/test/token-notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

  it('returns the token only to a login that asks for it, and never again from GET /auth/session', async () => {
    const plain = await login({});
    assert.equal(plain.login.sessionToken, undefined);
    const asked = await login({ sessionToken: true });
    const token = asked.login.sessionToken!;
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    // It is the session of the cookie set by the same login, not a second credential.
    assert.equal(asked.res.headers.get('set-cookie')!.split(';')[0], `signet_session=${token}`);
    const session = await withToken(token, '/api/v1/auth/session');
    assert.equal(session.status, 200);
    const view = (await session.json()) as Login;
    assert.equal(view.userId, ALICE.userId);
    assert.equal(view.csrfToken, asked.login.csrfToken);
    assert.equal(view.sessionToken, undefined);
  });

  it('authenticates without any cookie, and an unsafe request with it needs no CSRF token', async () => {
    const { login: l } = await login({ sessionToken: true });
    const res = await note(l.sessionToken!, 'from Word on the web');
    assert.equal(res.status, 201);
    assert.deepEqual(((await res.json()) as { actor: unknown }).actor, { kind: 'member', userId: 'u_alice', enterpriseId: 'ent_a', roles: ['super_admin'] });
    assert.deepEqual(reached, [{ text: 'from Word on the web' }]);
  });

  it('ends with the session: logging out with the token revokes it, cookie included', async () => {
    const { res, login: l } = await login({ sessionToken: true });
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const out = await withToken(l.sessionToken!, '/api/v1/auth/logout', { method: 'POST' });
    assert.equal(out.status, 204);
    for (const r of [await withToken(l.sessionToken!, '/api/v1/auth/session'), await fetch(`${srv.baseUrl}/api/v1/auth/session`, { headers: { cookie } })]) {
      assert.equal(r.status, 401);
      assert.equal(((await r.json()) as ApiError).code, 'AUTH_REQUIRED');
    }
    assert.equal((await note(l.sessionToken!, 'after logout')).status, 401);
    assert.equal(reached.length, 0);
  });

  it('expires with the session', async () => {
    const { login: l } = await login({ sessionToken: true });
    clock.advance(3600_000);
    const res = await note(l.sessionToken!, 'too late');
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ApiError).code, 'AUTH_REQUIRED');
    assert.equal(reached.length, 0);
  });

  it('refuses a malformed or unknown token with AUTH_REQUIRED, without falling back to a cookie sent alongside', async () => {
    const { res } = await login({});
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    for (const token of ['short', 'A'.repeat(43)]) {
      const r = await fetch(`${srv.baseUrl}/api/v1/auth/session`, { headers: { authorization: `Session ${token}`, cookie } });
      assert.equal(r.status, 401, token);
      assert.equal(((await r.json()) as ApiError).code, 'AUTH_REQUIRED');
    }
  });

  it('still wants the CSRF token from a cookie session, whatever other Authorization header comes with it', async () => {
    const { res, login: l } = await login({});
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const post = (headers: Record<string, string>) => fetch(`${srv.baseUrl}/api/v1/test/token-notes`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"text":"x"}' });
    const basic = await post({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    assert.equal(basic.status, 403);
    assert.equal(((await basic.json()) as ApiError).code, 'CSRF_TOKEN_INVALID');
    assert.equal(reached.length, 0);
    assert.equal((await post({ 'x-csrf-token': l.csrfToken })).status, 201);
  });

  it('keeps the token out of the request log', async () => {
    const { login: l } = await login({ sessionToken: true });
    await note(l.sessionToken!, 'x');
    assert.ok(srv.logs.some((line) => line.includes('/api/v1/test/token-notes')));
    assert.ok(!srv.logs.join('\n').includes(l.sessionToken!));
  });
});

describe('sessionIdFromAuthorization', () => {
  it('reads only the Session scheme, case-insensitively', () => {
    assert.equal(sessionIdFromAuthorization('Session abc_DEF-123'), 'abc_DEF-123');
    assert.equal(sessionIdFromAuthorization('session   abc  '), 'abc');
    for (const h of [undefined, '', 'Link abc', 'Bearer abc', 'Session', 'Session a b', ['Session abc']]) assert.equal(sessionIdFromAuthorization(h), undefined, String(h));
  });
});
