/**
 * The generic OA webhook end to end (DingTalk, WeCom, 泛微 … through one JSON contract): an
 * HMAC-signed POST to `/oa/webhook` on a real server, the same stamping path as Lark, and a signed
 * callback with the result to a receiver on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { verifyPdf } from '@signet/core';
import { signOaWebhook, verifyOaWebhook } from '@signet/connector-oa';
import { samplePdf } from '../http/routes/tenant-fixtures.js';
import { eventually, startOaTestKit, type OaTestKit } from './oa-test-kit.js';

type Callback = { verified: boolean; body: { requestId: string; instanceId: string; event: string; outcome: string; contractId?: string; documents: { name: string; sha256: string; base64?: string }[]; error?: { code: string; message: string }; verifyUrl: string } };

describe('OA connector: the generic OA webhook', function () {
  this.timeout(120_000);
  let kit: OaTestKit;
  let side: Server;
  let sideUrl = '';
  const callbacks: Callback[] = [];
  const doc = samplePdf(1, 'Weaver workflow');

  const post = async (body: unknown, opts: { secret?: string; t?: number; raw?: string } = {}) => {
    const raw = opts.raw ?? JSON.stringify(body);
    const t = opts.t ?? Math.floor(Date.now() / 1000);
    return fetch(`${kit.srv.baseUrl}/oa/webhook`, {
      method: 'POST', body: raw,
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Signet-Signature': signOaWebhook(opts.secret ?? kit.genericSecret, raw, t) },
    });
  };
  const approved = (system: string, instanceId: string, extra: Record<string, unknown> = {}) => ({
    system, eventId: `evt-${randomBytes(6).toString('hex')}`, instanceId, status: 'APPROVED', seal: '合同专用章', title: `${system} 用印申请 ${instanceId}`,
    approvers: [{ name: '钉钉审批人', userId: 'ding-u-1', at: new Date().toISOString() }],
    callbackUrl: `${sideUrl}/callback`, ...extra,
  });
  const callbacksOf = (instanceId: string) => callbacks.filter((c) => c.body.instanceId === instanceId);

  before(async () => {
    kit = await startOaTestKit();
    side = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (req.url === '/doc.pdf') {
          res.setHeader('Content-Type', 'application/pdf');
          res.end(Buffer.from(doc));
          return;
        }
        const sig = req.headers['x-signet-signature'];
        callbacks.push({ verified: verifyOaWebhook(kit.genericSecret, Array.isArray(sig) ? sig[0] : sig, raw, Math.floor(Date.now() / 1000)), body: JSON.parse(raw.toString('utf8')) as Callback['body'] });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => side.listen(0, '127.0.0.1', () => r()));
    sideUrl = `http://127.0.0.1:${(side.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => side?.close(() => r()));
    await kit?.close();
  });

  it('stamps an approved DingTalk request sent with the PDF in base64, and posts a signed callback with the stamped PDF', async () => {
    const body = approved('dingtalk', 'PROC-DING-0001', { document: { name: '采购合同.pdf', base64: Buffer.from(samplePdf(2, 'DingTalk')).toString('base64') } });
    const res = await post(body);
    assert.equal(res.status, 202, await res.clone().text());
    assert.deepEqual(await res.json(), { accepted: true, requestId: 'dingtalk:PROC-DING-0001', outcome: 'pending' });
    const [cb] = await eventually('the stamped callback', () => callbacksOf('PROC-DING-0001').length ? callbacksOf('PROC-DING-0001') : undefined);
    assert.ok(cb.verified, 'the callback is signed with the shared secret');
    assert.equal(cb.body.event, 'stamped');
    assert.equal(cb.body.outcome, 'completed');
    assert.equal(cb.body.verifyUrl, `${kit.srv.baseUrl}/verify`);
    const pdf = Buffer.from(cb.body.documents[0].base64!, 'base64');
    const report = verifyPdf(pdf, { trustAnchors: [kit.srv.installation.pki.rootCertificate] });
    assert.ok(report.valid, report.summary);
    assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 1);
    const ledger = (await (await kit.srv.signedFetch({ appId: kit.app.appId, secret: kit.app.secret })(`/api/v1/seal-ledger?contractId=${cb.body.contractId}`)).json()) as { items: { outcome: string; authority?: { system?: string; instanceCode?: string; approvers?: { name: string }[] } }[] };
    assert.deepEqual(ledger.items.map((l) => [l.outcome, l.authority?.system, l.authority?.instanceCode, l.authority?.approvers?.[0].name]), [['stamped', 'dingtalk', 'PROC-DING-0001', '钉钉审批人']]);

    // The same event again, and another event for the same instance: nothing is stamped twice.
    const dup = await post(body);
    assert.equal(dup.status, 200);
    assert.equal(((await dup.json()) as { duplicate: boolean }).duplicate, true);
    assert.equal((await post({ ...body, eventId: 'evt-second' })).status, 202);
    const job = (await kit.srv.platform.queue.get(await kit.srv.platform.queue.enqueue('oa.stamp', {}, { idempotencyKey: 'dingtalk:PROC-DING-0001' })))!;
    assert.equal(job.attempts, 1);
    assert.equal(callbacksOf('PROC-DING-0001').length, 1);
  });

  it('fetches a document URL on an allowed host (泛微 workflow action)', async () => {
    const res = await post(approved('weaver', 'REQ-20260001', { document: { url: `${sideUrl}/doc.pdf`, name: '框架合同.pdf' } }));
    assert.equal(res.status, 202, await res.clone().text());
    const [cb] = await eventually('the stamped callback', () => callbacksOf('REQ-20260001').length ? callbacksOf('REQ-20260001') : undefined);
    assert.equal(cb.body.event, 'stamped');
    assert.match(cb.body.documents[0].name, /^框架合同（已用印）\.pdf$/);
  });

  it('refuses a bad signature, a stale one, a malformed body and a host that is not allowed, storing nothing', async () => {
    const body = approved('wecom', 'SP-1', { document: { url: `${sideUrl}/doc.pdf` } });
    const err = async (res: Response, status: number, code: string) => {
      const b = (await res.json()) as { code: string; message: string };
      assert.equal(res.status, status, JSON.stringify(b));
      assert.equal(b.code, code);
      return b;
    };
    await err(await post(body, { secret: 'another-secret-of-someone' }), 401, 'OA_EVENT_INVALID');
    await err(await post(body, { t: Math.floor(Date.now() / 1000) - 600 }), 401, 'OA_EVENT_INVALID');
    const tampered = JSON.stringify(body);
    const sig = signOaWebhook(kit.genericSecret, tampered, Math.floor(Date.now() / 1000));
    const res = await fetch(`${kit.srv.baseUrl}/oa/webhook`, { method: 'POST', body: tampered.replace('SP-1', 'SP-2'), headers: { 'Content-Type': 'application/json', 'X-Signet-Signature': sig } });
    await err(res, 401, 'OA_EVENT_INVALID');
    const missing = await err(await post({ ...body, approvers: undefined }), 400, 'INVALID_ARGUMENT');
    assert.match(missing.message, /approvers/);
    await err(await post({ ...body, document: { url: 'https://evil.example.com/x.pdf' } }), 400, 'INVALID_ARGUMENT');
    await err(await post(body, { raw: '{not json' }), 400, 'INVALID_ARGUMENT');
    assert.equal(await kit.request('SP-1', 'wecom'), undefined);
    assert.equal(await kit.request('SP-2', 'wecom'), undefined);
  });

  it('a rejected request stamps nothing and records the outcome', async () => {
    const res = await post({ system: 'wecom', eventId: 'evt-rej-1', instanceId: 'SP-REJ-1', status: 'REJECTED', callbackUrl: `${sideUrl}/callback` });
    assert.equal(res.status, 202);
    const r = (await kit.request('SP-REJ-1', 'wecom'))!;
    assert.equal(r.outcome, 'rejected');
    assert.equal(r.contractId, undefined);
  });

  it('a document that is not a PDF is refused, and the callback says why', async () => {
    const res = await post(approved('dingtalk', 'PROC-BAD-1', { document: { name: 'x.pdf', base64: Buffer.from('plain text, no PDF').toString('base64') } }));
    assert.equal(res.status, 202);
    assert.equal(((await res.json()) as { outcome: string }).outcome, 'refused');
    const [cb] = await eventually('the refused callback', () => callbacksOf('PROC-BAD-1').length ? callbacksOf('PROC-BAD-1') : undefined);
    assert.equal(cb.body.event, 'refused');
    assert.equal(cb.body.error?.code, 'PDF_NOT_PDF');
    assert.equal(cb.body.documents.length, 0);
  });
});
