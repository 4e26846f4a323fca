/**
 * Willingness checks (意愿认证) before every signature (DESIGN §1, condition 2: only the signer
 * controls the signing data at signing time). A check is an SMS code, the signing password or a
 * face check; one check can cover a bundle of contracts. A passed check yields a proof that the
 * workflow consumes once per listed contract, within a short validity ({@link WillingnessGate}).
 */
import { SignetError, isSignetError } from '../errors.js';
import type { IdentityProvider } from '../ports/identity-provider.js';
import { writeOp } from '../ports/record-store.js';
import { isSelf, type Actor } from '../directory/actor.js';
import { retryOnConflict } from '../directory/directory-audit.js';
import type { Directory } from '../directory/directory.js';
import type { WillingnessMethod, WillingnessPolicy } from '../workflow/contract.js';
import type { WillingnessEvidence, WillingnessGate } from '../workflow/willingness-gate.js';
import { identityCollections, type WillingnessChallengeRecord, type WillingnessProofRecord } from './identity-collections.js';
import type { OtpService } from './otp-service.js';
import type { SigningPasswordService } from './signing-password-service.js';

/** What the willingness service needs. */
export interface WillingnessServiceDeps {
  directory: Directory;
  otp: OtpService;
  passwords: SigningPasswordService;
  /** Face checks go to the provider (`verifyPerson(…, 'face')`) with the user's verified name and ID. */
  provider: IdentityProvider;
  /** How long a proof can be consumed, in ms (default 10 minutes). */
  proofTtlMs?: number;
  /** How long a started check waits for its answer, in ms (default: the OTP lifetime, 5 minutes). */
  challengeTtlMs?: number;
  /** Most contracts one check may cover (default 100). */
  maxContracts?: number;
}

/** A started willingness check. */
export interface WillingnessChallenge {
  id: string;
  method: WillingnessMethod;
  contractIds: string[];
  expiresAt: Date;
  /** The other methods the policy allows and the user can use now, in order, to fall back to. */
  fallbacks: WillingnessMethod[];
  /** `sms_otp`: where the code went, and when another can be sent. */
  mobileMasked?: string;
  resendAt?: Date;
}

/** A passed willingness check. */
export interface WillingnessProof extends WillingnessEvidence {
  expiresAt: Date;
}

/** The answer to a challenge: the code, the password, or the face SDK's token, as the method needs. */
export interface WillingnessAnswer {
  code?: string;
  password?: string;
  faceToken?: string;
}

/** Runs willingness checks and hands their proofs to the workflow. */
export class WillingnessService implements WillingnessGate {
  private readonly dir: Directory;

  /** A willingness service over the directory's store. */
  constructor(private readonly deps: WillingnessServiceDeps) {
    this.dir = deps.directory;
  }

  /**
   * The methods of `policy` the user can use now, in the policy's order: `sms_otp` always (every
   * user has a mobile number), `password` once a signing password is set, `face` once the user has
   * passed real-name verification (the face is compared with the verified identity).
   */
  async availableMethods(userId: string, policy: Pick<WillingnessPolicy, 'methods'>): Promise<WillingnessMethod[]> {
    const u = await this.dir.userRecord(userId);
    return policy.methods.filter((m, i, all) => all.indexOf(m) === i && (
      m === 'sms_otp' || (m === 'password' && !!u.signingPasswordHash) || (m === 'face' && u.realName.status === 'verified' && !!u.idNumberCipher)
    ));
  }

  /**
   * Starts a check for `userId` covering `contractIds`, with `method` or else the first method of
   * the policy the user can use (so "face first, SMS as the fallback" starts with face, and with
   * SMS when face cannot be used). `sms_otp` sends the code now (the OTP limits apply). Only the
   * user, or Signet acting for an external signer, may start it. Throws INVALID_ARGUMENT when the
   * policy allows no usable method or not `method`.
   */
  async start(actor: Actor, userId: string, input: { contractIds: string[]; policy?: Pick<WillingnessPolicy, 'methods'>; method?: WillingnessMethod }): Promise<WillingnessChallenge> {
    if (!isSelf(actor, userId)) throw new SignetError('FORBIDDEN', '只能为自己做意愿认证。Only the signer can take their willingness check.');
    const contractIds = this.contractIdsOf(input.contractIds);
    const policy = input.policy ?? { methods: ['sms_otp'] };
    const usable = await this.availableMethods(userId, policy);
    const method = input.method ?? usable[0];
    if (!method || !usable.includes(method)) {
      const why = input.method && policy.methods.includes(input.method)
        ? `“${input.method}”目前不可用（未设置签署密码或未实名）。${input.method} cannot be used yet (no signing password, or no real-name verification).`
        : `签署策略允许的方式为：${policy.methods.join(', ')}。The policy allows: ${policy.methods.join(', ')}.`;
      throw new SignetError('INVALID_ARGUMENT', `${why} Usable now: ${usable.join(', ') || 'none'}.`, { usable });
    }
    const now = this.dir.clock.now();
    const ch: WillingnessChallengeRecord = {
      id: this.dir.ids.next('wch'), version: 0, userId, method, contractIds, status: 'open',
      createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + (this.deps.challengeTtlMs ?? this.deps.otp.policy.ttlMs)).toISOString(),
    };
    const out: WillingnessChallenge = { id: ch.id, method, contractIds, expiresAt: new Date(ch.expiresAt), fallbacks: usable.filter((m) => m !== method) };
    await identityCollections(this.dir.store).challenges.insert(ch);
    if (method === 'sms_otp') {
      const sent = await this.deps.otp.send(await this.dir.mobileOf(userId), 'willingness', { bind: ch.id });
      Object.assign(out, { mobileMasked: sent.mobileMasked, resendAt: sent.resendAt });
    }
    return out;
  }

  /**
   * Answers a challenge and returns the proof. Wrong answers throw what the method throws
   * (OTP_INVALID / OTP_EXPIRED / OTP_LOCKED, PASSWORD_INVALID / PASSWORD_LOCKED, IDENTITY_CHECK_FAILED
   * for a face that does not match) and leave the challenge open for another try or a fallback.
   * Throws WILLINGNESS_REQUIRED when the challenge is unknown, someone else's, expired or answered.
   */
  async confirm(actor: Actor, challengeId: string, answer: WillingnessAnswer): Promise<WillingnessProof> {
    const c = identityCollections(this.dir.store);
    const ch = await c.challenges.get(challengeId);
    const now = this.dir.clock.now();
    if (!ch || !isSelf(actor, ch.userId)) throw required('unknown', '意愿认证不存在，请重新发起。The willingness check is unknown; start a new one.');
    if (ch.status !== 'open') throw required('answered', '该意愿认证已完成，请使用其凭证或重新发起。The willingness check was answered already; use its proof or start a new one.');
    if (new Date(ch.expiresAt).getTime() <= now.getTime()) throw required('expired', '意愿认证已超时，请重新发起。The willingness check has expired; start a new one.');
    let reference: string | undefined;
    if (ch.method === 'sms_otp') {
      await this.deps.otp.verify(await this.dir.mobileOf(ch.userId), 'willingness', answer.code ?? '', { bind: ch.id });
    } else if (ch.method === 'password') {
      await this.deps.passwords.verify(ch.userId, answer.password ?? '');
    } else {
      const u = await this.dir.userRecord(ch.userId);
      if (!u.idNumberCipher || !u.name) throw new SignetError('IDENTITY_NOT_VERIFIED', '刷脸意愿认证需要先完成实名认证。A face check needs real-name verification first.');
      if (typeof answer.faceToken !== 'string' || !answer.faceToken) throw new SignetError('INVALID_ARGUMENT', '请先完成刷脸，再提交 faceToken。Take the face check and send its faceToken.');
      let r;
      try {
        r = await this.deps.provider.verifyPerson({ name: u.name, idNumber: this.dir.cipher.decrypt(u.idNumberCipher, 'id_number'), faceToken: answer.faceToken }, 'face');
      } catch (e) {
        if (isSignetError(e, 'IDENTITY_PROVIDER_FAILED')) throw e;
        throw new SignetError('IDENTITY_PROVIDER_FAILED', '人脸核验服务暂不可用，请稍后重试或改用其他方式。The face check service failed; retry later or use another method.');
      }
      if (!r.ok) throw new SignetError('IDENTITY_CHECK_FAILED', `${r.reason ?? '人脸核验未通过。The face check did not pass.'} 可重试或改用其他方式。Retry, or fall back to another method.`, { check: 'face' });
      reference = r.reference;
    }
    const verifiedAt = this.dir.clock.now();
    const proof: WillingnessProofRecord = {
      id: this.dir.ids.next('wpf'), version: 0, userId: ch.userId, method: ch.method, challengeId: ch.id, contractIds: [...ch.contractIds], consumed: [],
      verifiedAt: verifiedAt.toISOString(), expiresAt: new Date(verifiedAt.getTime() + (this.deps.proofTtlMs ?? 10 * 60_000)).toISOString(), reference,
    };
    try {
      await retryOnConflict(async () => this.dir.store.transact([
        writeOp.update(c.challenges, { ...ch, status: 'passed', proofId: proof.id }, ch.version),
        writeOp.insert(c.proofs, proof),
        await this.dir.audit.append(ch.userId, 'user.willingness_passed', actor, verifiedAt, {
          challengeId: ch.id, proofId: proof.id, method: ch.method, contractIds: ch.contractIds, reference,
        }),
      ]), 3);
    } catch (e) {
      if (isSignetError(e, 'VERSION_CONFLICT')) throw required('answered', '该意愿认证已完成。The willingness check was answered already.');
      throw e;
    }
    return toProof(proof);
  }

  /**
   * Consumes a proof for one signature: it must belong to `expect.userId`, list `expect.contractId`,
   * not be expired, and not have been consumed for that contract. Throws WILLINGNESS_REQUIRED
   * (details.reason: unknown, other_user, other_contract, expired, consumed) otherwise.
   */
  async consume(proofId: string, expect: { userId: string; contractId: string }): Promise<WillingnessEvidence> {
    const proofs = identityCollections(this.dir.store).proofs;
    for (let i = 0; ; i++) {
      const p = typeof proofId === 'string' && proofId ? await proofs.get(proofId) : undefined;
      if (!p) throw required('unknown', '意愿认证凭证不存在，请先完成意愿认证。The willingness proof is unknown; take a willingness check first.');
      if (p.userId !== expect.userId) throw required('other_user', '该意愿认证凭证不属于当前签署人。The willingness proof belongs to someone else; the signer must take their own check.');
      if (!p.contractIds.includes(expect.contractId)) throw required('other_contract', '该意愿认证凭证不包含此合同。The willingness proof does not cover this contract; take a check that lists it.');
      if (new Date(p.expiresAt).getTime() <= this.dir.clock.now().getTime()) throw required('expired', '意愿认证凭证已过期，请重新认证。The willingness proof has expired; take a new check.');
      if (p.consumed.includes(expect.contractId)) throw required('consumed', '该意愿认证凭证已用于此合同，请重新认证。The willingness proof was used for this contract already; take a new check.');
      try {
        await proofs.update({ ...p, consumed: [...p.consumed, expect.contractId] }, p.version);
        return { id: p.id, subjectUserId: p.userId, method: p.method, verifiedAt: new Date(p.verifiedAt), contractIds: [...p.contractIds] };
      } catch (e) {
        // Another contract of the bundle was consumed at the same moment: re-read and retry.
        if (i >= 5 || !isSignetError(e, 'VERSION_CONFLICT')) throw e;
      }
    }
  }

  /** The proof, for display; NOT_FOUND when unknown. */
  async getProof(proofId: string): Promise<WillingnessProof & { consumed: string[] }> {
    const p = await identityCollections(this.dir.store).proofs.get(proofId);
    if (!p) throw new SignetError('NOT_FOUND', `意愿认证凭证 ${proofId} 不存在。No willingness proof ${proofId}.`);
    return { ...toProof(p), consumed: [...p.consumed] };
  }

  private contractIdsOf(ids: string[]): string[] {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string' || !x)) {
      throw new SignetError('INVALID_ARGUMENT', '请列出本次意愿认证覆盖的合同。List the contract ids the check covers.');
    }
    const unique = [...new Set(ids)];
    const max = this.deps.maxContracts ?? 100;
    if (unique.length > max) throw new SignetError('INVALID_ARGUMENT', `一次意愿认证最多覆盖 ${max} 份合同。One check covers at most ${max} contracts.`);
    return unique;
  }
}

function toProof(p: WillingnessProofRecord): WillingnessProof {
  return { id: p.id, subjectUserId: p.userId, method: p.method, verifiedAt: new Date(p.verifiedAt), contractIds: [...p.contractIds], expiresAt: new Date(p.expiresAt) };
}

function required(reason: string, message: string): SignetError {
  return new SignetError('WILLINGNESS_REQUIRED', message, { reason });
}
