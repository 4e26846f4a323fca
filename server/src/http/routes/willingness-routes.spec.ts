import assert from 'node:assert/strict';
import { contractPdf, expectError, expectJson, linkCaller, startAcceptanceKit, tokenOf, type AcceptanceKit, type KitPerson } from '../../acceptance/acceptance-kit.js';

type Challenge = { challengeId: string; method: string; contractIds: string[]; expiresAt: string; fallbacks: string[]; maskedMobile?: string; resendAfter?: string };
type Created = { id: string; state: string; links: { signerId: string; url?: string }[]; signers: { id: string; state: string }[] };

describe('willingness routes', function () {
  this.timeout(120_000);
  let kit: AcceptanceKit;
  before(async () => { kit = await startAcceptanceKit(); });
  after(async () => kit?.close());

  /** A sent contract for `signer` with `willingness`. */
  const contractFor = async (signer: KitPerson, willingness?: unknown, title = '意愿认证示例'): Promise<Created> => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font, { title }));
    return expectJson<Created>(kit.admin.call('POST', '/api/v1/contracts', {
      title, documents: [{ fileId }], send: true,
      signers: [{ kind: 'person', name: signer.name, userId: signer.userId, ...(willingness ? { willingness } : {}) }],
    }), 201);
  };

  it('starts with the first method of the signer\'s policy the signer can use, and lists the fallbacks', async () => {
    const p = await kit.person();
    const c = await contractFor(p, ['face', 'sms_otp']);
    const ch = await expectJson<Challenge>(p.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 201);
    assert.equal(ch.method, 'face', 'face first');
    assert.deepEqual(ch.fallbacks, ['sms_otp'], 'SMS as the fallback');
    const noPassword = await kit.person({ signingPassword: false });
    const d = await contractFor(noPassword, ['password', 'sms_otp']);
    const sms = await expectJson<Challenge>(noPassword.call('POST', '/api/v1/willingness', { contractIds: [d.id] }), 201);
    assert.equal(sms.method, 'sms_otp', 'without a signing password the SMS code is the first usable method');
    assert.match(sms.maskedMobile ?? '', /^159\*{4}\d{4}$/);
    assert.ok(sms.resendAfter);
    await expectError(p.call('POST', '/api/v1/willingness', { contractIds: [c.id], method: 'password' }), 400, 'INVALID_ARGUMENT');
  });

  it('confirms with the signing password; one proof covers every listed contract, each consumed once', async () => {
    const p = await kit.person();
    const a = await contractFor(p, 'password', '合同一');
    const b = await contractFor(p, ['password', 'sms_otp'], '合同二');
    const ch = await expectJson<Challenge>(p.call('POST', '/api/v1/willingness', { contractIds: [a.id, b.id] }), 201);
    assert.equal(ch.method, 'password', 'the one method both policies allow');
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { password: 'wrong-pass' }), 400, 'PASSWORD_INVALID');
    const proof = await expectJson<{ proofId: string; contractIds: string[] }>(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { password: '582946' }), 200);
    assert.deepEqual(proof.contractIds.sort(), [a.id, b.id].sort());
    for (const id of [a.id, b.id]) assert.equal((await expectJson<Created>(p.call('POST', `/api/v1/contracts/${id}/sign`, { proofId: proof.proofId }), 200)).state, 'completed');
    const c = await contractFor(p, 'password', '合同三');
    await expectError(p.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: proof.proofId }), 403, 'WILLINGNESS_REQUIRED');
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { password: '582946' }), 403, 'WILLINGNESS_REQUIRED');
  });

  it('locks after five wrong SMS codes; the right code then fails too, and nothing is signed', async () => {
    const p = await kit.person({ signingPassword: false });
    const c = await contractFor(p, 'sms_otp');
    const ch = await expectJson<Challenge>(p.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 201);
    const code = await kit.srv.lastCode(p.mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 4; i >= 1; i--) {
      const e = await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: wrong }), 400, 'OTP_INVALID');
      assert.equal(e.details?.attemptsLeft, i);
    }
    const lock = await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: wrong }), 423, 'OTP_LOCKED');
    assert.ok(lock.details?.retryAt, 'the error says until when');
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code }), 423, 'OTP_LOCKED');
    const after = await expectJson<Created>(p.call('GET', `/api/v1/contracts/${c.id}`), 200);
    assert.equal(after.state, 'signing');
    assert.equal(after.signers[0].state, 'read');
  });

  it('resends only after the interval (RATE_LIMITED), and refuses answered or foreign challenges', async () => {
    const p = await kit.person({ signingPassword: false });
    const c = await contractFor(p, 'sms_otp');
    const ch = await expectJson<Challenge>(p.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 201);
    const limited = await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/resend`), 429, 'RATE_LIMITED');
    assert.ok(limited.details?.retryAt);
    const stranger = await kit.person();
    await expectError(stranger.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: '123456' }), 403, 'WILLINGNESS_REQUIRED');
    await expectError(stranger.call('POST', `/api/v1/willingness/${ch.challengeId}/resend`), 403, 'WILLINGNESS_REQUIRED');
    await expectError(stranger.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 404, 'NOT_FOUND');
    await expectJson(p.call('POST', `/api/v1/willingness/${ch.challengeId}/confirm`, { code: await kit.srv.lastCode(p.mobile) }), 200);
    await expectError(p.call('POST', `/api/v1/willingness/${ch.challengeId}/resend`), 403, 'WILLINGNESS_REQUIRED');
  });

  it('asks an unverified person to verify their real name before the check', async () => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
    const c = await expectJson<Created>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, signers: [{ kind: 'person', name: '郑新人', mobile: '15900007771' }] }), 201);
    const link = linkCaller(kit.srv.baseUrl, tokenOf(c.links[0].url));
    await expectError(link('POST', '/api/v1/willingness', { contractIds: [c.id] }), 403, 'IDENTITY_NOT_VERIFIED');
    await expectError(link('POST', '/api/v1/willingness', { contractIds: ['ct_other'] }), 404, 'NOT_FOUND');
  });

  it('takes a seal operator\'s check for an organization signer, with the operator\'s own password', async () => {
    const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
    const c = await expectJson<Created>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, signers: [{ kind: 'organization', name: kit.enterprise.name, enterpriseId: kit.enterprise.id, seal: kit.seal.id, willingness: 'password' }] }), 201);
    const proofId = await kit.proofByPassword(kit.sealAdmin.call, [c.id]);
    await expectError(kit.member.call('POST', '/api/v1/willingness', { contractIds: [c.id] }), 403, 'SEAL_NOT_GRANTED');
    const signed = await expectJson<Created>(kit.sealAdmin.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId }), 200);
    assert.equal(signed.state, 'completed');
  });
});
