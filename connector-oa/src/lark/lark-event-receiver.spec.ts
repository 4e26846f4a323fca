import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeLark } from '../testing/fake-lark.js';
import { LarkEventReceiver, type ApprovalInstanceEvent } from './lark-event-receiver.js';

/** A receiver on 127.0.0.1 that records the events it lets through. */
async function listen(receiver: (on: (e: ApprovalInstanceEvent) => void) => LarkEventReceiver) {
  const got: ApprovalInstanceEvent[] = [];
  const r = receiver((e) => got.push(e));
  const server: Server = createServer((req, res) => void r.handle(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lark/events`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('lark/LarkEventReceiver', () => {
  const keys = { encryptKey: 'the-encrypt-key', verificationToken: 'the-verification-token' };
  // The fake is used only to build pushes exactly as Lark does; no server is needed for that.
  const lark = new FakeLark();
  const event = (status = 'APPROVED', uuid = 'evt-1') => ({
    ts: '1700000000.000', uuid, token: keys.verificationToken, type: 'event_callback',
    event: { app_id: 'cli_x', tenant_key: 't', type: 'approval_instance', approval_code: 'APPROVAL-1', instance_code: 'INST-1', status, operate_time: '1700000000123', instance_operate_time: '1700000000123', uuid: '' },
  });

  describe('.handle() with an encrypt key', () => {
    let srv: Awaited<ReturnType<typeof listen>>;
    before(async () => {
      srv = await listen((on) => new LarkEventReceiver({ ...keys, onApprovalInstance: async (e) => { on(e); return { msg: 'ok' }; } }));
    });
    after(() => srv.close());

    it('decrypts a signed push and dispatches it through the SDK\'s EventDispatcher to the approval_instance handler', async () => {
      const res = await lark.send(srv.url, lark.signedPush(event(), keys.encryptKey));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { msg: 'ok' });
      assert.deepEqual(srv.got.at(-1), { eventId: 'evt-1', approvalCode: 'APPROVAL-1', instanceCode: 'INST-1', status: 'APPROVED', operateTime: 1700000000123, tenantKey: 't' });
    });

    it('checks the signature over the raw bytes, so a body with other JSON spacing still passes', async () => {
      const push = lark.signedPush(event('REJECTED', 'evt-2'), keys.encryptKey);
      const spaced = push.body.replace('{"encrypt":', '{ "encrypt" : ');
      const signed = lark.signedPush(event('REJECTED', 'evt-2'), keys.encryptKey);
      // Re-sign the spaced body as Lark would have.
      const { larkSignature } = await import('./lark-crypto.js');
      const headers = { ...signed.headers, 'x-lark-signature': larkSignature(signed.headers['x-lark-request-timestamp'], signed.headers['x-lark-request-nonce'], keys.encryptKey, spaced) };
      const res = await lark.send(srv.url, { headers, body: spaced });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(srv.got.at(-1)?.eventId, 'evt-2');
    });

    it('answers the URL challenge (encrypted, unsigned) without dispatching anything', async () => {
      const n = srv.got.length;
      const c = lark.challengePush(keys.verificationToken, keys.encryptKey, 'chal-123');
      const res = await lark.send(srv.url, c);
      assert.deepEqual(await res.json(), { challenge: 'chal-123' });
      assert.equal(srv.got.length, n);
    });

    it('refuses a replay, a tampered body, a missing signature, a stale timestamp and a wrong token, with 401 and nothing dispatched', async () => {
      const n = srv.got.length;
      const push = lark.signedPush(event('APPROVED', 'evt-3'), keys.encryptKey);
      assert.equal((await lark.send(srv.url, push)).status, 200);
      const cases: [string, { headers: Record<string, string>; body: string }][] = [
        ['replay', push],
        ['tampered', { headers: push.headers, body: push.body.replace(/"$/, 'A"') }],
        ['unsigned', { headers: { 'Content-Type': 'application/json' }, body: lark.signedPush(event('APPROVED', 'evt-4'), keys.encryptKey).body }],
        ['stale', lark.signedPush(event('APPROVED', 'evt-5'), keys.encryptKey, { timestamp: Math.floor(Date.now() / 1000) - 8 * 3600 })],
        ['token', lark.signedPush({ ...event('APPROVED', 'evt-6'), token: 'nope' }, keys.encryptKey)],
        ['not json', { headers: { 'Content-Type': 'application/json' }, body: 'garbage' }],
      ];
      for (const [what, p] of cases) {
        const res = await lark.send(srv.url, p);
        assert.equal(res.status, 401, what);
        assert.equal(((await res.json()) as { code: string }).code, 'OA_EVENT_INVALID', what);
      }
      assert.equal(srv.got.length, n + 1, 'only the genuine push got through');
    });
  });

  it('lets a push that failed to be stored be retried with the same nonce (Lark may resend the very same request)', async () => {
    let fail = true;
    const srv = await listen((on) => new LarkEventReceiver({ ...keys, onApprovalInstance: async (e) => {
      if (fail) throw new Error('store down');
      on(e);
      return { msg: 'ok' };
    } }));
    try {
      const push = lark.signedPush(event('APPROVED', 'evt-7'), keys.encryptKey);
      assert.equal((await lark.send(srv.url, push)).status, 500);
      fail = false;
      assert.equal((await lark.send(srv.url, push)).status, 200);
      assert.equal(srv.got.length, 1);
    } finally {
      await srv.close();
    }
  });

  it('without an encrypt key, takes plaintext events and checks only the verification token', async () => {
    const srv = await listen((on) => new LarkEventReceiver({ verificationToken: keys.verificationToken, onApprovalInstance: async (e) => { on(e); return {}; } }));
    try {
      const ok = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event('CANCELED', 'evt-8')) });
      assert.equal(ok.status, 200);
      assert.equal(srv.got[0].status, 'CANCELED');
      const bad = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...event(), token: 'x' }) });
      assert.equal(bad.status, 401);
      const c = lark.challengePush(keys.verificationToken, undefined, 'plain-chal');
      assert.deepEqual(await (await lark.send(srv.url, c)).json(), { challenge: 'plain-chal' });
    } finally {
      await srv.close();
    }
  });
});
