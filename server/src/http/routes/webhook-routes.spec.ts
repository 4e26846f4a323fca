import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { apiError, demoClient, json, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface Webhook { id: string; url: string; events: string[]; enabled: boolean }
interface Delivery { id: string; eventType: string; state: string; attempts: { outcome: string; responseCode?: number }[] }

/** A webhook receiver on 127.0.0.1 that keeps every request. */
async function receiver(): Promise<{ url: string; got: { headers: Record<string, string | string[] | undefined>; body: Buffer }[]; close(): Promise<void> }> {
  const got: { headers: Record<string, string | string[] | undefined>; body: Buffer }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/signet`, got, close: () => new Promise((r) => server.close(() => r())) };
}

/** Waits (bounded) until `check` holds; no timing is asserted, only the outcome. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('webhook routes: /api/v1/webhooks', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;
  let admin: SessionClient;
  let hook: Awaited<ReturnType<typeof receiver>>;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
    admin = await srv.demoAdmin();
    hook = await receiver();
  });
  after(async () => {
    await srv?.close();
    await hook?.close();
  });

  const subscriptions = async () => srv.platform.webhooks.subscriptions(srv.demo!.enterprise.id);

  it('subscribes, shows the secret once, delivers a signed event that verifies with node:crypto, and keeps the delivery', async () => {
    const res = await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url, events: ['seal.created'], description: '测试接收端' } });
    const created = await json<{ subscription: Webhook; secret: string }>(res, 201);
    assert.match(created.secret, /^whsec_/);
    const list = await admin.fetch('/api/v1/webhooks');
    const listText = await list.clone().text();
    assert.deepEqual((await json<{ items: Webhook[] }>(list, 200)).items.map((w) => w.id), [created.subscription.id]);
    assert.ok(!listText.includes(created.secret), 'the secret is shown only once');

    const sealAdmin = await demoClient(srv, 'sealAdmin');
    await json(await sealAdmin.fetch('/api/v1/seals', { method: 'POST', json: { name: '合同专用章', category: 'contract', spec: { type: 'round', name: '上海签盟示例科技有限公司', sealType: '合同专用章' } } }), 201);
    const req = await eventually(async () => hook.got[0], 'the delivery');
    assert.equal(req.headers['x-signet-event'], 'seal.created');
    const header = String(req.headers['x-signet-signature']);
    const t = /(?:^|,)t=(\d+)/.exec(header)![1];
    const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)![1];
    const want = createHmac('sha256', created.secret).update(`${t}.`).update(req.body).digest();
    assert.ok(timingSafeEqual(Buffer.from(v1, 'hex'), want), 'the signature verifies');
    const body = JSON.parse(req.body.toString('utf8')) as { type: string; enterpriseId: string };
    assert.deepEqual([body.type, body.enterpriseId], ['seal.created', srv.demo!.enterprise.id]);

    const deliveries = await eventually(async () => {
      const d = await json<{ items: Delivery[] }>(await admin.fetch(`/api/v1/webhooks/${created.subscription.id}/deliveries`), 200);
      return d.items[0]?.state === 'delivered' ? d : undefined;
    }, 'the delivery record');
    assert.deepEqual(deliveries.items[0].attempts.map((a) => [a.outcome, a.responseCode]), [['delivered', 204]]);
    const history = await srv.platform.directory.audit.history(srv.demo!.enterprise.id);
    assert.ok(history.some((e) => e.type === 'webhook.subscribed' && e.data.webhookId === created.subscription.id));
    assert.ok(!JSON.stringify(history).includes(created.secret));
  });

  it('updates and disables a subscription', async () => {
    const { subscription } = await json<{ subscription: Webhook }>(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url, events: ['*'] } }), 201);
    const changed = await json<Webhook>(await admin.fetch(`/api/v1/webhooks/${subscription.id}`, { method: 'PUT', json: { events: ['contract.completed', 'contract.signed'], enabled: false } }), 200);
    assert.deepEqual([changed.events, changed.enabled], [['contract.completed', 'contract.signed'], false]);
    await apiError(await admin.fetch(`/api/v1/webhooks/${subscription.id}`, { method: 'PUT', json: {} }), 400, 'INVALID_ARGUMENT');
  });

  it('refuses a bad URL, bad event types, malformed JSON and a missing field, storing nothing', async () => {
    const before = (await subscriptions()).length;
    await apiError(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: 'ftp://example.com/x', events: ['*'] } }), 400, 'INVALID_ARGUMENT');
    await apiError(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: 'not a url', events: ['*'] } }), 400, 'INVALID_ARGUMENT');
    await apiError(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url, events: ['Contract Completed'] } }), 400, 'INVALID_ARGUMENT');
    assert.equal((await apiError(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url, events: 'contract.completed' } }), 400, 'INVALID_ARGUMENT')).details!.field, 'events');
    assert.equal((await apiError(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url } }), 400, 'INVALID_ARGUMENT')).details!.field, 'events');
    await apiError(await admin.fetch('/api/v1/webhooks', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_ARGUMENT');
    assert.equal((await subscriptions()).length, before);
  });

  it('refuses members without an admin role (403) and other tenants (404), changing nothing', async () => {
    const { subscription } = await json<{ subscription: Webhook }>(await admin.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url, events: ['member.added'] } }), 201);
    const member = await demoClient(srv, 'member');
    const before = (await subscriptions()).length;
    await apiError(await member.fetch('/api/v1/webhooks'), 403, 'FORBIDDEN');
    await apiError(await member.fetch('/api/v1/webhooks', { method: 'POST', json: { url: hook.url, events: ['*'] } }), 403, 'FORBIDDEN');
    await apiError(await member.fetch(`/api/v1/webhooks/${subscription.id}`, { method: 'PUT', json: { enabled: false } }), 403, 'FORBIDDEN');
    await apiError(await other.admin.fetch(`/api/v1/webhooks/${subscription.id}`, { method: 'PUT', json: { url: 'https://evil.example/x' } }), 404, 'NOT_FOUND');
    await apiError(await other.admin.fetch(`/api/v1/webhooks/${subscription.id}/deliveries`), 404, 'NOT_FOUND');
    assert.ok(!(await json<{ items: Webhook[] }>(await other.admin.fetch('/api/v1/webhooks'), 200)).items.some((w) => w.id === subscription.id));
    assert.equal((await subscriptions()).length, before);
    const stored = await srv.platform.webhooks.subscription(srv.demo!.enterprise.id, subscription.id);
    assert.deepEqual([stored.url, stored.enabled], [hook.url, true]);
  });
});
