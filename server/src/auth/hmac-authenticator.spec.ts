import assert from 'node:assert/strict';
import { FixedClock } from '@signet/core/testing';
import { startTestServer, type TestServer } from '../testing/index.js';
import { defineRoute } from '../http/route.js';
import { signRequest, type AppCredentials } from './sign-request.js';

interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

describe('integrator HMAC auth (SIGNET-HMAC-SHA256)', function () {
  this.timeout(60_000);
  let srv: TestServer;
  let app: AppCredentials & { enterpriseId: string };
  const clock = new FixedClock(new Date());
  const reached: unknown[] = [];
  const now = () => Math.floor(clock.now().getTime() / 1000);

  before(async () => {
    srv = await startTestServer({
      clock,
      routes: () => [{
        routes: [
          defineRoute<{ body: { title: string }; query: { lang?: string } }>({
            operationId: 'testCreate',
            method: 'post',
            path: '/api/v1/test/things',
            summary: 'test',
            tags: ['test'],
            auth: ['app'],
            query: { type: 'object', properties: { lang: { type: 'string' }, notify: { type: 'string' } } },
            body: { kind: 'json', schema: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } } },
            responses: { 201: { description: 'made', schema: { type: 'object' } } },
            handler: ({ actor, body }) => {
              reached.push(body);
              return { actor, title: body.title };
            },
          }),
        ],
      }],
    });
    app = await srv.registerApp('ent_acme');
  });
  after(() => srv?.close());
  beforeEach(() => { reached.length = 0; });

  const url = () => `${srv.baseUrl}/api/v1/test/things?notify=false&lang=zh-CN`;
  const body = JSON.stringify({ title: '劳动合同' });
  const send = (headers: Record<string, string>, b: string = body, u: string = url()) =>
    fetch(u, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: b });
  const signed = (over: Partial<Parameters<typeof signRequest>[0]> = {}) =>
    signRequest({ ...app, method: 'POST', url: url(), body, timestamp: now(), ...over }).headers;
  const refused = async (res: Response, status: number, code: string) => {
    const e = (await res.json()) as ApiError;
    assert.equal(res.status, status, `${e.code}: ${e.message}`);
    assert.equal(e.code, code, e.message);
    assert.equal(reached.length, 0, 'the handler must not run');
    return e;
  };

  it('accepts a correctly signed request and hands the handler an app actor for its enterprise', async () => {
    const res = await send(signed());
    assert.equal(res.status, 201);
    const out = (await res.json()) as { actor: unknown; title: string };
    assert.deepEqual(out.actor, { kind: 'app', appId: app.appId, enterpriseId: 'ent_acme' });
    assert.equal(out.title, '劳动合同');
    assert.equal(reached.length, 1);
  });

  it('signs the query in canonical order, so parameter order on the wire does not matter', async () => {
    const headers = signRequest({ ...app, method: 'POST', url: `${srv.baseUrl}/api/v1/test/things?lang=zh-CN&notify=false`, body, timestamp: now() }).headers;
    const res = await send(headers, body, `${srv.baseUrl}/api/v1/test/things?notify=false&lang=zh-CN`);
    assert.equal(res.status, 201);
  });

  it('refuses an unsigned request with AUTH_REQUIRED, naming the missing header', async () => {
    const e = await refused(await send({}), 401, 'AUTH_REQUIRED');
    assert.match(e.message, /X-Signet/);
  });

  it('refuses a request missing one header with AUTH_REQUIRED naming that header', async () => {
    const h = signed();
    delete h['x-signet-nonce'];
    const e = await refused(await send(h), 401, 'AUTH_REQUIRED');
    assert.match(e.message, /X-Signet-Nonce/);
  });

  it('refuses a bad signature with AUTH_SIGNATURE_INVALID and shows the canonical string it expected', async () => {
    const h = signed({ secret: 'sk_wrong' });
    const e = await refused(await send(h), 401, 'AUTH_SIGNATURE_INVALID');
    assert.equal(e.details?.canonical, signRequest({ ...app, method: 'POST', url: url(), body, timestamp: Number(h['x-signet-timestamp']), nonce: h['x-signet-nonce'] }).canonical);
    assert.ok(!e.message.includes(app.secret), 'the secret never appears in a message');
  });

  it('refuses a body tampered with after signing with AUTH_SIGNATURE_INVALID', async () => {
    await refused(await send(signed(), JSON.stringify({ title: '借款合同' })), 401, 'AUTH_SIGNATURE_INVALID');
  });

  it('refuses a query tampered with after signing with AUTH_SIGNATURE_INVALID', async () => {
    await refused(await send(signed(), body, `${srv.baseUrl}/api/v1/test/things?notify=true&lang=zh-CN`), 401, 'AUTH_SIGNATURE_INVALID');
  });

  it('refuses a signature made for another method with AUTH_SIGNATURE_INVALID', async () => {
    await refused(await send(signed({ method: 'PUT' })), 401, 'AUTH_SIGNATURE_INVALID');
  });

  it('refuses a timestamp older than 5 minutes with AUTH_TIMESTAMP_SKEW', async () => {
    const e = await refused(await send(signed({ timestamp: now() - 301 })), 401, 'AUTH_TIMESTAMP_SKEW');
    assert.equal(e.details?.serverTime, now());
  });

  it('refuses a timestamp more than 5 minutes ahead with AUTH_TIMESTAMP_SKEW', async () => {
    await refused(await send(signed({ timestamp: now() + 301 })), 401, 'AUTH_TIMESTAMP_SKEW');
  });

  it('accepts a timestamp at the edge of the window', async () => {
    assert.equal((await send(signed({ timestamp: now() - 300 }))).status, 201);
  });

  it('tells a client that sends milliseconds to send seconds', async () => {
    const e = await refused(await send(signed({ timestamp: clock.now().getTime() })), 401, 'AUTH_TIMESTAMP_SKEW');
    assert.match(e.message, /milliseconds/);
  });

  it('refuses a replayed request (same nonce) with AUTH_REPLAY, even re-signed with a new timestamp', async () => {
    const h = signed();
    assert.equal((await send(h)).status, 201);
    reached.length = 0;
    await refused(await send(h), 401, 'AUTH_REPLAY');
    await refused(await send(signed({ nonce: h['x-signet-nonce'], timestamp: now() + 1 })), 401, 'AUTH_REPLAY');
  });

  it('does not use up a nonce on a request whose signature fails', async () => {
    const nonce = 'nonce-not-burnt-0001';
    await refused(await send(signed({ nonce, secret: 'sk_wrong' })), 401, 'AUTH_SIGNATURE_INVALID');
    assert.equal((await send(signed({ nonce }))).status, 201);
  });

  it('forgets nonces after the window, when their timestamp is refused anyway', async () => {
    const h = signed();
    assert.equal((await send(h)).status, 201);
    clock.advance(301_000);
    reached.length = 0;
    await refused(await send(h), 401, 'AUTH_TIMESTAMP_SKEW');
  });

  it('refuses an unknown app with AUTH_APP_UNKNOWN', async () => {
    await refused(await send(signed({ appId: 'app_nobody' })), 401, 'AUTH_APP_UNKNOWN');
  });

  it('refuses a disabled app, and accepts it again once re-enabled', async () => {
    await srv.apps.setStatus(app.appId, 'disabled');
    await refused(await send(signed()), 401, 'AUTH_APP_UNKNOWN');
    await srv.apps.setStatus(app.appId, 'active');
    assert.equal((await send(signed())).status, 201);
  });

  it('refuses the old secret after rotation and accepts the new one', async () => {
    const rotated = await srv.apps.rotateSecret(app.appId);
    await refused(await send(signed()), 401, 'AUTH_SIGNATURE_INVALID');
    app = { ...app, secret: rotated.secret };
    assert.equal((await send(signed())).status, 201);
  });

  it('refuses a malformed nonce or signature header before looking further', async () => {
    await refused(await send(signed({ nonce: 'short' })), 401, 'AUTH_SIGNATURE_INVALID');
    await refused(await send({ ...signed(), 'x-signet-signature': 'abc' }), 401, 'AUTH_SIGNATURE_INVALID');
  });

  it('refuses an unsigned request before reading its body, even an oversized one', async () => {
    const res = await send({}, JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }));
    await refused(res, 401, 'AUTH_REQUIRED');
  });

  it('signs GET requests over the empty body through signedFetch', async () => {
    const f = srv.signedFetch(app);
    const res = await f('/api/v1/auth/whoami?b=2&a=1');
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { actor: unknown }).actor, { kind: 'app', appId: app.appId, enterpriseId: 'ent_acme' });
  });

  it('keeps secrets, signatures and nonces out of the request log', async () => {
    const h = signed();
    await send(h);
    const text = srv.logs.join('\n');
    assert.match(text, /POST \/api\/v1\/test\/things 201 .* actor=app:/);
    for (const secretish of [app.secret, h['x-signet-signature'], h['x-signet-nonce'], 'zh-CN', '劳动合同']) assert.ok(!text.includes(secretish), `log leaks ${secretish}`);
  });
});
