import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSignetError, type DomainEvent } from '@signet/core';
import { InMemoryRecordStore } from '@signet/core/testing';
import { RecordStoreJobQueue } from '../jobs/record-store-job-queue.js';
import { MasterKey } from '../storage/master-key.js';
import { Sm4FieldCipher } from '../storage/sm4-field-cipher.js';
import { WebhookEventPublisher } from './webhook-event-publisher.js';
import { WEBHOOK_JOB, WebhookService, type WebhookDelivery, type WebhookSubscriptionRecord } from './webhook-service.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

interface Received { headers: IncomingHttpHeaders; body: Buffer }

/** A webhook receiver on 127.0.0.1 whose answer to request number n (from 1) is `answer(n, res)`. */
async function receiver(answer: (n: number, res: ServerResponse) => void): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      answer(got.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/signet`, got, server };
}

/** The documented scheme, written from its description: HMAC-SHA256(secret, "<t>.<body>") in hex. */
function receiverAccepts(secret: string, r: Received, now = Date.now()): boolean {
  const header = String(r.headers['x-signet-signature']);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  if (Math.abs(now / 1000 - Number(m[1])) > 300) return false;
  const want = createHmac('sha256', secret).update(Buffer.concat([Buffer.from(`${m[1]}.`), r.body])).digest();
  return timingSafeEqual(want, Buffer.from(m[2], 'hex'));
}

async function eventually<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`gave up waiting: ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('webhooks/WebhookService', function () {
  this.timeout(60_000);
  let store: InMemoryRecordStore;
  let queue: RecordStoreJobQueue;
  let webhooks: WebhookService;
  const servers: Server[] = [];
  const at = new Date('2026-01-15T08:00:00Z');
  const event = (type: string, tenant: string, seq = 1): DomainEvent => ({ type, subject: 'ct_1', at, data: { tenant, state: 'completed', seq } });

  const setup = async (opts: { timeoutMs?: number; maxAttempts?: number } = {}) => {
    store = new InMemoryRecordStore();
    queue = new RecordStoreJobQueue({ store, pollMs: 5 });
    const cipher = new Sm4FieldCipher(MasterKey.load('/nonexistent', randomBytes(32).toString('base64')));
    webhooks = new WebhookService({ store, queue, cipher, allowPrivateNetworks: true, backoffMs: 20, maxBackoffMs: 200, timeoutMs: opts.timeoutMs ?? 2000, maxAttempts: opts.maxAttempts ?? 6 });
    await queue.start();
  };
  afterEach(async () => {
    await queue?.stop({ graceMs: 1000 });
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  const delivered = (enterpriseId: string, id: string) => eventually(`delivery ${id} settles`, () => webhooks.delivery(enterpriseId, id), (d: WebhookDelivery) => d.state !== 'pending');

  it('retries a receiver that fails the first 3 times, signing every attempt, and records each attempt', async () => {
    await setup();
    const r = await receiver((n, res) => { res.statusCode = n <= 3 ? 500 : 204; res.end(); });
    servers.push(r.server);
    const { subscription, secret } = await webhooks.subscribe({ enterpriseId: 'ent_a', url: r.url, events: ['contract.completed'] });
    const ids = await webhooks.publish(event('contract.completed', 'ent_a'), 'ent_a');
    assert.equal(ids.length, 1);
    const d = await delivered('ent_a', ids[0]);
    assert.equal(d.state, 'delivered');
    assert.equal(r.got.length, 4);
    assert.deepEqual(d.attempts.map((a) => [a.attempt, a.outcome, a.responseCode]), [[1, 'failed', 500], [2, 'failed', 500], [3, 'failed', 500], [4, 'delivered', 204]]);
    for (const a of d.attempts.slice(0, 3)) assert.ok(a.nextAttemptAt && Date.parse(a.nextAttemptAt) > Date.parse(a.at), JSON.stringify(a));
    assert.equal(d.attempts[3].nextAttemptAt, undefined);
    assert.ok(d.attempts.every((a) => a.durationMs >= 0 && a.durationMs < 2000));
    assert.ok(d.deliveredAt);
    // What the receiver saw: the same body and event id each time, signed per the documented scheme.
    for (const [i, got] of r.got.entries()) {
      assert.ok(receiverAccepts(secret, got), `attempt ${i + 1}: ${got.headers['x-signet-signature']}`);
      assert.ok(verifyWebhookSignature(secret, String(got.headers['x-signet-signature']), got.body));
      assert.equal(got.headers['x-signet-attempt'], String(i + 1));
      assert.equal(got.headers['x-signet-event'], 'contract.completed');
      assert.equal(got.headers['x-signet-delivery'], ids[0]);
      assert.equal(got.headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(got.body, r.got[0].body);
    }
    const body = JSON.parse(r.got[0].body.toString());
    assert.equal(body.type, 'contract.completed');
    assert.equal(body.enterpriseId, 'ent_a');
    assert.equal(body.occurredAt, at.toISOString());
    assert.equal(body.id, r.got[0].headers['x-signet-event-id']);
    assert.deepEqual(body.data, { tenant: 'ent_a', state: 'completed', seq: 1 });
    // A receiver refuses a tampered body, the wrong secret, and a replay outside the window.
    const sig = String(r.got[0].headers['x-signet-signature']);
    assert.equal(verifyWebhookSignature(secret, sig, Buffer.from(`${r.got[0].body} `)), false);
    assert.equal(verifyWebhookSignature('whsec_not-the-secret', sig, r.got[0].body), false);
    assert.equal(verifyWebhookSignature(secret, sig, r.got[0].body, { now: new Date(Date.now() + 301_000) }), false);
    assert.deepEqual((await webhooks.deliveriesOf('ent_a', subscription.id)).map((x) => x.id), ids);
  });

  it('counts a receiver that does not answer in time as a timeout, and a closed port as an error, then retries', async () => {
    await setup({ timeoutMs: 200 });
    const r = await receiver((n, res) => { if (n > 1) res.end('ok'); }); // the first request never gets an answer
    servers.push(r.server);
    const { secret } = await webhooks.subscribe({ enterpriseId: 'ent_a', url: r.url, events: ['*'] });
    const closed = await receiver(() => undefined);
    const deadUrl = closed.url;
    closed.server.close();
    await webhooks.subscribe({ enterpriseId: 'ent_a', url: deadUrl, events: ['contract.sent'] });
    const ids = await webhooks.publish(event('contract.sent', 'ent_a'), 'ent_a');
    assert.equal(ids.length, 2);
    const all = await Promise.all(ids.map((id) => eventually(`attempts of ${id}`, () => webhooks.delivery('ent_a', id), (d: WebhookDelivery) => d.attempts.length >= 2)));
    const live = all.find((d) => d.attempts[0].outcome === 'timeout')!;
    assert.ok(live, JSON.stringify(all.map((d) => d.attempts)));
    assert.match(live.attempts[0].error!, /No answer within 200 ms/);
    assert.equal((await delivered('ent_a', live.id)).state, 'delivered');
    assert.ok(r.got.every((g) => receiverAccepts(secret, g)));
    const refused = all.find((d) => d !== live)!;
    assert.equal(refused.attempts[0].outcome, 'error');
    assert.equal(refused.attempts[0].error, 'ECONNREFUSED');
    assert.equal(refused.attempts[0].responseCode, undefined);
  });

  it('gives up after the last attempt: the delivery fails and its job is dead-lettered', async () => {
    await setup({ maxAttempts: 3 });
    const r = await receiver((_n, res) => { res.statusCode = 503; res.end(); });
    servers.push(r.server);
    await webhooks.subscribe({ enterpriseId: 'ent_a', url: r.url, events: ['contract.completed'] });
    const [id] = await webhooks.publish(event('contract.completed', 'ent_a'), 'ent_a');
    const d = await delivered('ent_a', id);
    assert.equal(d.state, 'failed');
    assert.equal(r.got.length, 3);
    assert.deepEqual(d.attempts.map((a) => a.responseCode), [503, 503, 503]);
    assert.equal(d.attempts[2].nextAttemptAt, undefined);
    const dead = await eventually('dead letter', () => queue.deadLetters(WEBHOOK_JOB), (l) => l.length === 1);
    assert.match(dead[0].lastError!, /Gave up after 3 attempts: HTTP 503/);
  });

  it('routes events by enterprise and type, skips disabled subscriptions, and sends a republished event once', async () => {
    await setup();
    const r = await receiver((_n, res) => res.end());
    servers.push(r.server);
    const a = await webhooks.subscribe({ enterpriseId: 'ent_a', url: `${r.url}?who=a`, events: ['contract.completed', 'contract.rejected'] });
    const b = await webhooks.subscribe({ enterpriseId: 'ent_b', url: `${r.url}?who=b`, events: ['*'] });
    const off = await webhooks.subscribe({ enterpriseId: 'ent_a', url: `${r.url}?who=off`, events: ['*'] });
    await webhooks.update('ent_a', off.subscription.id, { enabled: false });
    const publisher = new WebhookEventPublisher(webhooks);
    await publisher.publish(event('contract.sent', 'ent_a', 1));
    await publisher.publish(event('contract.completed', 'ent_a', 2));
    await publisher.publish(event('contract.completed', 'ent_a', 2)); // the same event again
    await publisher.publish(event('contract.sent', 'ent_b', 3));
    await publisher.publish({ type: 'identity.verified', subject: 'u_1', at, data: {} }); // no enterprise: nowhere
    await eventually('two deliveries', async () => r.got.length, (n) => n >= 2);
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(r.got.length, 2);
    const seen = r.got.map((g) => JSON.parse(g.body.toString())).map((x) => `${x.enterpriseId}:${x.type}`).sort();
    assert.deepEqual(seen, ['ent_a:contract.completed', 'ent_b:contract.sent']);
    assert.equal((await webhooks.deliveriesOf('ent_a', a.subscription.id)).length, 1);
    assert.equal((await webhooks.deliveriesOf('ent_b', b.subscription.id)).length, 1);
    assert.equal((await webhooks.deliveriesOf('ent_a', off.subscription.id)).length, 0);
  });

  it('keeps enterprises apart and the secret encrypted and out of every answer', async () => {
    await setup();
    const { subscription, secret } = await webhooks.subscribe({ enterpriseId: 'ent_a', url: 'https://example.com/hook', events: ['contract.completed'], description: '合同完成通知' });
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const raw = (await store.collection<WebhookSubscriptionRecord>({ name: 'webhook_subscriptions' }).get(subscription.id))!;
    assert.match(raw.secret, /^sm4:1:/);
    assert.ok(!JSON.stringify(raw).includes(secret));
    assert.ok(!JSON.stringify(await webhooks.subscriptions('ent_a')).includes('sm4:1:'));
    assert.equal((await webhooks.subscriptions('ent_a'))[0].description, '合同完成通知');
    assert.deepEqual(await webhooks.subscriptions('ent_b'), []);
    const notFound = (e: unknown) => isSignetError(e, 'NOT_FOUND');
    await assert.rejects(webhooks.subscription('ent_b', subscription.id), notFound);
    await assert.rejects(webhooks.deliveriesOf('ent_b', subscription.id), notFound);
    await assert.rejects(webhooks.update('ent_b', subscription.id, { enabled: false }), notFound);
    const [id] = await webhooks.publish(event('contract.completed', 'ent_a'), 'ent_a');
    await assert.rejects(webhooks.delivery('ent_b', id), notFound);
  });

  it('refuses bad subscriptions with a clear INVALID_ARGUMENT', async () => {
    await setup();
    const bad = (input: Parameters<WebhookService['subscribe']>[0], re: RegExp) => assert.rejects(webhooks.subscribe(input), (e) => isSignetError(e, 'INVALID_ARGUMENT') && re.test(e.message));
    await bad({ enterpriseId: 'ent_a', url: 'not a url', events: ['*'] }, /not a valid URL/);
    await bad({ enterpriseId: 'ent_a', url: 'file:///etc/passwd', events: ['*'] }, /http or https/);
    await bad({ enterpriseId: 'ent_a', url: 'https://user:pw@example.com/', events: ['*'] }, /credentials/);
    await bad({ enterpriseId: 'ent_a', url: 'https://example.com/', events: [] }, /List the event types/);
    await bad({ enterpriseId: 'ent_a', url: 'https://example.com/', events: ['Contract Completed'] }, /Invalid event type/);
    await bad({ enterpriseId: 'ent_a', url: 'https://example.com/', events: ['*'], secret: 'short' }, /at least 16/);
  });

  it('re-enqueues a pending delivery whose job was never stored (a crash between the two)', async () => {
    await setup();
    const r = await receiver((_n, res) => res.end());
    servers.push(r.server);
    const { subscription } = await webhooks.subscribe({ enterpriseId: 'ent_a', url: r.url, events: ['*'] });
    const deliveries = store.collection<WebhookDelivery & { version: number }>({ name: 'webhook_deliveries' });
    await deliveries.insert({
      id: 'whd_orphan', subscriptionId: subscription.id, enterpriseId: 'ent_a', eventId: 'evt_x', eventType: 'contract.completed',
      body: '{"id":"evt_x"}', state: 'pending', attempts: [], createdAt: at.toISOString(),
    });
    assert.equal(await webhooks.recoverPending(), 1);
    assert.equal((await delivered('ent_a', 'whd_orphan')).state, 'delivered');
    assert.equal(r.got[0].body.toString(), '{"id":"evt_x"}');
  });
});

describe('webhooks/signWebhook', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 and formats t=…,v1=…', () => {
    const secret = 'whsec_test_secret_0123456789';
    const header = signWebhook(secret, '{"a":1}', 1768464000);
    assert.equal(header, `t=1768464000,v1=${createHmac('sha256', secret).update('1768464000.{"a":1}').digest('hex')}`);
    assert.ok(verifyWebhookSignature(secret, `${header},v1=${'0'.repeat(64)}`, '{"a":1}', { now: new Date(1768464000_000 + 299_000) }));
    assert.equal(verifyWebhookSignature(secret, header, '{"a":1}', { now: new Date(1768464000_000 - 301_000) }), false);
    assert.equal(verifyWebhookSignature(secret, undefined, '{"a":1}'), false);
    assert.equal(verifyWebhookSignature(secret, 'v1=abc', '{"a":1}'), false);
  });
});
