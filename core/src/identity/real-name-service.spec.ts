import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import type { IdentityProvider } from '../ports/identity-provider.js';
import { identityStack } from '../testing/identity-stack.js';
import { SandboxIdentityProvider, sandboxMicroTransfer } from './sandbox-identity-provider.js';
import { sampleBankCard, sampleIdCardNumber, sampleMobile, sampleUscc } from './samples.js';

const MOBILE = '13700001111';
const ID = sampleIdCardNumber(21, { sequenceLastDigit: 3 });
const FAILING_ID = sampleIdCardNumber(21, { sequenceLastDigit: 4 });
const USCC = sampleUscc(2026);
const ACCOUNT = { accountName: '上海示例科技有限公司', accountNumber: '6222020200112233', bankName: '中国工商银行' };
const is = (code: string) => (e: unknown) => isSignetError(e) && e.code === code;

/** The sandbox, counting the calls that reach it. */
class CountingProvider extends SandboxIdentityProvider {
  calls = 0;
  override async verifyPerson(...a: Parameters<IdentityProvider['verifyPerson']>) { this.calls++; return super.verifyPerson(...a); }
  override async verifyOrganization(...a: Parameters<IdentityProvider['verifyOrganization']>) { this.calls++; return super.verifyOrganization(...a); }
}

async function setup(provider: IdentityProvider = new CountingProvider()) {
  const s = identityStack({ provider });
  const u = await s.directory.createUser({ mobile: MOBILE, name: '张三' });
  const me: Actor = { kind: 'person', userId: u.id };
  return { ...s, u, me, counting: provider as CountingProvider };
}

async function withEnterprise() {
  const s = await setup();
  const ent = await s.directory.createEnterprise(s.me, { name: '上海示例科技有限公司', uscc: USCC, legalRepresentative: '王五' });
  const admin: Actor = await s.directory.actorFor(s.u.id, ent.id);
  return { ...s, ent, admin };
}

describe('identity/RealNameService', () => {
  describe('people', () => {
    it('refuses a certificate subject before verification, and gives it after phone3 + the code', async () => {
      const { realName, u, me, lastCode, directory } = await setup();
      await assert.rejects(realName.certificateSubjectOf(u.id), (e) => isSignetError(e, 'IDENTITY_NOT_VERIFIED') && /no certificate is issued/.test(e.message));
      await assert.rejects(realName.assertVerified(u.id), is('IDENTITY_NOT_VERIFIED'));
      const v = await realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID.toLowerCase(), method: 'phone3', mobile: MOBILE });
      assert.equal(v.status, 'awaiting_otp');
      assert.equal(v.next, 'enter_code');
      assert.equal(v.mobileMasked, '137****1111');
      await assert.rejects(realName.assertVerified(u.id), is('IDENTITY_NOT_VERIFIED'));
      const done = await realName.confirmCode(me, v.id, lastCode(MOBILE));
      assert.equal(done.status, 'passed');
      const user = (await directory.getUser(u.id))!;
      assert.equal(user.realName.status, 'verified');
      assert.equal(user.realName.method, 'phone3');
      assert.equal(user.realName.verifiedAt, '2026-01-15T08:00:00.000Z');
      assert.equal(user.realName.verificationId, v.id);
      assert.equal(user.idNumberMasked, `${ID.slice(0, 4)}**********${ID.slice(-4)}`);
      await realName.assertVerified(u.id);
      assert.deepEqual(await realName.certificateSubjectOf(u.id), { kind: 'person', name: '张三', idNumber: ID });
      assert.deepEqual(await realName.certificateSubjectOf({ kind: 'person', userId: u.id }), { kind: 'person', name: '张三', idNumber: ID });
      const checks = (await realName.verificationsOf(u.id)).map((x) => x.status);
      assert.deepEqual(checks, ['passed']);
      assert.equal((await directory.findUserByIdNumber(ID))!.id, u.id);
    });

    it('passes bank4 after the code to the bank\'s mobile, and face at once', async () => {
      const a = await setup();
      const bankMobile = sampleMobile(8, { lastDigit: 1 });
      const v = await a.realName.startPersonVerification(a.me, a.u.id, { name: '张三', idNumber: ID, method: 'bank4', bankCard: sampleBankCard(3, { digitBeforeCheck: 1 }), mobile: bankMobile });
      await a.realName.confirmCode(a.me, v.id, a.lastCode(bankMobile));
      assert.equal((await a.directory.getUser(a.u.id))!.realName.method, 'bank4');

      const b = await setup();
      const f = await b.realName.startPersonVerification(b.me, b.u.id, { name: '张三', idNumber: ID, method: 'face', faceToken: 'liveness-token-1' });
      assert.equal(f.status, 'passed');
      assert.equal((await b.directory.getUser(b.u.id))!.realName.method, 'face');
      assert.equal(b.sender.sent.length, 0);
    });

    it('records a failed check, keeps the user unverified, and says why (IDENTITY_CHECK_FAILED)', async () => {
      const { realName, u, me, directory } = await setup();
      await assert.rejects(realName.startPersonVerification(me, u.id, { name: '张三', idNumber: FAILING_ID, method: 'face', faceToken: 'liveness-token-1' }), (e) => {
        assert.ok(isSignetError(e, 'IDENTITY_CHECK_FAILED'));
        assert.match(e.message, /姓名与身份证号不一致/);
        assert.equal(e.details!.check, 'id2');
        assert.equal(e.details!.attemptsLeft, 4);
        return true;
      });
      assert.equal((await directory.getUser(u.id))!.realName.status, 'unverified');
      const [v] = await realName.verificationsOf(u.id);
      assert.equal(v.status, 'failed');
      assert.match(v.failedReason!, /does not match/);
      assert.deepEqual((await directory.audit.history(u.id)).map((e) => e.type), ['user.created', 'identity.verification_failed']);
    });

    it('fails the second check when the first passes: a mobile not registered to the person', async () => {
      const { realName, u, me } = await setup();
      await assert.rejects(realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'phone3', mobile: sampleMobile(1, { lastDigit: 4 }) }), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && e.details!.check === 'phone3');
    });

    it('pauses checks for 15 minutes after 5 failures in a row (RATE_LIMITED)', async () => {
      const { realName, u, me, clock, counting } = await setup();
      const bad = { name: '张三', idNumber: FAILING_ID, method: 'face' as const, faceToken: 'liveness-token-1' };
      for (let i = 0; i < 5; i++) await assert.rejects(realName.startPersonVerification(me, u.id, bad), is('IDENTITY_CHECK_FAILED'));
      const calls = counting.calls;
      await assert.rejects(realName.startPersonVerification(me, u.id, { ...bad, idNumber: ID }), (e) => isSignetError(e, 'RATE_LIMITED') && /15 分钟后/.test(e.message));
      assert.equal(counting.calls, calls);
      clock.advance(15 * 60_000);
      await realName.startPersonVerification(me, u.id, { ...bad, idNumber: ID });
    });

    it('rejects malformed data with IDENTITY_INVALID before asking the provider', async () => {
      const { realName, u, me, counting } = await setup();
      const cases = [
        { name: '张三', idNumber: ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0'), method: 'face' as const, faceToken: 'liveness-token-1' },
        { name: '张', idNumber: ID, method: 'face' as const, faceToken: 'liveness-token-1' },
        { name: '张三', idNumber: ID, method: 'phone3' as const, mobile: '1234' },
        { name: '张三', idNumber: ID, method: 'bank4' as const, mobile: MOBILE, bankCard: '6217000000000000003' },
        { name: '张三', idNumber: ID, method: 'face' as const },
      ];
      for (const c of cases) await assert.rejects(realName.startPersonVerification(me, u.id, c), is('IDENTITY_INVALID'));
      assert.equal(counting.calls, 0);
    });

    it('lets only the user start or finish their own verification', async () => {
      const { realName, u, me, lastCode } = await setup();
      const other: Actor = { kind: 'person', userId: 'usr_999' };
      await assert.rejects(realName.startPersonVerification(other, u.id, { name: '张三', idNumber: ID, method: 'phone3', mobile: MOBILE }), is('FORBIDDEN'));
      const v = await realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'phone3', mobile: MOBILE });
      await assert.rejects(realName.confirmCode(other, v.id, lastCode(MOBILE)), is('FORBIDDEN'));
    });

    it('refuses a second verification, and an ID number verified on another account (DUPLICATE)', async () => {
      const { realName, u, me, directory } = await setup();
      await realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'face', faceToken: 'liveness-token-1' });
      await assert.rejects(realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'face', faceToken: 'liveness-token-1' }), is('IDENTITY_VERIFICATION_CLOSED'));
      const u2 = await directory.createUser({ mobile: '13700002222' });
      await assert.rejects(realName.startPersonVerification({ kind: 'person', userId: u2.id }, u2.id, { name: '张三', idNumber: ID, method: 'face', faceToken: 'liveness-token-1' }), (e) => isSignetError(e, 'DUPLICATE') && /another account/.test(e.message));
    });

    it('expires a verification whose code was not entered within 5 minutes', async () => {
      const { realName, u, me, lastCode, clock } = await setup();
      const v = await realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'phone3', mobile: MOBILE });
      clock.advance(5 * 60_000);
      await assert.rejects(realName.confirmCode(me, v.id, lastCode(MOBILE)), (e) => isSignetError(e, 'IDENTITY_VERIFICATION_CLOSED') && /expired/.test(e.message));
      assert.equal((await realName.getVerification(v.id)).status, 'expired');
    });

    it('keeps the verification open when the code cannot be sent yet, naming it in the error for a resend', async () => {
      const { realName, u, me, otp, lastCode, clock } = await setup();
      await otp.send(MOBILE, 'identity');
      await assert.rejects(realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'phone3', mobile: MOBILE }), (e) => {
        assert.ok(isSignetError(e, 'RATE_LIMITED'));
        assert.match(String(e.details!.verificationId), /^idv_/);
        return true;
      });
      const [v] = await realName.verificationsOf(u.id);
      assert.equal(v.status, 'awaiting_otp');
      clock.advance(60_000);
      await realName.resendCode(me, v.id);
      await realName.confirmCode(me, v.id, lastCode(MOBILE));
      await realName.assertVerified(u.id);
    });

    it('reports a failing provider as IDENTITY_PROVIDER_FAILED without its internals', async () => {
      const broken: IdentityProvider = {
        verifyPerson: async () => { throw new Error('connect ECONNREFUSED 10.0.0.1 token=abc'); },
        verifyOrganization: async () => { throw new Error('x'); },
        startMicroTransfer: async () => { throw new Error('x'); },
      };
      const { realName, u, me } = await setup(broken);
      await assert.rejects(realName.startPersonVerification(me, u.id, { name: '张三', idNumber: ID, method: 'face', faceToken: 'liveness-token-1' }), (e) => isSignetError(e, 'IDENTITY_PROVIDER_FAILED') && !/ECONNREFUSED|token/.test(e.message));
    });

    it('answers NOT_FOUND for an unknown subject', async () => {
      const { realName } = await setup();
      await assert.rejects(realName.certificateSubjectOf('usr_nobody'), is('NOT_FOUND'));
      await assert.rejects(realName.certificateSubjectOf({ kind: 'organization', enterpriseId: 'usr_1' }), is('NOT_FOUND'));
    });
  });

  describe('enterprises', () => {
    it('verifies by the legal representative\'s phone and a code to it, then gives the organization subject', async () => {
      const { realName, ent, admin, lastCode, directory } = await withEnterprise();
      await assert.rejects(realName.certificateSubjectOf(ent.id), is('IDENTITY_NOT_VERIFIED'));
      const repMobile = sampleMobile(30, { lastDigit: 9 });
      const v = await realName.startEnterpriseVerification(admin, ent.id, { method: 'legal_rep_phone', legalRepIdNumber: ID, legalRepMobile: repMobile });
      assert.equal(v.next, 'enter_code');
      await realName.confirmCode(admin, v.id, lastCode(repMobile));
      assert.equal((await directory.getEnterprise(ent.id))!.realName.method, 'legal_rep_phone');
      assert.deepEqual(await realName.certificateSubjectOf({ kind: 'organization', enterpriseId: ent.id }), { kind: 'organization', name: '上海示例科技有限公司', uscc: USCC });
      assert.deepEqual((await directory.audit.history(ent.id)).map((e) => e.type), ['enterprise.created', 'member.added', 'identity.verification_started', 'enterprise.real_name_verified']);
    });

    it('lets only administrators of the enterprise verify it: FORBIDDEN for a member, NOT_FOUND for another tenant', async () => {
      const { realName, ent, directory, u } = await withEnterprise();
      const m = await directory.createUser({ mobile: '13700003333' });
      await directory.addMember({ kind: 'system', reason: 't' }, ent.id, m.id, ['member']);
      await assert.rejects(realName.startEnterpriseVerification(await directory.actorFor(m.id, ent.id), ent.id, { method: 'micro_transfer', account: ACCOUNT }), is('FORBIDDEN'));
      await assert.rejects(realName.startEnterpriseVerification({ kind: 'member', userId: u.id, enterpriseId: 'ent_other', roles: ['super_admin'] }, ent.id, { method: 'micro_transfer', account: ACCOUNT }), is('NOT_FOUND'));
    });

    it('verifies by micro-transfer: wrong reports count down, the right one passes', async () => {
      const { realName, ent, admin, directory } = await withEnterprise();
      const v = await realName.startEnterpriseVerification(admin, ent.id, { method: 'micro_transfer', account: ACCOUNT });
      assert.equal(v.status, 'awaiting_transfer');
      assert.equal(v.attemptsLeft, 3);
      assert.equal((await directory.getEnterprise(ent.id))!.realName.status, 'pending');
      const t = sandboxMicroTransfer(USCC, ACCOUNT.accountNumber);
      await assert.rejects(realName.confirmMicroTransfer(admin, v.id, { amountFen: t.amountFen === 99 ? 1 : t.amountFen + 1, remark: t.remark }), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && e.details!.attemptsLeft === 2);
      assert.equal((await realName.getVerification(v.id)).attemptsLeft, 2);
      const done = await realName.confirmMicroTransfer(admin, v.id, t);
      assert.equal(done.status, 'passed');
      assert.equal((await directory.getEnterprise(ent.id))!.realName.status, 'verified');
    });

    it('fails a micro-transfer after 3 wrong reports; a new one can pass', async () => {
      const { realName, ent, admin, directory } = await withEnterprise();
      const v = await realName.startEnterpriseVerification(admin, ent.id, { method: 'micro_transfer', account: ACCOUNT });
      const t = sandboxMicroTransfer(USCC, ACCOUNT.accountNumber);
      const wrong = { amountFen: t.amountFen, remark: '000000' === t.remark ? '111111' : '000000' };
      await assert.rejects(realName.confirmMicroTransfer(admin, v.id, wrong), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && e.details!.attemptsLeft === 2);
      await assert.rejects(realName.confirmMicroTransfer(admin, v.id, wrong), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && e.details!.attemptsLeft === 1);
      await assert.rejects(realName.confirmMicroTransfer(admin, v.id, wrong), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && e.details!.attemptsLeft === 0 && /start a new/.test(e.message));
      await assert.rejects(realName.confirmMicroTransfer(admin, v.id, t), is('IDENTITY_VERIFICATION_CLOSED'));
      assert.equal((await directory.getEnterprise(ent.id))!.realName.status, 'unverified');
      const v2 = await realName.startEnterpriseVerification(admin, ent.id, { method: 'micro_transfer', account: ACCOUNT });
      await realName.confirmMicroTransfer(admin, v2.id, t);
      await realName.assertVerified(ent.id);
    });

    it('expires an unreported micro-transfer after 48 hours, and the enterprise is no longer pending', async () => {
      const { realName, ent, admin, directory, clock } = await withEnterprise();
      const v = await realName.startEnterpriseVerification(admin, ent.id, { method: 'micro_transfer', account: ACCOUNT });
      clock.advance(48 * 3_600_000);
      await assert.rejects(realName.confirmMicroTransfer(admin, v.id, sandboxMicroTransfer(USCC, ACCOUNT.accountNumber)), (e) => isSignetError(e, 'IDENTITY_VERIFICATION_CLOSED') && /expired/.test(e.message));
      assert.equal((await realName.getVerification(v.id)).status, 'expired');
      assert.equal((await directory.getEnterprise(ent.id))!.realName.status, 'unverified');
      assert.equal((await directory.audit.history(ent.id)).at(-1)!.type, 'identity.verification_expired');
    });

    it('verifies by an authorization letter that a platform reviewer approves', async () => {
      const { realName, ent, admin, blobs, directory } = await withEnterprise();
      await assert.rejects(realName.startEnterpriseVerification(admin, ent.id, { method: 'authorization_letter', letterBlobId: 'a'.repeat(64) }), is('NOT_FOUND'));
      const letter = await blobs.put(new TextEncoder().encode('%PDF-1.7 授权书'));
      const v = await realName.startEnterpriseVerification(admin, ent.id, { method: 'authorization_letter', letterBlobId: letter });
      assert.equal(v.next, 'wait_for_review');
      await assert.rejects(realName.reviewAuthorizationLetter(admin, v.id, { approve: true, reviewer: '审核员甲' }), is('FORBIDDEN'));
      const reviewer: Actor = { kind: 'system', reason: 'operator console' };
      await assert.rejects(realName.reviewAuthorizationLetter(reviewer, v.id, { approve: false, reviewer: '审核员甲' }), is('INVALID_ARGUMENT'));
      await realName.reviewAuthorizationLetter(reviewer, v.id, { approve: true, reviewer: '审核员甲' });
      assert.equal((await directory.getEnterprise(ent.id))!.realName.method, 'authorization_letter');
      const last = (await directory.audit.history(ent.id)).at(-1)!;
      assert.equal(last.type, 'enterprise.real_name_verified');
      assert.equal(last.data.reviewer, '审核员甲');
    });

    it('records a rejected letter with its reason and leaves the enterprise unverified', async () => {
      const { realName, ent, admin, blobs, directory } = await withEnterprise();
      const letter = await blobs.put(new TextEncoder().encode('blurred scan'));
      const v = await realName.startEnterpriseVerification(admin, ent.id, { method: 'authorization_letter', letterBlobId: letter });
      const r = await realName.reviewAuthorizationLetter({ kind: 'system', reason: 'operator' }, v.id, { approve: false, reviewer: '审核员乙', reason: '公章不清晰' });
      assert.equal(r.status, 'failed');
      assert.match(r.failedReason!, /公章不清晰/);
      assert.equal((await directory.getEnterprise(ent.id))!.realName.status, 'unverified');
      await assert.rejects(realName.reviewAuthorizationLetter({ kind: 'system', reason: 'operator' }, v.id, { approve: true, reviewer: '审核员乙' }), is('IDENTITY_VERIFICATION_CLOSED'));
    });

    it('fails org3 for a USCC the sandbox refuses, before any transfer', async () => {
      const s = await setup();
      let uscc = '';
      for (let seed = 0; !uscc; seed++) if (sampleUscc(seed)[16] === '4') uscc = sampleUscc(seed);
      const ent = await s.directory.createEnterprise(s.me, { name: '上海示例科技有限公司', uscc, legalRepresentative: '王五' });
      await assert.rejects(s.realName.startEnterpriseVerification(await s.directory.actorFor(s.u.id, ent.id), ent.id, { method: 'micro_transfer', account: ACCOUNT }), (e) => isSignetError(e, 'IDENTITY_CHECK_FAILED') && e.details!.check === 'org3');
    });
  });
});
