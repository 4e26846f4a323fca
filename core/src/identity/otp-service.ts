/**
 * One-time SMS codes (短信验证码) for login, willingness and identity checks: six random digits sent
 * through the MessageSender port (template `otp`, params `code` and `minutes`), stored only as a
 * keyed digest, valid for a few minutes, usable once, rate-limited per mobile number, and locked out
 * after repeated wrong entries.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { SignetError, isSignetError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { FieldCipher } from '../ports/field-cipher.js';
import type { MessageSender } from '../ports/message-sender.js';
import type { RecordStore } from '../ports/record-store.js';
import { writeOp } from '../ports/record-store.js';
import { AttemptLimiter, retryWhen } from './attempt-limiter.js';
import { identityCollections, type OtpCodeRecord, type OtpSendRecord } from './identity-collections.js';
import { validateMobile } from './mobile.js';
import { maskMobile } from '../evidence/mask.js';

/** What a code is for; a code of one purpose never passes for another. */
export type OtpPurpose = 'login' | 'willingness' | 'identity' | 'password_reset';

/** Code lifetime and limits. */
export interface OtpPolicy {
  /** Lifetime of a code, in ms (default 5 minutes). */
  ttlMs: number;
  /** The shortest time between two codes to one mobile number, in ms (default 60 s). */
  resendIntervalMs: number;
  /** At most this many codes to one mobile number in any hour (default 5). */
  maxPerHour: number;
  /** Wrong codes in a row that lock the mobile number for the purpose (default 5). */
  maxFailures: number;
  /** How long the lock lasts, in ms (default 15 minutes). */
  lockMs: number;
}

/** The defaults: 5-minute codes, one per 60 s and 5 per hour per mobile, 5 wrong → 15 minutes locked. */
export const DEFAULT_OTP_POLICY: Readonly<OtpPolicy> = Object.freeze({
  ttlMs: 5 * 60_000, resendIntervalMs: 60_000, maxPerHour: 5, maxFailures: 5, lockMs: 15 * 60_000,
});

/** What {@link OtpService.send} tells the caller (never the code). */
export interface OtpSent {
  /** `138****8000`. */
  mobileMasked: string;
  expiresAt: Date;
  /** The earliest time another code can be sent. */
  resendAt: Date;
}

/** What the OTP service needs. */
export interface OtpServiceDeps {
  store: RecordStore;
  sender: MessageSender;
  cipher: FieldCipher;
  clock: Clock;
  policy?: Partial<OtpPolicy>;
}

const HOUR = 3_600_000;

/** Sends and checks one-time codes. */
export class OtpService {
  /** The policy in force. */
  readonly policy: OtpPolicy;
  private readonly limiter: AttemptLimiter;

  /** An OTP service with `deps.policy` overriding {@link DEFAULT_OTP_POLICY}. */
  constructor(private readonly deps: OtpServiceDeps) {
    this.policy = { ...DEFAULT_OTP_POLICY, ...deps.policy };
    this.limiter = new AttemptLimiter(deps.store, deps.clock, { maxFailures: this.policy.maxFailures, lockMs: this.policy.lockMs });
  }

  /**
   * Sends a new code for `purpose` to `mobile`, replacing any earlier one. Throws IDENTITY_INVALID for
   * a malformed number, OTP_LOCKED while wrong codes lock it, RATE_LIMITED within the resend interval
   * or past the hourly cap (details.retryAt, details.retryAfterSeconds), MESSAGE_SEND_FAILED when the
   * gateway refuses (the code then stays valid, and counts toward the limits). `bind` ties the code
   * to one request (a willingness challenge, a verification): only a check with the same `bind` passes.
   */
  async send(mobile: string, purpose: OtpPurpose, opts: { bind?: string } = {}): Promise<OtpSent> {
    const number = normalise(mobile);
    const index = this.deps.cipher.blindIndex(number, 'mobile');
    await this.assertNotLocked(index, purpose);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const { codes, sends } = this.collections();
    let issued = this.deps.clock.now();
    for (let i = 0; ; i++) {
      const now = this.deps.clock.now();
      const sendId = `otps_${idPart(index)}`;
      const prior = await sends.get(sendId);
      const recent = (prior?.sentAt ?? []).filter((t) => now.getTime() - new Date(t).getTime() < HOUR);
      // The resend interval is per purpose: a signer who just verified their name by SMS can get a
      // willingness code at once; the hourly cap still counts every code to the number.
      const lastOfPurpose = prior?.lastByPurpose ? prior.lastByPurpose[purpose] : recent[recent.length - 1];
      const last = lastOfPurpose ? new Date(lastOfPurpose) : undefined;
      if (last && now.getTime() - last.getTime() < this.policy.resendIntervalMs) {
        throw rateLimited(new Date(last.getTime() + this.policy.resendIntervalMs), now, 'interval', this.policy);
      }
      if (recent.length >= this.policy.maxPerHour) throw rateLimited(new Date(new Date(recent[0]).getTime() + HOUR), now, 'hourly', this.policy);
      const codeId = `otpc_${idPart(`${purpose}|${index}`)}`;
      const priorCode = await codes.get(codeId);
      const next: OtpCodeRecord = {
        id: codeId, version: priorCode?.version ?? 0, mobileIndex: index, purpose,
        codeDigest: this.digest(codeId, now.toISOString(), code, opts.bind), issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.policy.ttlMs).toISOString(), used: false, bind: opts.bind,
      };
      const sendRec: OtpSendRecord = {
        id: sendId, version: prior?.version ?? 0, mobileIndex: index, sentAt: [...recent, now.toISOString()],
        lastByPurpose: { ...prior?.lastByPurpose, [purpose]: now.toISOString() },
      };
      try {
        await this.deps.store.transact([
          prior ? writeOp.update(sends, sendRec, prior.version) : writeOp.insert(sends, sendRec),
          priorCode ? writeOp.update(codes, next, priorCode.version) : writeOp.insert(codes, next),
        ]);
        issued = now;
        break;
      } catch (e) {
        // Another send to the same number won the race: the loop re-reads and applies the interval.
        if (i >= 3 || !(isSignetError(e, 'VERSION_CONFLICT') || isSignetError(e, 'DUPLICATE'))) throw e;
      }
    }
    const minutes = String(Math.max(1, Math.round(this.policy.ttlMs / 60_000)));
    try {
      await this.deps.sender.send({ to: number, template: 'otp', params: { code, minutes } });
    } catch (e) {
      if (isSignetError(e, 'MESSAGE_SEND_FAILED')) throw e;
      throw new SignetError('MESSAGE_SEND_FAILED', '验证码短信发送失败，请稍后重试。The code could not be sent; retry in a minute.');
    }
    return {
      mobileMasked: maskMobile(number),
      expiresAt: new Date(issued.getTime() + this.policy.ttlMs),
      resendAt: new Date(issued.getTime() + this.policy.resendIntervalMs),
    };
  }

  /**
   * Checks `code` against the latest code for `purpose` sent to `mobile`, and uses it up. Throws
   * OTP_LOCKED (details.retryAt) while locked, OTP_EXPIRED when there is no live code (none sent,
   * expired, or already used), OTP_INVALID (details.attemptsLeft) for a wrong code, and OTP_LOCKED
   * when this wrong code reached the limit, which also voids the code.
   */
  async verify(mobile: string, purpose: OtpPurpose, code: string, opts: { bind?: string } = {}): Promise<void> {
    const number = normalise(mobile);
    const index = this.deps.cipher.blindIndex(number, 'mobile');
    await this.assertNotLocked(index, purpose);
    const { codes } = this.collections();
    const codeId = `otpc_${idPart(`${purpose}|${index}`)}`;
    const rec = await codes.get(codeId);
    const now = this.deps.clock.now();
    if (!rec || rec.used || new Date(rec.expiresAt).getTime() <= now.getTime()) {
      throw new SignetError('OTP_EXPIRED', '验证码已过期或已使用，请重新获取。The code has expired or was already used; ask for a new code.');
    }
    const given = typeof code === 'string' ? code.trim() : '';
    if (rec.bind !== (opts.bind ?? undefined)) {
      throw new SignetError('OTP_EXPIRED', '最新的验证码属于另一次操作，请重新获取。The latest code was sent for another request; ask for a new code.');
    }
    const ok = /^\d{6}$/.test(given) && safeEqual(this.digest(codeId, rec.issuedAt, given, opts.bind), rec.codeDigest);
    const lockKey = `${purpose}|${index}`;
    if (!ok) {
      const out = await this.limiter.fail('otp', lockKey);
      if (out.lockedUntil) {
        await codes.update({ ...rec, used: true }, rec.version).catch(() => undefined);
        throw locked(out.lockedUntil, now);
      }
      throw new SignetError('OTP_INVALID', `验证码错误，还可尝试 ${out.attemptsLeft} 次。The code is wrong; ${out.attemptsLeft} attempt(s) left.`, { attemptsLeft: out.attemptsLeft });
    }
    try {
      await codes.update({ ...rec, used: true }, rec.version);
    } catch (e) {
      // A concurrent check used the code first: it is single-use.
      if (isSignetError(e, 'VERSION_CONFLICT')) throw new SignetError('OTP_EXPIRED', '验证码已使用，请重新获取。The code was already used; ask for a new code.');
      throw e;
    }
    await this.limiter.succeed('otp', lockKey);
  }

  private async assertNotLocked(index: string, purpose: OtpPurpose): Promise<void> {
    const until = await this.limiter.lockedUntil('otp', `${purpose}|${index}`);
    if (until) throw locked(until, this.deps.clock.now());
  }

  private digest(codeId: string, issuedAt: string, code: string, bind = ''): string {
    return this.deps.cipher.blindIndex(`${codeId}|${issuedAt}|${bind}|${code}`, 'otp_code');
  }

  private collections() {
    const c = identityCollections(this.deps.store);
    return { codes: c.otpCodes, sends: c.otpSends };
  }
}

function normalise(mobile: string): string {
  const m = validateMobile(mobile);
  if (!m.ok) throw new SignetError('IDENTITY_INVALID', `手机号格式不正确。${m.reason}.`);
  return m.mobile!;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Record ids keep to a plain alphabet of fixed length, whatever the blind index looks like. */
function idPart(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 40);
}

function locked(until: Date, now: Date): SignetError {
  const w = retryWhen(until, now);
  return new SignetError('OTP_LOCKED', `验证码错误次数过多，已锁定，请${w.zh}重新获取验证码。Too many wrong codes; locked. Ask for a new code ${w.en}.`, {
    retryAt: until.toISOString(), retryAfterSeconds: w.retryAfterSeconds,
  });
}

function rateLimited(at: Date, now: Date, why: 'interval' | 'hourly', p: OtpPolicy): SignetError {
  const w = retryWhen(at, now);
  const zh = why === 'interval' ? `验证码发送过于频繁（每 ${Math.round(p.resendIntervalMs / 1000)} 秒一次）` : `每小时最多发送 ${p.maxPerHour} 条验证码`;
  const en = why === 'interval' ? `Codes go out at most once every ${Math.round(p.resendIntervalMs / 1000)} s` : `At most ${p.maxPerHour} codes an hour go to one number`;
  return new SignetError('RATE_LIMITED', `${zh}，请${w.zh}重试。${en}; retry ${w.en}.`, { retryAt: at.toISOString(), retryAfterSeconds: w.retryAfterSeconds, limit: why });
}
