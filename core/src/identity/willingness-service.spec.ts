import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import { identityStack } from '../testing/identity-stack.js';
import { sampleIdCardNumber } from './samples.js';

const MOBILE = '13700001111';
const ID = sampleIdCardNumber(5, { sequenceLastDigit: 1 });
const required = (reason: string) => (e: unknown) => isSignetError(e, 'WILLINGNESS_REQUIRED') && e.details?.reason === reason;
const is = (code: string) => (e: unknown) => isSignetError(e) && e.code === code;

async function setup(opts: { verified?: boolean } = {}) {
  const s = identityStack();
  const u = await s.directory.createUser({ mobile: MOBILE, name: '张三' });
  const me: Actor = { kind: 'person', userId: u.id };
  if (opts.verified) await s.realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'face', faceToken: 'liveness-token-1' });
  /** Passes an SMS check for `contractIds` and returns the proof. */
  const smsProof = async (contractIds: string[]) => {
    const ch = await s.willingness.start(me, u.id, { contractIds });
    return s.willingness.confirm(me, ch.id, { code: s.lastCode(MOBILE) });
  };
  return { ...s, u, me, smsProof };
}

describe('identity/WillingnessService', () => {
  describe('SMS OTP', () => {
    it('sends a code to the signer\'s mobile and turns the right code into a proof for the listed contracts', async () => {
      const { willingness, me, u, sender, lastCode, clock } = await setup();
      const ch = await willingness.start(me, u.id, { contractIds: ['ct_1'], policy: { methods: ['sms_otp'] } });
      assert.equal(ch.method, 'sms_otp');
      assert.equal(ch.mobileMasked, '137****1111');
      assert.equal(sender.sent.at(-1)!.template, 'otp');
      const proof = await willingness.confirm(me, ch.id, { code: lastCode(MOBILE) });
      assert.equal(proof.subjectUserId, u.id);
      assert.equal(proof.method, 'sms_otp');
      assert.deepEqual(proof.contractIds, ['ct_1']);
      assert.equal(proof.verifiedAt.getTime(), clock.now().getTime());
      assert.equal(proof.expiresAt.getTime(), clock.now().getTime() + 10 * 60_000);
    });

    it('leaves the challenge open after a wrong code (OTP_INVALID), and refuses a code sent for another challenge', async () => {
      const { willingness, me, u, lastCode, clock } = await setup();
      const a = await willingness.start(me, u.id, { contractIds: ['ct_1'] });
      const codeA = lastCode(MOBILE);
      await assert.rejects(willingness.confirm(me, a.id, { code: codeA === '000000' ? '111111' : '000000' }), is('OTP_INVALID'));
      clock.advance(60_000);
      const b = await willingness.start(me, u.id, { contractIds: ['ct_2'] });
      await assert.rejects(willingness.confirm(me, a.id, { code: lastCode(MOBILE) }), is('OTP_EXPIRED'));
      const p = await willingness.confirm(me, b.id, { code: lastCode(MOBILE) });
      assert.deepEqual(p.contractIds, ['ct_2']);
    });

    it('refuses to answer a challenge twice, someone else\'s, or an expired one', async () => {
      const { willingness, me, u, lastCode, clock } = await setup();
      const ch = await willingness.start(me, u.id, { contractIds: ['ct_1'] });
      const code = lastCode(MOBILE);
      await assert.rejects(willingness.confirm({ kind: 'person', userId: 'usr_x' }, ch.id, { code }), required('unknown'));
      await willingness.confirm(me, ch.id, { code });
      await assert.rejects(willingness.confirm(me, ch.id, { code }), required('answered'));
      clock.advance(60_000);
      const late = await willingness.start(me, u.id, { contractIds: ['ct_1'] });
      clock.advance(5 * 60_000);
      await assert.rejects(willingness.confirm(me, late.id, { code: lastCode(MOBILE) }), required('expired'));
      await assert.rejects(willingness.start({ kind: 'person', userId: 'usr_x' }, u.id, { contractIds: ['ct_1'] }), is('FORBIDDEN'));
    });
  });

  describe('.consume()', () => {
    it('consumes a bundle proof once per listed contract, and refuses another user or another contract', async () => {
      const { willingness, u, smsProof } = await setup();
      const proof = await smsProof(['ct_1', 'ct_2', 'ct_3', 'ct_1']);
      assert.deepEqual(proof.contractIds, ['ct_1', 'ct_2', 'ct_3']);
      for (const c of ['ct_1', 'ct_2']) {
        const ev = await willingness.consume(proof.id, { userId: u.id, contractId: c });
        assert.equal(ev.id, proof.id);
        assert.equal(ev.subjectUserId, u.id);
        assert.deepEqual(ev.contractIds, ['ct_1', 'ct_2', 'ct_3']);
      }
      await assert.rejects(willingness.consume(proof.id, { userId: u.id, contractId: 'ct_1' }), required('consumed'));
      await assert.rejects(willingness.consume(proof.id, { userId: 'usr_other', contractId: 'ct_3' }), required('other_user'));
      await assert.rejects(willingness.consume(proof.id, { userId: u.id, contractId: 'ct_9' }), required('other_contract'));
      await assert.rejects(willingness.consume('wpf_nope', { userId: u.id, contractId: 'ct_3' }), required('unknown'));
      await willingness.consume(proof.id, { userId: u.id, contractId: 'ct_3' });
      assert.deepEqual((await willingness.getProof(proof.id)).consumed, ['ct_1', 'ct_2', 'ct_3']);
    });

    it('consumes different contracts of one bundle at the same moment, each once', async () => {
      const { willingness, u, smsProof } = await setup();
      const ids = ['ct_1', 'ct_2', 'ct_3', 'ct_4'];
      const proof = await smsProof(ids);
      const results = await Promise.allSettled([...ids, ...ids].map((c) => willingness.consume(proof.id, { userId: u.id, contractId: c })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 4);
      assert.deepEqual([...(await willingness.getProof(proof.id)).consumed].sort(), ids);
    });

    it('refuses a proof 10 minutes after the check', async () => {
      const { willingness, u, smsProof, clock } = await setup();
      const proof = await smsProof(['ct_1', 'ct_2']);
      clock.advance(10 * 60_000 - 1);
      await willingness.consume(proof.id, { userId: u.id, contractId: 'ct_1' });
      clock.advance(1);
      await assert.rejects(willingness.consume(proof.id, { userId: u.id, contractId: 'ct_2' }), required('expired'));
    });

    it('audits the passed check on the signer\'s chain, with the contracts it covers', async () => {
      const { directory, u, smsProof } = await setup();
      const proof = await smsProof(['ct_1', 'ct_2']);
      const e = (await directory.audit.history(u.id)).at(-1)!;
      assert.equal(e.type, 'user.willingness_passed');
      assert.deepEqual(e.data, { challengeId: 'wch_2', proofId: proof.id, method: 'sms_otp', contractIds: ['ct_1', 'ct_2'] });
    });
  });

  describe('policies', () => {
    it('starts with face for "face first, SMS as the fallback", and falls back to SMS when face fails', async () => {
      const { willingness, me, u, lastCode } = await setup({ verified: true });
      const policy = { methods: ['face', 'sms_otp'] as ('face' | 'sms_otp')[] };
      const ch = await willingness.start(me, u.id, { contractIds: ['ct_1'], policy });
      assert.equal(ch.method, 'face');
      assert.deepEqual(ch.fallbacks, ['sms_otp']);
      await assert.rejects(willingness.confirm(me, ch.id, { faceToken: 'fail-not-the-same-person' }), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && /another method/.test(e.message));
      const sms = await willingness.start(me, u.id, { contractIds: ['ct_1'], policy, method: 'sms_otp' });
      const p = await willingness.confirm(me, sms.id, { code: lastCode(MOBILE) });
      assert.equal(p.method, 'sms_otp');
    });

    it('passes a face check against the verified identity', async () => {
      const { willingness, me, u } = await setup({ verified: true });
      const ch = await willingness.start(me, u.id, { contractIds: ['ct_1'], policy: { methods: ['face'] } });
      const p = await willingness.confirm(me, ch.id, { faceToken: 'liveness-token-2' });
      assert.equal(p.method, 'face');
    });

    it('skips face for a user without real-name verification and password until one is set', async () => {
      const { willingness, passwords, me, u } = await setup();
      assert.deepEqual(await willingness.availableMethods(u.id, { methods: ['face', 'password', 'sms_otp'] }), ['sms_otp']);
      const ch = await willingness.start(me, u.id, { contractIds: ['ct_1'], policy: { methods: ['face', 'sms_otp'] } });
      assert.equal(ch.method, 'sms_otp');
      assert.deepEqual(ch.fallbacks, []);
      await assert.rejects(willingness.start(me, u.id, { contractIds: ['ct_1'], policy: { methods: ['password'] } }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /cannot be used yet|allows/.test(e.message));
      await passwords.set(me, u.id, '135790');
      assert.deepEqual(await willingness.availableMethods(u.id, { methods: ['face', 'password', 'sms_otp'] }), ['password', 'sms_otp']);
    });

    it('checks the signing password, counting wrong ones toward its lockout', async () => {
      const { willingness, passwords, me, u } = await setup();
      await passwords.set(me, u.id, '135790');
      const ch = await willingness.start(me, u.id, { contractIds: ['ct_1', 'ct_2'], policy: { methods: ['password'] } });
      assert.equal(ch.mobileMasked, undefined);
      await assert.rejects(willingness.confirm(me, ch.id, { password: '999999' }), (e) => isSignetError(e, 'PASSWORD_INVALID') && e.details!.attemptsLeft === 4);
      const p = await willingness.confirm(me, ch.id, { password: '135790' });
      assert.equal(p.method, 'password');
      assert.deepEqual(p.contractIds, ['ct_1', 'ct_2']);
    });

    it('refuses a method the policy does not list, and an empty contract list', async () => {
      const { willingness, me, u } = await setup({ verified: true });
      await assert.rejects(willingness.start(me, u.id, { contractIds: ['ct_1'], policy: { methods: ['sms_otp'] }, method: 'face' }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /allows: sms_otp/.test(e.message));
      await assert.rejects(willingness.start(me, u.id, { contractIds: [] }), is('INVALID_ARGUMENT'));
    });
  });
});
