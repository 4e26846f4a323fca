/**
 * Acceptance: bad input against a real server, each answered with its own clear error, and nothing
 * changed (the contract record, its audit chain and the seal ledger are read back and compared).
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ContractRecord } from '@signet/core';
import { contractPdf, expectError, expectJson, linkCaller, startAcceptanceKit, tokenOf, type AcceptanceKit, type KitEnterprise } from './acceptance-kit.js';

type View = { id: string; state: string; links: { signerId: string; url?: string }[] };

describe('acceptance: bad input is refused and changes nothing', function () {
  this.timeout(180_000);
  let kit: AcceptanceKit;
  let other: KitEnterprise;
  before(async () => {
    kit = await startAcceptanceKit();
    other = await kit.otherEnterprise();
  });
  after(async () => kit?.close());

  /** Everything a refused request must leave as it was. */
  const snapshot = async (id: string) => {
    const wf = kit.srv.platform.workflow.collections;
    const c = (await wf.contracts.get(id)) as ContractRecord;
    return JSON.stringify({
      c,
      audit: (await wf.audit.find('subject', id)).length,
      links: (await wf.links.find('contract', id)).map((l) => [l.id, l.usedAt, l.revokedAt]),
      ledger: (await wf.ledger.find('contract', id)).filter((e) => e.outcome === 'stamped').length,
    });
  };

  const sent = async (signers: unknown[], order = 'parallel') => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
    return expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, order, signers }), 201);
  };
  const memberSigner = () => ({ kind: 'person', name: kit.member.name, userId: kit.member.userId });

  it('malformed JSON, a missing field and a wrong type, on every JSON body of the contract API', async () => {
    const c = await sent([memberSigner()]);
    const before = await snapshot(c.id);
    const bodies: [string, string, Record<string, unknown>, string, unknown][] = [
      // [method, path, a valid-looking body, the required field, a value of the wrong type]
      ['POST', `/api/v1/contracts/${c.id}/sign`, { proofId: 'wpf_x' }, 'proofId', 42],
      ['POST', `/api/v1/contracts/${c.id}/reject`, { reason: '理由' }, 'reason', ['理由']],
      ['POST', `/api/v1/contracts/${c.id}/revoke`, { reason: '理由' }, 'reason', false],
      ['POST', `/api/v1/contracts/${c.id}/extend`, { deadline: new Date(Date.now() + 86_400_000).toISOString() }, 'deadline', 1234],
      ['PUT', `/api/v1/contracts/${c.id}/labels`, { labels: ['a'] }, 'labels', 'a'],
      ['POST', '/api/v1/willingness', { contractIds: [c.id] }, 'contractIds', c.id],
    ];
    for (const [method, path, body, field, wrong] of bodies) {
      const caller = path.includes('/reject') || path.includes('/sign') || path === '/api/v1/willingness' ? kit.member.call : kit.admin.call;
      const bad = await expectError(caller(method, path, '{"' + field + '": ', 'application/json'), 400, 'INVALID_ARGUMENT');
      assert.equal(bad.details?.rule, 'json', `${path}: ${bad.message}`);
      const missing = await expectError(caller(method, path, {}), 400, 'INVALID_ARGUMENT');
      assert.equal(missing.details?.field, field, `${path}: ${missing.message}`);
      assert.match(missing.message, new RegExp(field));
      const typed = await expectError(caller(method, path, { ...body, [field]: wrong }), 400, 'INVALID_ARGUMENT');
      assert.equal(typed.details?.field, field, `${path}: ${typed.message}`);
      await expectError(caller(method, path, body, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    await expectError(kit.admin.call('POST', '/api/v1/contracts', { signers: [memberSigner()], documents: [{ fileId: 7 }] }), 400, 'INVALID_ARGUMENT');
    assert.equal(await snapshot(c.id), before);
  });

  it('integrator requests that are unsigned, expired, replayed or altered after signing get their 401 codes and create nothing', async () => {
    const count = async () => (await kit.srv.platform.workflow.collections.contracts.find('tenant', kit.enterprise.id)).length;
    const start = await count();
    const fileId = await kit.upload(kit.appCall, contractPdf(kit.font));
    const body = JSON.stringify({ title: '签名测试', documents: [{ fileId }], signers: [memberSigner()] });
    const path = '/api/v1/contracts';
    // Written from the README's description with node:crypto only.
    const sign = (ts: number, nonce: string, payload: string) => {
      const canonical = ['SIGNET-HMAC-SHA256', 'POST', path, String(ts), nonce, createHash('sha256').update(payload, 'utf8').digest('hex')].join('\n');
      return {
        'content-type': 'application/json', 'x-signet-app-id': kit.app.appId, 'x-signet-timestamp': String(ts), 'x-signet-nonce': nonce,
        'x-signet-signature': createHmac('sha256', Buffer.from(kit.app.secret, 'utf8')).update(canonical, 'utf8').digest('hex'),
      };
    };
    const send = (headers: Record<string, string>, payload = body) => fetch(new URL(path, kit.srv.baseUrl), { method: 'POST', headers, body: payload });
    const now = Math.floor(Date.now() / 1000);
    await expectError(send({ 'content-type': 'application/json' }), 401, 'AUTH_REQUIRED');
    await expectError(send(sign(now - 301, randomBytes(12).toString('base64url'), body)), 401, 'AUTH_TIMESTAMP_SKEW');
    const altered = await expectError(send(sign(now, randomBytes(12).toString('base64url'), body), body.replace('签名测试', '被篡改')), 401, 'AUTH_SIGNATURE_INVALID');
    assert.ok(typeof altered.details?.canonical === 'string', 'the server shows the canonical string it computed');
    const once = sign(now, randomBytes(12).toString('base64url'), body);
    const ok = await expectJson<View>(send(once), 201);
    await expectError(send(once), 401, 'AUTH_REPLAY');
    await expectError(send({ ...sign(now, randomBytes(12).toString('base64url'), body), 'x-signet-app-id': 'app_unknown000000000000000' }), 401, 'AUTH_APP_UNKNOWN');
    assert.equal(await count(), start + 1, 'only the one good request created a contract');
    assert.equal((await kit.srv.platform.workflow.collections.contracts.get(ok.id))!.state, 'draft');
  });

  it('a wrong SMS code repeated until the lockout leaves the contract unsigned', async () => {
    const p = await kit.person({ signingPassword: false });
    const c = await sent([{ kind: 'person', name: p.name, userId: p.userId, willingness: 'sms_otp' }]);
    await expectJson(p.call('GET', `/api/v1/contracts/${c.id}`), 200);
    const before = await snapshot(c.id);
    const ch = await expectJson<{ challengeId: string }>(p.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 201);
    const code = await kit.srv.lastCode(p.mobile);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: wrong }), 400, 'OTP_INVALID');
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: wrong }), 423, 'OTP_LOCKED');
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code }), 423, 'OTP_LOCKED');
    await expectError(p.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: 'wpf_guess' }), 403, 'WILLINGNESS_REQUIRED');
    assert.equal(await snapshot(c.id), before);
  });

  it('a revoked signing link is refused everywhere with LINK_REVOKED', async () => {
    const c = await sent([memberSigner()]);
    const old = linkCaller(kit.srv.baseUrl, tokenOf(c.links[0].url));
    await expectJson(kit.admin.call('POST', `/api/v1/contracts/${c.id}/remind`, {}), 200);
    const before = await snapshot(c.id);
    await expectError(old('GET', '/api/v1/link'), 410, 'LINK_REVOKED');
    await expectError(old('POST', '/api/v1/link/sign', { proofId: 'wpf_x' }), 410, 'LINK_REVOKED');
    await expectError(old('POST', '/api/v1/link/reject', { reason: '不签' }), 410, 'LINK_REVOKED');
    await expectError(old('GET', '/api/v1/link/documents/d1'), 410, 'LINK_REVOKED');
    await expectError(old('POST', '/api/v1/willingness', { contractIds: [c.id] }), 410, 'LINK_REVOKED');
    assert.equal(await snapshot(c.id), before);
  });

  it('a seal the member holds no grant for is refused with SEAL_NOT_GRANTED, recorded as a refusal in the ledger', async () => {
    const c = await sent([{ kind: 'organization', name: kit.enterprise.name, enterpriseId: kit.enterprise.id, seal: kit.seal.id }]);
    const before = await snapshot(c.id);
    await expectError(kit.member.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 403, 'SEAL_NOT_GRANTED');
    await expectError(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: 'wpf_any', seal: kit.seal.id }), 403, 'SEAL_NOT_GRANTED');
    await expectError(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: 'wpf_any', seal: other.seal.id }), 400, 'INVALID_ARGUMENT');
    assert.equal(await snapshot(c.id), before);
    const refusals = (await kit.srv.platform.workflow.collections.ledger.find('contract', c.id)).filter((e) => e.outcome === 'refused');
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0].reason, 'SEAL_NOT_GRANTED');
  });

  it('a file that is not a PDF, or is cut short, is refused at upload and stores nothing', async () => {
    const files = kit.srv.platform.files.records;
    const start = (await files.find('tenant', kit.enterprise.id)).length;
    await expectError(kit.admin.call('POST', '/api/v1/files?name=a.pdf', new TextEncoder().encode('PK\u0003\u0004 this is a zip, not a PDF'), 'application/pdf'), 422, 'PDF_NOT_PDF');
    const pdf = contractPdf(kit.font);
    await expectError(kit.admin.call('POST', '/api/v1/files?name=b.pdf', pdf.subarray(0, Math.floor(pdf.length / 2)), 'application/pdf'), 422, 'PDF_TRUNCATED');
    assert.equal((await files.find('tenant', kit.enterprise.id)).length, start);
  });

  it('another tenant\'s contract id is NOT_FOUND on every contract route, and the contract is unchanged', async () => {
    const c = await sent([memberSigner()]);
    const before = await snapshot(c.id);
    const id = c.id;
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/v1/contracts/${id}`], ['GET', `/api/v1/contracts/${id}/history`], ['POST', `/api/v1/contracts/${id}/send`],
      ['POST', `/api/v1/contracts/${id}/remind`, {}], ['POST', `/api/v1/contracts/${id}/sign`, { proofId: 'wpf_x' }], ['POST', `/api/v1/contracts/${id}/stamp`, {}],
      ['POST', `/api/v1/contracts/${id}/reject`, { reason: 'x' }], ['POST', `/api/v1/contracts/${id}/revoke`, { reason: 'x' }],
      ['POST', `/api/v1/contracts/${id}/invalidate`, { reason: 'x' }], ['POST', `/api/v1/contracts/${id}/extend`, { deadline: new Date(Date.now() + 86_400_000).toISOString() }],
      ['POST', `/api/v1/contracts/${id}/finish`], ['PUT', `/api/v1/contracts/${id}/labels`, { labels: ['x'] }],
      ['GET', `/api/v1/contracts/${id}/documents/d1/preview`], ['GET', `/api/v1/contracts/${id}/documents/d1/download`], ['GET', `/api/v1/contracts/${id}/evidence`],
      ['POST', '/api/v1/willingness', { contractIds: [id] }], ['POST', '/api/v1/contracts/batch', { action: 'revoke', reason: 'x', contractIds: [id] }],
    ];
    for (const [method, path, body] of calls) {
      for (const caller of [other.admin.call, other.sealAdmin.call]) {
        const e = await expectError(caller(method, path, body), 404, 'NOT_FOUND');
        assert.ok(!e.message.includes(kit.enterprise.name), 'nothing about the other tenant leaks');
      }
      if (!['/sign', '/reject', '/labels', 'batch', 'willingness'].some((x) => path.includes(x))) await expectError(other.appCall(method, path, body), 404, 'NOT_FOUND');
    }
    assert.equal(await snapshot(c.id), before);
  });
});
