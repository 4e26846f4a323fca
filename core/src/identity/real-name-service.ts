/**
 * Real-name verification (实名认证) of people and enterprises, through the IdentityProvider port, and
 * the rule that a certificate is issued only to a verified subject (DESIGN §1, condition 1).
 *
 * - A person: name + ID number (GB 11643) first, then one of phone three-factor, bank-card
 *   four-factor (both followed by a code sent to that mobile, to prove possession) or face.
 * - An enterprise: name + USCC (GB 32100) + legal representative first, then one of the legal
 *   representative's phone (then a code to it), a corporate bank micro-transfer reported back within
 *   limited attempts, or an authorization letter reviewed by a person.
 *
 * Every attempt is a verification record that says which checks ran, which method passed and when.
 */
import { SignetError, isSignetError } from '../errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type {
  CorporateAccount, IdentityCheckResult, IdentityProvider, MicroTransferResult, OrganizationIdentity, PersonIdentity,
} from '../ports/identity-provider.js';
import { writeOp, type RecordStore } from '../ports/record-store.js';
import type { CertificateSubject } from '../ports/signer-key-store.js';
import { isSelf, type Actor } from '../directory/actor.js';
import type { SubjectRef, VerifiedSubjects } from '../workflow/verified-subjects.js';
import { retryOnConflict } from '../directory/directory-audit.js';
import type { Directory } from '../directory/directory.js';
import type { EnterpriseRecord, UserRecord } from '../directory/directory-collections.js';
import { assertCan } from '../directory/permissions.js';
import { AttemptLimiter, retryWhen, type LockoutPolicy } from './attempt-limiter.js';
import { validateBankCard } from './bank-card.js';
import { maskIdCardNumber, validateIdCardNumber } from './id-card.js';
import {
  identityCollections, type EnterpriseVerificationMethod, type IdentityVerificationRecord, type PersonVerificationMethod,
} from './identity-collections.js';
import { validateMobile } from './mobile.js';
import { maskBankCard, maskMobile } from '../evidence/mask.js';
import { validatePersonName } from './names.js';
import type { OtpService } from './otp-service.js';

/** What the real-name service needs. */
export interface RealNameServiceDeps {
  directory: Directory;
  provider: IdentityProvider;
  otp: OtpService;
  /** Where authorization letters are uploaded; when given, a letter's blob must exist. */
  blobs?: BlobStore;
  /** Publishes `identity.verified` (data: subjectKind, subjectId, method) for webhooks. */
  events?: EventPublisher;
  /** Wrong amount/remark reports allowed per micro-transfer (default 3). */
  transferAttempts?: number;
  /** How long a micro-transfer can be reported back, in ms (default 48 hours). */
  transferTtlMs?: number;
  /** How long an authorization letter waits for review, in ms (default 7 days). */
  reviewTtlMs?: number;
  /** Failed provider checks per subject before a pause (default 5 failures → 15 minutes). */
  checkLockout?: Partial<LockoutPolicy>;
}

/** A verification as callers see it: masked values only. */
export interface VerificationView {
  id: string;
  subjectKind: 'person' | 'enterprise';
  subjectId: string;
  method: PersonVerificationMethod | EnterpriseVerificationMethod;
  status: IdentityVerificationRecord['status'];
  /** What the applicant does next, while open. */
  next?: 'enter_code' | 'report_transfer' | 'wait_for_review';
  mobileMasked?: string;
  /** Micro-transfer: reports still allowed. */
  attemptsLeft?: number;
  createdAt: string;
  expiresAt: string;
  passedAt?: string;
  failedReason?: string;
}

/** What a person submits to start verification. */
export interface PersonVerificationInput {
  name: string;
  idNumber: string;
  method: PersonVerificationMethod;
  /** `phone3`: the person's mobile; `bank4`: the mobile the bank holds for the card. */
  mobile?: string;
  /** `bank4`. */
  bankCard?: string;
  /** `face`: the token of a liveness check from the face SDK. */
  faceToken?: string;
}

/** What an enterprise administrator submits to start verification. */
export interface EnterpriseVerificationInput {
  method: EnterpriseVerificationMethod;
  /** The legal representative's name, when it differs from the one on file. */
  legalRepresentative?: string;
  /** `legal_rep_phone`. */
  legalRepIdNumber?: string;
  /** `legal_rep_phone`: the code goes to this number. */
  legalRepMobile?: string;
  /** `micro_transfer`: the corporate account to send the amount to. */
  account?: CorporateAccount;
  /** `authorization_letter`: the BlobStore id of the uploaded, stamped letter (授权书). */
  letterBlobId?: string;
}

const FIELD_ID = 'id_number';
const FIELD_MOBILE = 'mobile';

/** Runs real-name verification and answers whether a subject may get a certificate. */
export class RealNameService implements VerifiedSubjects {
  private readonly dir: Directory;
  private readonly limiter: AttemptLimiter;

  /** A real-name service over the directory's store. */
  constructor(private readonly deps: RealNameServiceDeps) {
    this.dir = deps.directory;
    this.limiter = new AttemptLimiter(deps.directory.store, deps.directory.clock, deps.checkLockout);
  }

  // ---------------------------------------------------------------- people

  /**
   * Starts a person's verification: checks formats and check digits (IDENTITY_INVALID), then name +
   * ID number and the chosen method with the provider (IDENTITY_CHECK_FAILED, recorded as a failed
   * verification). `face` passes at once; `phone3` and `bank4` send a code to the mobile and wait
   * for {@link confirmCode}. Only the user (or Signet) may start it. Throws
   * IDENTITY_VERIFICATION_CLOSED when the user is verified already, DUPLICATE when another account
   * verified this ID number, RATE_LIMITED after 5 failed checks in a row (for 15 minutes).
   */
  async startPersonVerification(actor: Actor, userId: string, input: PersonVerificationInput): Promise<VerificationView> {
    assertSelf(actor, userId);
    const user = await this.dir.userRecord(userId);
    if (user.realName.status === 'verified') throw closed('您已完成实名认证。You have passed real-name verification already.');
    const name = personName(input.name);
    const idNumber = idNumberOf(input.idNumber);
    const method = input.method;
    const claim: PersonIdentity = { name, idNumber };
    if (method === 'phone3' || method === 'bank4') claim.mobile = mobileOf(input.mobile, method === 'bank4' ? '银行预留手机号 the bank\'s mobile' : '手机号 mobile');
    if (method === 'bank4') {
      const c = validateBankCard(input.bankCard ?? '');
      if (!c.ok) throw new SignetError('IDENTITY_INVALID', `银行卡号 bank card: ${c.reason}.`);
      claim.bankCard = c.cardNumber;
    }
    if (method === 'face') {
      if (typeof input.faceToken !== 'string' || !input.faceToken) throw new SignetError('IDENTITY_INVALID', '请先完成刷脸，再提交人脸核验凭证。Take the face check first and send its faceToken.');
      claim.faceToken = input.faceToken;
    }
    if (method !== 'phone3' && method !== 'bank4' && method !== 'face') {
      throw new SignetError('INVALID_ARGUMENT', `个人实名方式应为 phone3、bank4 或 face。method must be phone3, bank4 or face.`);
    }
    const other = await this.dir.collections.users.getBy('idNumber', this.dir.cipher.blindIndex(idNumber, FIELD_ID));
    if (other && other.id !== userId) throw duplicateId();
    await this.assertChecksAllowed(userId);

    const now = this.dir.clock.now();
    const rec: IdentityVerificationRecord = {
      id: this.dir.ids.next('idv'), version: 0, subjectKind: 'person', subjectId: userId, method, status: 'awaiting_otp',
      checks: [], startedBy: actorUserId(actor) ?? 'system', createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.deps.otp.policy.ttlMs).toISOString(),
      name, idNumberCipher: this.dir.cipher.encrypt(idNumber, FIELD_ID), idNumberMasked: maskIdCardNumber(idNumber),
    };
    if (claim.mobile) Object.assign(rec, { mobileCipher: this.dir.cipher.encrypt(claim.mobile, FIELD_MOBILE), mobileMasked: maskMobile(claim.mobile) });
    if (claim.bankCard) Object.assign(rec, { bankCardCipher: this.dir.cipher.encrypt(claim.bankCard, 'bank_card'), bankCardMasked: maskBankCard(claim.bankCard) });

    for (const m of ['id2', method] as const) {
      const r = await this.ask(() => this.deps.provider.verifyPerson(claim, m));
      rec.checks.push(trace(r, this.dir.clock.now()));
      if (!r.ok) return this.failAtStart(actor, rec, r);
    }
    await this.limiter.succeed('identity_check', userId);
    if (method === 'face') return this.pass(actor, rec, true);
    await this.insert(actor, rec, 'identity.verification_started');
    await this.sendCode(claim.mobile!, rec.id);
    return view(rec);
  }

  /**
   * Completes a verification waiting for a code (`phone3`, `bank4`, `legal_rep_phone`) with the
   * code sent to its mobile. Throws the OTP errors (OTP_INVALID with attempts left, OTP_EXPIRED,
   * OTP_LOCKED), IDENTITY_VERIFICATION_CLOSED when it is not waiting for a code.
   */
  async confirmCode(actor: Actor, verificationId: string, code: string): Promise<VerificationView> {
    const rec = await this.openRecord(actor, verificationId, 'awaiting_otp');
    await this.deps.otp.verify(this.dir.cipher.decrypt(rec.mobileCipher!, FIELD_MOBILE), 'identity', code, { bind: rec.id });
    return this.pass(actor, rec, false);
  }

  /** Sends the code of a verification waiting for one again (the OTP rate limits apply). */
  async resendCode(actor: Actor, verificationId: string): Promise<VerificationView> {
    const rec = await this.openRecord(actor, verificationId, 'awaiting_otp');
    await this.deps.otp.send(this.dir.cipher.decrypt(rec.mobileCipher!, FIELD_MOBILE), 'identity', { bind: rec.id });
    return view(rec);
  }

  // ---------------------------------------------------------------- enterprises

  /**
   * Starts an enterprise's verification (needs `enterprise.verify`): name + USCC + legal
   * representative with the provider (`org3`), then the method. `legal_rep_phone` checks the legal
   * representative's ID number and mobile and sends a code to it ({@link confirmCode});
   * `micro_transfer` has the provider send an amount with a remark ({@link confirmMicroTransfer});
   * `authorization_letter` waits for a reviewer ({@link reviewAuthorizationLetter}). Throws
   * IDENTITY_INVALID, IDENTITY_CHECK_FAILED, IDENTITY_VERIFICATION_CLOSED when verified already.
   */
  async startEnterpriseVerification(actor: Actor, enterpriseId: string, input: EnterpriseVerificationInput): Promise<VerificationView> {
    assertCan(actor, 'enterprise.verify', { enterpriseId });
    const ent = await this.dir.enterpriseRecord(enterpriseId);
    if (ent.realName.status === 'verified') throw closed('该企业已完成实名认证。The enterprise has passed real-name verification already.');
    const method = input.method;
    if (method !== 'legal_rep_phone' && method !== 'micro_transfer' && method !== 'authorization_letter') {
      throw new SignetError('INVALID_ARGUMENT', '企业实名方式应为 legal_rep_phone、micro_transfer 或 authorization_letter。method must be legal_rep_phone, micro_transfer or authorization_letter.');
    }
    const rep = input.legalRepresentative === undefined ? ent.legalRepresentative : personName(input.legalRepresentative, '法定代表人 legal representative');
    const org: OrganizationIdentity = { name: ent.name, uscc: ent.uscc, legalRepresentative: rep };
    const now = this.dir.clock.now();
    const ttl = method === 'micro_transfer' ? this.deps.transferTtlMs ?? 48 * 3_600_000 : method === 'authorization_letter' ? this.deps.reviewTtlMs ?? 7 * 86_400_000 : this.deps.otp.policy.ttlMs;
    const rec: IdentityVerificationRecord = {
      id: this.dir.ids.next('idv'), version: 0, subjectKind: 'enterprise', subjectId: enterpriseId, method,
      status: method === 'legal_rep_phone' ? 'awaiting_otp' : method === 'micro_transfer' ? 'awaiting_transfer' : 'awaiting_review',
      checks: [], startedBy: actorUserId(actor) ?? 'system', createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttl).toISOString(), name: rep,
    };
    if (method === 'legal_rep_phone') {
      const idNumber = idNumberOf(input.legalRepIdNumber ?? '', '法定代表人身份证号 legal representative\'s ID number');
      const mobile = mobileOf(input.legalRepMobile, '法定代表人手机号 legal representative\'s mobile');
      Object.assign(org, { legalRepIdNumber: idNumber, legalRepMobile: mobile });
      Object.assign(rec, {
        idNumberCipher: this.dir.cipher.encrypt(idNumber, FIELD_ID), idNumberMasked: maskIdCardNumber(idNumber),
        mobileCipher: this.dir.cipher.encrypt(mobile, FIELD_MOBILE), mobileMasked: maskMobile(mobile),
      });
    }
    let letterBlobId: string | undefined;
    if (method === 'authorization_letter') {
      letterBlobId = input.letterBlobId;
      if (typeof letterBlobId !== 'string' || !/^[0-9a-f]{64}$/.test(letterBlobId)) throw new SignetError('INVALID_ARGUMENT', '请先上传盖章的授权书，再提交其 letterBlobId。Upload the stamped authorization letter first and send its letterBlobId.');
      if (this.deps.blobs && !(await this.deps.blobs.has(letterBlobId))) throw new SignetError('NOT_FOUND', '授权书文件不存在，请重新上传。The authorization letter is not stored; upload it again.');
    }
    const account = method === 'micro_transfer' ? accountOf(input.account) : undefined;
    await this.assertChecksAllowed(enterpriseId);

    const checks = method === 'legal_rep_phone' ? (['org3', 'legal_rep_phone'] as const) : (['org3'] as const);
    for (const m of checks) {
      const r = await this.ask(() => this.deps.provider.verifyOrganization(org, m));
      rec.checks.push(trace(r, this.dir.clock.now()));
      if (!r.ok) return this.failAtStart(actor, rec, r);
    }
    if (account) {
      const t: MicroTransferResult = await this.ask(() => this.deps.provider.startMicroTransfer(org, account));
      rec.checks.push({ method: 'micro_transfer', ok: t.ok, reference: t.reference, at: this.dir.clock.now().toISOString() });
      if (!t.ok) return this.failAtStart(actor, rec, { ok: false, method: 'org3', reason: t.reason });
      if (!Number.isInteger(t.amountFen) || t.amountFen! < 1 || t.amountFen! > 99 || typeof t.remark !== 'string' || !t.remark) {
        throw new SignetError('IDENTITY_PROVIDER_FAILED', '身份核验服务返回的打款信息不完整。The identity provider reported a transfer without a valid amount and remark; retry later.');
      }
      rec.transfer = {
        reference: t.reference, digest: this.transferDigest(rec.id, t.amountFen!, t.remark),
        attemptsLeft: this.deps.transferAttempts ?? 3, accountMasked: maskBankCard(account.accountNumber), bankName: account.bankName,
      };
    }
    if (letterBlobId) rec.letter = { blobId: letterBlobId };
    await this.limiter.succeed('identity_check', enterpriseId);
    await this.insert(actor, rec, 'identity.verification_started', { status: 'pending' });
    if (method === 'legal_rep_phone') await this.sendCode(org.legalRepMobile!, rec.id);
    return view(rec);
  }

  /**
   * Completes a micro-transfer verification with the amount (in fen) and the remark the applicant
   * read on the bank statement (needs `enterprise.verify`). A wrong report throws
   * IDENTITY_CHECK_FAILED with details.attemptsLeft; the last wrong one fails the verification.
   */
  async confirmMicroTransfer(actor: Actor, verificationId: string, report: { amountFen: number; remark: string }): Promise<VerificationView> {
    const rec = await this.openRecord(actor, verificationId, 'awaiting_transfer');
    const amount = Number(report.amountFen);
    const remark = typeof report.remark === 'string' ? report.remark.trim() : '';
    if (Number.isInteger(amount) && this.transferDigest(rec.id, amount, remark) === rec.transfer!.digest) return this.pass(actor, rec, false);
    let cur = rec;
    let attemptsLeft = 0;
    for (let i = 0; ; i++) {
      attemptsLeft = cur.transfer!.attemptsLeft - 1;
      if (attemptsLeft <= 0) {
        await this.fail(actor, cur, '打款金额或附言多次填写错误。The amount or remark was reported wrong too often.');
        throw new SignetError('IDENTITY_CHECK_FAILED', '打款金额或附言错误，次数已用完，请重新发起打款认证。Wrong amount or remark, and no attempts are left; start a new micro-transfer verification.', { attemptsLeft: 0 });
      }
      try {
        await identityCollections(this.store()).verifications.update({ ...cur, transfer: { ...cur.transfer!, attemptsLeft } }, cur.version);
        break;
      } catch (e) {
        // A concurrent report changed the count: count again from the stored one.
        if (i >= 5 || !isSignetError(e, 'VERSION_CONFLICT')) throw e;
        cur = await this.openRecord(actor, verificationId, 'awaiting_transfer');
      }
    }
    throw new SignetError('IDENTITY_CHECK_FAILED', `打款金额或附言错误，还可尝试 ${attemptsLeft} 次。The amount or remark is wrong; ${attemptsLeft} attempt(s) left.`, { attemptsLeft });
  }

  /**
   * Approves or rejects an enterprise's authorization letter. Only a reviewer of the platform may:
   * the actor must be Signet itself (`system`, e.g. the operator console) and `reviewer` names the
   * person who looked at the letter, for the audit. Throws FORBIDDEN, IDENTITY_VERIFICATION_CLOSED.
   */
  async reviewAuthorizationLetter(actor: Actor, verificationId: string, decision: { approve: boolean; reviewer: string; reason?: string }): Promise<VerificationView> {
    if (actor.kind !== 'system') throw new SignetError('FORBIDDEN', '授权书只能由平台审核员审核。Only a platform reviewer reviews authorization letters.');
    const reviewer = typeof decision.reviewer === 'string' ? decision.reviewer.trim().slice(0, 100) : '';
    if (!reviewer) throw new SignetError('INVALID_ARGUMENT', 'Name the reviewer.');
    const rec = await this.openRecord(actor, verificationId, 'awaiting_review');
    const reason = decision.reason?.trim().slice(0, 200) || undefined;
    if (!decision.approve && !reason) throw new SignetError('INVALID_ARGUMENT', '驳回时请填写原因。Give a reason when rejecting.');
    const reviewed: IdentityVerificationRecord = {
      ...rec, letter: { ...rec.letter!, reviewedBy: reviewer, reviewedAt: this.dir.clock.now().toISOString(), approved: decision.approve, reason },
    };
    if (decision.approve) return this.pass(actor, reviewed, false);
    return this.fail(actor, reviewed, `授权书未通过审核：${reason}。The authorization letter was rejected: ${reason}.`);
  }

  // ---------------------------------------------------------------- queries

  /** One verification (masked), or NOT_FOUND. */
  async getVerification(verificationId: string): Promise<VerificationView> {
    return view(await this.record(verificationId));
  }

  /** Every verification of a user or enterprise, oldest first. */
  async verificationsOf(subjectId: string): Promise<VerificationView[]> {
    return (await identityCollections(this.store()).verifications.find('subject', subjectId)).map(view);
  }

  /**
   * Returns when the user or enterprise has passed real-name verification; throws
   * IDENTITY_NOT_VERIFIED otherwise, NOT_FOUND when the id is unknown. `subject` is a user id, an
   * enterprise id, or the workflow's {@link SubjectRef}.
   */
  async assertVerified(subject: string | SubjectRef): Promise<void> {
    await this.verifiedSubject(subject);
  }

  /**
   * The certificate subject of a verified user (name + ID number) or enterprise (name + USCC), for
   * `SignerKeyStore.signerFor`: a certificate is issued only after verification (DESIGN §1,
   * condition 1). Throws IDENTITY_NOT_VERIFIED for an unverified subject, NOT_FOUND for an unknown id.
   */
  async certificateSubjectOf(subject: string | SubjectRef): Promise<CertificateSubject> {
    const s = await this.verifiedSubject(subject);
    if (s.kind === 'user') return { kind: 'person', name: s.rec.name!, idNumber: this.dir.cipher.decrypt(s.rec.idNumberCipher!, FIELD_ID) };
    return { kind: 'organization', name: s.rec.name, uscc: s.rec.uscc };
  }

  // ---------------------------------------------------------------- internals

  private store(): RecordStore {
    return this.dir.store;
  }

  private async verifiedSubject(subject: string | SubjectRef): Promise<{ kind: 'user'; rec: UserRecord } | { kind: 'enterprise'; rec: EnterpriseRecord }> {
    const userId = typeof subject === 'string' ? subject : subject.kind === 'person' ? subject.userId : undefined;
    const enterpriseId = typeof subject === 'string' ? subject : subject.kind === 'organization' ? subject.enterpriseId : undefined;
    const u = userId === undefined ? undefined : await this.dir.collections.users.get(userId);
    if (u) {
      if (u.realName.status !== 'verified' || !u.idNumberCipher || !u.name) throw notVerified('该用户尚未完成实名认证，不能签发证书。The user has not passed real-name verification, so no certificate is issued; verify first.');
      return { kind: 'user', rec: u };
    }
    const e = enterpriseId === undefined ? undefined : await this.dir.collections.enterprises.get(enterpriseId);
    if (e) {
      if (e.realName.status !== 'verified') throw notVerified('该企业尚未完成实名认证，不能签发证书。The enterprise has not passed real-name verification, so no certificate is issued; verify it first.');
      return { kind: 'enterprise', rec: e };
    }
    const id = userId ?? enterpriseId;
    throw new SignetError('NOT_FOUND', `用户或企业 ${id} 不存在。No user or enterprise ${id}; check the id.`);
  }

  private async record(verificationId: string): Promise<IdentityVerificationRecord> {
    const r = await identityCollections(this.store()).verifications.get(verificationId);
    if (!r) throw new SignetError('NOT_FOUND', `认证记录 ${verificationId} 不存在。No verification ${verificationId}.`);
    return r;
  }

  /** The verification, when the actor may act on it and it waits for `status`; expires it when overdue. */
  private async openRecord(actor: Actor, verificationId: string, status: IdentityVerificationRecord['status']): Promise<IdentityVerificationRecord> {
    const rec = await this.record(verificationId);
    if (rec.subjectKind === 'person') assertSelf(actor, rec.subjectId);
    else if (actor.kind !== 'system') assertCan(actor, 'enterprise.verify', { enterpriseId: rec.subjectId });
    if (rec.status === status && new Date(rec.expiresAt).getTime() <= this.dir.clock.now().getTime()) {
      await this.fail(actor, rec, '未在有效期内完成。Not completed in time.', 'expired').catch(() => undefined);
      throw closed('该认证已过期，请重新发起。The verification has expired; start a new one.');
    }
    if (rec.status !== status) throw closed(`该认证当前状态为 ${rec.status}，不能执行此步骤。The verification is ${rec.status}, so this step does not apply.`, { status: rec.status });
    return rec;
  }

  private async assertChecksAllowed(subjectId: string): Promise<void> {
    const until = await this.limiter.lockedUntil('identity_check', subjectId);
    if (!until) return;
    const w = retryWhen(until, this.dir.clock.now());
    throw new SignetError('RATE_LIMITED', `核验失败次数过多，请${w.zh}再试。Too many failed checks; retry ${w.en}.`, { retryAt: until.toISOString(), retryAfterSeconds: w.retryAfterSeconds });
  }

  /** Calls the provider; anything it throws becomes IDENTITY_PROVIDER_FAILED (PII-free). */
  private async ask<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isSignetError(e, 'IDENTITY_PROVIDER_FAILED')) throw e;
      throw new SignetError('IDENTITY_PROVIDER_FAILED', '身份核验服务暂不可用，请稍后重试。The identity provider failed; retry later.');
    }
  }

  /**
   * Sends the verification's code. When the OTP limits refuse, the verification stays open: the
   * error carries details.verificationId, for {@link resendCode} once the limit allows.
   */
  private async sendCode(mobile: string, verificationId: string): Promise<void> {
    try {
      await this.deps.otp.send(mobile, 'identity', { bind: verificationId });
    } catch (e) {
      if (isSignetError(e)) throw new SignetError(e.code, e.message, { ...e.details, verificationId });
      throw e;
    }
  }

  private transferDigest(verificationId: string, amountFen: number, remark: string): string {
    return this.dir.cipher.blindIndex(`${verificationId}|${amountFen}|${remark.trim().toUpperCase()}`, 'micro_transfer');
  }

  private async insert(actor: Actor, rec: IdentityVerificationRecord, type: string, subjectUpdate?: { status: 'pending' }): Promise<void> {
    const v = identityCollections(this.store()).verifications;
    await retryOnConflict(async () => {
      const now = this.dir.clock.now();
      const ops = [writeOp.insert(v, rec), await this.dir.audit.append(rec.subjectId, type, actor, now, auditData(rec))];
      if (subjectUpdate && rec.subjectKind === 'enterprise') {
        const e = await this.dir.enterpriseRecord(rec.subjectId);
        if (e.realName.status !== 'verified') ops.push(writeOp.update(this.dir.collections.enterprises, { ...e, realName: { status: 'pending', verificationId: rec.id } }, e.version));
      }
      await this.store().transact(ops);
    });
  }

  private async failAtStart(actor: Actor, rec: IdentityVerificationRecord, r: IdentityCheckResult): Promise<never> {
    const reason = r.reason ?? '核验未通过。The check did not pass.';
    const failed: IdentityVerificationRecord = { ...rec, status: 'failed', failedReason: reason };
    await this.insert(actor, failed, 'identity.verification_failed');
    const out = await this.limiter.fail('identity_check', rec.subjectId);
    throw new SignetError('IDENTITY_CHECK_FAILED', reason, { check: r.method, verificationId: rec.id, attemptsLeft: out.attemptsLeft });
  }

  /** Closes an open verification as failed (or expired), and an enterprise it left pending as unverified again. */
  private async fail(actor: Actor, rec: IdentityVerificationRecord, reason: string, status: 'failed' | 'expired' = 'failed'): Promise<VerificationView> {
    const next: IdentityVerificationRecord = { ...rec, status, failedReason: reason };
    await retryOnConflict(async () => {
      const now = this.dir.clock.now();
      const ops = [
        writeOp.update(identityCollections(this.store()).verifications, next, rec.version),
        await this.dir.audit.append(rec.subjectId, status === 'expired' ? 'identity.verification_expired' : rec.method === 'authorization_letter' ? 'enterprise.verification_reviewed' : 'identity.verification_failed', actor, now, { ...auditData(next), reviewer: next.letter?.reviewedBy }),
      ];
      if (rec.subjectKind === 'enterprise') {
        const e = await this.dir.enterpriseRecord(rec.subjectId);
        if (e.realName.status === 'pending' && e.realName.verificationId === rec.id) ops.push(writeOp.update(this.dir.collections.enterprises, { ...e, realName: { status: 'unverified' } }, e.version));
      }
      await this.store().transact(ops);
    }, 2);
    return view(next);
  }

  /** Marks the verification passed and the subject verified, in one batch with the audit event. */
  private async pass(actor: Actor, rec: IdentityVerificationRecord, fresh: boolean): Promise<VerificationView> {
    const v = identityCollections(this.store()).verifications;
    const now = this.dir.clock.now();
    const passed: IdentityVerificationRecord = { ...rec, status: 'passed', passedAt: now.toISOString() };
    const realName = { status: 'verified' as const, method: rec.method, verifiedAt: passed.passedAt, verificationId: rec.id };
    try {
      await retryOnConflict(async () => {
        const ops = [fresh ? writeOp.insert(v, passed) : writeOp.update(v, passed, rec.version)];
        if (rec.subjectKind === 'person') {
          const u = await this.dir.userRecord(rec.subjectId);
          const idNumber = this.dir.cipher.decrypt(rec.idNumberCipher!, FIELD_ID);
          ops.push(writeOp.update(this.dir.collections.users, {
            ...u, name: rec.name, realName, idNumberCipher: rec.idNumberCipher, idNumberMasked: rec.idNumberMasked,
            idNumberIndex: this.dir.cipher.blindIndex(idNumber, FIELD_ID),
          }, u.version));
          ops.push(await this.dir.audit.append(rec.subjectId, 'user.real_name_verified', actor, now, auditData(passed)));
        } else {
          const e = await this.dir.enterpriseRecord(rec.subjectId);
          ops.push(writeOp.update(this.dir.collections.enterprises, { ...e, realName, legalRepresentative: rec.name ?? e.legalRepresentative }, e.version));
          ops.push(await this.dir.audit.append(rec.subjectId, 'enterprise.real_name_verified', actor, now, { ...auditData(passed), reviewer: passed.letter?.reviewedBy }));
        }
        await this.store().transact(ops);
      });
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.unique === 'idNumber') throw duplicateId();
      throw e;
    }
    await this.deps.events?.publish({ type: 'identity.verified', subject: rec.subjectId, at: now, data: { subjectKind: rec.subjectKind, subjectId: rec.subjectId, method: rec.method } });
    return view(passed);
  }
}

function view(r: IdentityVerificationRecord): VerificationView {
  const next = r.status === 'awaiting_otp' ? 'enter_code' : r.status === 'awaiting_transfer' ? 'report_transfer' : r.status === 'awaiting_review' ? 'wait_for_review' : undefined;
  return {
    id: r.id, subjectKind: r.subjectKind, subjectId: r.subjectId, method: r.method, status: r.status, next,
    mobileMasked: r.mobileMasked, attemptsLeft: r.transfer?.attemptsLeft, createdAt: r.createdAt, expiresAt: r.expiresAt,
    passedAt: r.passedAt, failedReason: r.failedReason,
  };
}

/** Audit data: masked values and provider references only. */
function auditData(r: IdentityVerificationRecord): Record<string, unknown> {
  return {
    verificationId: r.id, method: r.method, status: r.status, idNumber: r.idNumberMasked, mobile: r.mobileMasked, bankCard: r.bankCardMasked,
    account: r.transfer?.accountMasked, letterBlobId: r.letter?.blobId, checks: r.checks.map((c) => ({ method: c.method, ok: c.ok, reference: c.reference })),
    failedReason: r.failedReason,
  };
}

function trace(r: IdentityCheckResult, at: Date) {
  return { method: r.method, ok: r.ok, reference: r.reference, at: at.toISOString() };
}

function closed(message: string, details?: Record<string, unknown>): SignetError {
  return new SignetError('IDENTITY_VERIFICATION_CLOSED', message, details);
}

function notVerified(message: string): SignetError {
  return new SignetError('IDENTITY_NOT_VERIFIED', message);
}

function duplicateId(): SignetError {
  return new SignetError('DUPLICATE', '该身份证号已在另一账号完成实名认证，请登录那个账号。This ID number is verified on another account; sign in to that account.', { unique: 'idNumber' });
}

function personName(name: string, what = '姓名 name'): string {
  const n = validatePersonName(name);
  if (!n.ok) throw new SignetError('IDENTITY_INVALID', `${what}: ${n.reason}.`);
  return n.name!;
}

function idNumberOf(id: string, what = '身份证号 ID number'): string {
  const c = validateIdCardNumber(id);
  if (!c.ok) throw new SignetError('IDENTITY_INVALID', `${what}: ${c.reason}.`);
  return id.trim().toUpperCase();
}

function mobileOf(mobile: string | undefined, what: string): string {
  const m = validateMobile(mobile ?? '');
  if (!m.ok) throw new SignetError('IDENTITY_INVALID', `${what}: ${m.reason}.`);
  return m.mobile!;
}

function accountOf(a: CorporateAccount | undefined): CorporateAccount {
  if (!a || typeof a !== 'object') throw new SignetError('INVALID_ARGUMENT', '请填写对公账户（户名、账号、开户行）。Give the corporate account: accountName, accountNumber, bankName.');
  const accountNumber = String(a.accountNumber ?? '').replace(/[\s-]/g, '');
  if (!/^\d{6,32}$/.test(accountNumber)) throw new SignetError('IDENTITY_INVALID', '对公账号应为 6 到 32 位数字。The account number must be 6 to 32 digits.');
  const bankName = String(a.bankName ?? '').trim();
  const accountName = String(a.accountName ?? '').trim();
  if (!bankName || !accountName) throw new SignetError('INVALID_ARGUMENT', '请填写户名和开户银行。Give the account name and the bank name.');
  return { accountName, accountNumber, bankName, branchName: a.branchName?.trim() || undefined };
}

function assertSelf(actor: Actor, userId: string): void {
  if (!isSelf(actor, userId)) throw new SignetError('FORBIDDEN', '只能为自己做实名认证。You can only verify your own identity.');
}

function actorUserId(actor: Actor): string | undefined {
  return actor.kind === 'member' || actor.kind === 'person' ? actor.userId : undefined;
}
