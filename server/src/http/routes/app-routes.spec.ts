import assert from 'node:assert/strict';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { apiError, demoClient, json, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface App { appId: string; enterpriseId: string; name: string; status: string; secret?: string }

describe('app routes: /api/v1/apps', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;
  let admin: SessionClient;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
    admin = await srv.demoAdmin();
  });
  after(() => srv?.close());

  const who = async (creds: { appId: string; secret: string }) => srv.signedFetch(creds)('/api/v1/auth/whoami');

  it('creates an app whose secret is shown once and signs requests; rotating it stops the old secret; disabling stops the app', async () => {
    const res = await admin.fetch('/api/v1/apps', { method: 'POST', json: { name: 'ERP 集成' } });
    const created = await json<App & { secret: string }>(res, 201);
    assert.match(created.secret, /^sk_/);
    assert.equal(created.enterpriseId, srv.demo!.enterprise.id);
    assert.equal((await who(created)).status, 200);
    const list = await admin.fetch('/api/v1/apps');
    const text = await list.clone().text();
    assert.ok((await json<{ items: App[] }>(list, 200)).items.some((a) => a.appId === created.appId));
    assert.ok(!text.includes(created.secret), 'the list never shows secrets');

    const rotated = await json<App & { secret: string }>(await admin.fetch(`/api/v1/apps/${created.appId}`, { method: 'PUT', json: { rotateSecret: true } }), 200);
    assert.notEqual(rotated.secret, created.secret);
    await apiError(await who(created), 401, 'AUTH_SIGNATURE_INVALID');
    assert.equal((await who({ appId: created.appId, secret: rotated.secret })).status, 200);

    const disabled = await json<App>(await admin.fetch(`/api/v1/apps/${created.appId}`, { method: 'PUT', json: { status: 'disabled' } }), 200);
    assert.equal(disabled.status, 'disabled');
    assert.equal(disabled.secret, undefined);
    await apiError(await who({ appId: created.appId, secret: rotated.secret }), 401, 'AUTH_APP_UNKNOWN');
    await json(await admin.fetch(`/api/v1/apps/${created.appId}`, { method: 'PUT', json: { status: 'active' } }), 200);
    assert.equal((await who({ appId: created.appId, secret: rotated.secret })).status, 200);

    const types = (await srv.platform.directory.audit.history(srv.demo!.enterprise.id)).filter((e) => e.type.startsWith('app.')).map((e) => e.type);
    assert.deepEqual(types, ['app.created', 'app.secret_rotated', 'app.disabled', 'app.enabled']);
    const history = JSON.stringify(await srv.platform.directory.audit.history(srv.demo!.enterprise.id));
    assert.ok(!history.includes(created.secret) && !history.includes(rotated.secret));
  });

  it('refuses members without an admin role (403), another tenant (404) and bad bodies (400), changing nothing', async () => {
    const mine = await json<App & { secret: string }>(await admin.fetch('/api/v1/apps', { method: 'POST', json: { name: 'OA' } }), 201);
    const member = await demoClient(srv, 'sealAdmin');
    await apiError(await member.fetch('/api/v1/apps'), 403, 'FORBIDDEN');
    await apiError(await member.fetch('/api/v1/apps', { method: 'POST', json: { name: 'x' } }), 403, 'FORBIDDEN');
    await apiError(await member.fetch(`/api/v1/apps/${mine.appId}`, { method: 'PUT', json: { status: 'disabled' } }), 403, 'FORBIDDEN');
    await apiError(await other.admin.fetch(`/api/v1/apps/${mine.appId}`, { method: 'PUT', json: { rotateSecret: true } }), 404, 'NOT_FOUND');
    await apiError(await other.admin.fetch(`/api/v1/apps/${mine.appId}`, { method: 'PUT', json: { status: 'disabled' } }), 404, 'NOT_FOUND');
    assert.ok(!(await json<{ items: App[] }>(await other.admin.fetch('/api/v1/apps'), 200)).items.some((a) => a.appId === mine.appId));
    await apiError(await admin.fetch(`/api/v1/apps/${mine.appId}`, { method: 'PUT', json: {} }), 400, 'INVALID_ARGUMENT');
    await apiError(await admin.fetch(`/api/v1/apps/${mine.appId}`, { method: 'PUT', json: { status: 'paused' } }), 400, 'INVALID_ARGUMENT');
    await apiError(await admin.fetch('/api/v1/apps', { method: 'POST', json: { name: 7 } }), 400, 'INVALID_ARGUMENT');
    await apiError(await admin.fetch('/api/v1/apps', { method: 'POST', body: '{"name"', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_ARGUMENT');
    assert.equal((await who(mine)).status, 200, 'the app still works with its secret');
  });
});
