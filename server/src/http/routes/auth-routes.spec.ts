import assert from 'node:assert/strict';
import { FixedClock } from '@signet/core/testing';
import { FakePersonDirectory, startTestServer, type TestServer } from '../../testing/index.js';
import { defineRoute } from '../route.js';

interface ApiError {
  code: string;
  message: string;
}

const ALICE = { userId: 'u_alice', mobile: '13800138000', password: 'correct horse 9', memberships: [{ enterpriseId: 'ent_a', roles: ['super_admin' as const] }, { enterpriseId: 'ent_b', roles: ['member' as const] }] };
const BOB = { userId: 'u_bob', mobile: '13900139000', password: 'bob password 1' };

describe('sessions: /api/v1/auth', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let directory: FakePersonDirectory;
  const clock = new FixedClock(new Date());
  const reached: unknown[] = [];

  before(async () => {
    directory = new FakePersonDirectory([ALICE, BOB]);
    srv = await startTestServer({
      clock,
      directory,
      sessionTtlSeconds: 3600,
      routes: () => [{
        routes: [defineRoute<{ body: { text: string } }>({
          operationId: 'testNote',
          method: 'post',
          path: '/api/v1/test/notes',
          summary: 'test',
          tags: ['test'],
          auth: ['session', 'app'],
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

  it('logs in, uses the session with its CSRF token, and logs out (round trip)', async () => {
    const c = srv.session();
    const login = await srv.session().fetch('/api/v1/auth/login/password', { json: { mobile: ALICE.mobile, password: ALICE.password } });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!;
    assert.match(cookie, /^signet_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/);

    const me = await c.login(ALICE.mobile, ALICE.password);
    assert.deepEqual(me.actor, { kind: 'member', userId: 'u_alice', enterpriseId: 'ent_a', roles: ['super_admin'] });
    assert.ok(me.csrfToken);

    const session = await c.fetch('/api/v1/auth/session');
    assert.equal(session.status, 200);
    assert.equal(((await session.json()) as { csrfToken: string }).csrfToken, me.csrfToken);

    const post = await c.fetch('/api/v1/test/notes', { json: { text: 'hi' } });
    assert.equal(post.status, 201);
    assert.equal(((await post.json()) as { actor: { kind: string } }).actor.kind, 'member');
    assert.equal(reached.length, 1);

    const oldCookie = c.cookie!;
    const out = await c.logout();
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /^signet_session=; .*Max-Age=0$/);
    assert.equal(c.cookie, undefined);

    const after = await fetch(`${srv.baseUrl}/api/v1/auth/session`, { headers: { cookie: oldCookie } });
    assert.equal(after.status, 401);
    assert.equal(((await after.json()) as ApiError).code, 'AUTH_REQUIRED');
  });

  describe('CSRF', () => {
    it('refuses a cross-site POST that carries the cookie but no token, before the handler runs', async () => {
      const c = srv.session();
      await c.login(ALICE.mobile, ALICE.password);
      const res = await fetch(`${srv.baseUrl}/api/v1/test/notes`, {
        method: 'POST',
        headers: { cookie: c.cookie!, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'transfer everything' }),
      });
      assert.equal(res.status, 403);
      const e = (await res.json()) as ApiError;
      assert.equal(e.code, 'CSRF_TOKEN_INVALID');
      assert.match(e.message, /X-CSRF-Token/);
      assert.equal(reached.length, 0);
    });

    it('refuses a cross-site form post with the cookie (what an HTML form can send)', async () => {
      const c = srv.session();
      await c.login(ALICE.mobile, ALICE.password);
      const res = await fetch(`${srv.baseUrl}/api/v1/test/notes`, {
        method: 'POST',
        headers: { cookie: c.cookie!, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'text=x',
      });
      assert.equal(res.status, 403);
      assert.equal(reached.length, 0);
    });

    it('refuses another session\'s token', async () => {
      const a = srv.session();
      const b = srv.session();
      await a.login(ALICE.mobile, ALICE.password);
      await b.login(BOB.mobile, BOB.password);
      const res = await a.fetch('/api/v1/test/notes', { json: { text: 'x' }, headers: { 'x-csrf-token': b.csrfToken! }, withoutCsrf: true });
      assert.equal(res.status, 403);
      assert.equal(reached.length, 0);
    });

    it('needs no token for safe methods', async () => {
      const c = srv.session();
      await c.login(ALICE.mobile, ALICE.password);
      assert.equal((await c.fetch('/api/v1/auth/whoami')).status, 200);
    });

    it('needs the token to log out, so another site cannot end a session', async () => {
      const c = srv.session();
      await c.login(ALICE.mobile, ALICE.password);
      const res = await c.fetch('/api/v1/auth/logout', { method: 'POST', withoutCsrf: true });
      assert.equal(res.status, 403);
      assert.equal((await c.fetch('/api/v1/auth/session')).status, 200);
    });
  });

  it('refuses a wrong password with LOGIN_FAILED and sets no cookie', async () => {
    const res = await srv.session().fetch('/api/v1/auth/login/password', { json: { mobile: ALICE.mobile, password: 'wrong' } });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ApiError).code, 'LOGIN_FAILED');
    assert.equal(res.headers.get('set-cookie'), null);
  });

  it('logs in with an SMS code', async () => {
    const c = srv.session();
    const sent = await c.fetch('/api/v1/auth/otp', { json: { mobile: BOB.mobile } });
    assert.equal(sent.status, 202);
    const wrong = await c.fetch('/api/v1/auth/login/otp', { json: { mobile: BOB.mobile, code: directory.lastCode(BOB.mobile) === '000000' ? '111111' : '000000' } });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as ApiError).code, 'OTP_INVALID');
    const me = await c.loginWithOtp(BOB.mobile, directory.lastCode(BOB.mobile)!);
    assert.deepEqual(me.actor, { kind: 'person', userId: 'u_bob' });
  });

  it('ends a session at its lifetime', async () => {
    const c = srv.session();
    await c.login(ALICE.mobile, ALICE.password);
    clock.advance(3600_000);
    const res = await c.fetch('/api/v1/auth/session');
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ApiError).code, 'AUTH_REQUIRED');
  });

  it('switches the enterprise a session acts for, and refuses one the user is not a member of', async () => {
    const c = srv.session();
    await c.login(ALICE.mobile, ALICE.password);
    const sw = await c.fetch('/api/v1/auth/session', { method: 'PUT', json: { enterpriseId: 'ent_b' } });
    assert.equal(sw.status, 200);
    assert.deepEqual(((await sw.json()) as { actor: unknown }).actor, { kind: 'member', userId: 'u_alice', enterpriseId: 'ent_b', roles: ['member'] });
    const who = (await (await c.fetch('/api/v1/auth/whoami')).json()) as { actor: { enterpriseId: string } };
    assert.equal(who.actor.enterpriseId, 'ent_b');
    const other = await c.fetch('/api/v1/auth/session', { method: 'PUT', json: { enterpriseId: 'ent_z' } });
    assert.equal(other.status, 404);
    const login = await srv.session().fetch('/api/v1/auth/login/password', { json: { mobile: ALICE.mobile, password: ALICE.password, enterpriseId: 'ent_z' } });
    assert.equal(login.status, 404);
  });

  it('refuses a session whose user is gone, on the next request', async () => {
    directory.add({ userId: 'u_tmp', mobile: '13700137000', password: 'temp pass 12', memberships: [{ enterpriseId: 'ent_a', roles: ['member'] }] });
    const c = srv.session();
    await c.login('13700137000', 'temp pass 12');
    directory.remove('u_tmp');
    const res = await c.fetch('/api/v1/test/notes', { json: { text: 'x' } });
    assert.equal(res.status, 401);
    assert.equal(reached.length, 0);
  });

  it('logs in even when the browser still sends an ended session\'s cookie', async () => {
    const res = await fetch(`${srv.baseUrl}/api/v1/auth/login/password`, {
      method: 'POST',
      headers: { cookie: `signet_session=${'A'.repeat(43)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mobile: ALICE.mobile, password: ALICE.password }),
    });
    assert.equal(res.status, 200);
  });

  it('keeps mobile numbers, passwords, cookies and CSRF tokens out of the log', async () => {
    const c = srv.session();
    await c.login(ALICE.mobile, ALICE.password);
    await c.fetch('/api/v1/test/notes', { json: { text: 'secret note' } });
    const text = srv.logs.join('\n');
    assert.match(text, /POST \/api\/v1\/auth\/login\/password 200 /);
    assert.match(text, /actor=member:u_alice@ent_a/);
    for (const s of [ALICE.mobile, ALICE.password, c.cookie!.split('=')[1], c.csrfToken!, 'secret note']) assert.ok(!text.includes(s), `log leaks ${s}`);
  });

  describe('over https', () => {
    let secure: TestServer;
    before(async () => {
      secure = await startTestServer({ directory, baseUrl: 'https://sign.example.com', installation: srv.installation });
    });
    after(() => secure?.close());

    it('sets a Secure __Host- cookie and HSTS', async () => {
      const res = await secure.session().fetch('/api/v1/auth/login/password', { json: { mobile: ALICE.mobile, password: ALICE.password } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('set-cookie')!, /^__Host-signet_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
      assert.match(res.headers.get('strict-transport-security')!, /max-age=\d+/);
    });
  });
});
