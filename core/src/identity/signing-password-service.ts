/**
 * The signing password (签署密码), a willingness method: set, changed with the current one, or reset
 * with an SMS code; stored as a scrypt hash with a per-user salt; locked after repeated wrong entries.
 */
import { SignetError } from '../errors.js';
import { writeOp } from '../ports/record-store.js';
import { isSelf, type Actor } from '../directory/actor.js';
import { retryOnConflict } from '../directory/directory-audit.js';
import type { Directory } from '../directory/directory.js';
import { AttemptLimiter, retryWhen, type LockoutPolicy } from './attempt-limiter.js';
import type { OtpSent, OtpService } from './otp-service.js';
import { checkPasswordStrength, DEFAULT_SCRYPT_PARAMS, hashPassword, verifyPassword, type ScryptParams } from './password-hash.js';

/** What the signing password service needs. */
export interface SigningPasswordServiceDeps {
  directory: Directory;
  /** Needed for {@link SigningPasswordService.requestReset} and {@link SigningPasswordService.reset}. */
  otp?: OtpService;
  /** scrypt cost (default {@link DEFAULT_SCRYPT_PARAMS}). */
  params?: ScryptParams;
  /** Lockout (default 5 wrong → 15 minutes). */
  lockout?: Partial<LockoutPolicy>;
}

const SCOPE = 'signing_password';

/** Sets, changes, resets and checks signing passwords. */
export class SigningPasswordService {
  private readonly limiter: AttemptLimiter;

  /** A service over the directory's users. */
  constructor(private readonly deps: SigningPasswordServiceDeps) {
    this.limiter = new AttemptLimiter(deps.directory.store, deps.directory.clock, deps.lockout);
  }

  /**
   * Sets the user's signing password; when one is set already, `currentPassword` must be right
   * (checked like {@link verify}, so wrong ones count toward the lockout). Only the user (or Signet)
   * may. Throws PASSWORD_WEAK, PASSWORD_INVALID, PASSWORD_LOCKED, FORBIDDEN.
   */
  async set(actor: Actor, userId: string, newPassword: string, currentPassword?: string): Promise<void> {
    assertSelf(actor, userId);
    const weak = checkPasswordStrength(newPassword, 'signing');
    if (weak) throw new SignetError('PASSWORD_WEAK', weak);
    const u = await this.deps.directory.userRecord(userId);
    if (u.signingPasswordHash && actor.kind !== 'system') {
      if (currentPassword === undefined) throw new SignetError('PASSWORD_INVALID', '修改签署密码需要输入当前密码。Give the current signing password to change it, or reset it with an SMS code.');
      await this.verify(userId, currentPassword);
    }
    await this.store(actor, userId, newPassword, u.signingPasswordHash ? 'changed' : 'set');
  }

  /** Sends a reset code to the user's own mobile number (purpose `password_reset`). */
  async requestReset(actor: Actor, userId: string): Promise<OtpSent> {
    assertSelf(actor, userId);
    return this.otp().send(await this.deps.directory.mobileOf(userId), 'password_reset');
  }

  /** Sets a new signing password with the code from {@link requestReset}, and lifts a lockout. Throws the OTP errors. */
  async reset(actor: Actor, userId: string, newPassword: string, code: string): Promise<void> {
    assertSelf(actor, userId);
    const weak = checkPasswordStrength(newPassword, 'signing');
    if (weak) throw new SignetError('PASSWORD_WEAK', weak);
    await this.otp().verify(await this.deps.directory.mobileOf(userId), 'password_reset', code);
    await this.store(actor, userId, newPassword, 'reset');
    await this.limiter.succeed(SCOPE, userId);
  }

  /**
   * Checks the user's signing password. Throws PASSWORD_NOT_SET, PASSWORD_LOCKED (details.retryAt)
   * while locked, PASSWORD_INVALID (details.attemptsLeft) when wrong, and PASSWORD_LOCKED when this
   * wrong password reached the limit.
   */
  async verify(userId: string, password: string): Promise<void> {
    const clock = this.deps.directory.clock;
    const until = await this.limiter.lockedUntil(SCOPE, userId);
    if (until) throw passwordLocked(until, clock.now(), '签署密码');
    const u = await this.deps.directory.userRecord(userId);
    if (!u.signingPasswordHash) throw new SignetError('PASSWORD_NOT_SET', '您还没有设置签署密码，请先设置，或改用其他意愿认证方式。No signing password is set; set one first, or use another willingness method.');
    if (typeof password === 'string' && (await verifyPassword(password, u.signingPasswordHash))) {
      await this.limiter.succeed(SCOPE, userId);
      return;
    }
    const out = await this.limiter.fail(SCOPE, userId);
    if (out.lockedUntil) throw passwordLocked(out.lockedUntil, clock.now(), '签署密码');
    throw new SignetError('PASSWORD_INVALID', `签署密码错误，还可尝试 ${out.attemptsLeft} 次。The signing password is wrong; ${out.attemptsLeft} attempt(s) left.`, { attemptsLeft: out.attemptsLeft });
  }

  /** True when the user has a signing password. */
  async isSet(userId: string): Promise<boolean> {
    return !!(await this.deps.directory.userRecord(userId)).signingPasswordHash;
  }

  private async store(actor: Actor, userId: string, password: string, how: 'set' | 'changed' | 'reset'): Promise<void> {
    const dir = this.deps.directory;
    const hash = await hashPassword(password, this.deps.params ?? DEFAULT_SCRYPT_PARAMS);
    await retryOnConflict(async () => {
      const u = await dir.userRecord(userId);
      await dir.store.transact([
        writeOp.update(dir.collections.users, { ...u, signingPasswordHash: hash }, u.version),
        await dir.audit.append(userId, how === 'reset' ? 'user.signing_password_reset' : 'user.signing_password_set', actor, dir.clock.now(), { how }),
      ]);
    });
  }

  private otp(): OtpService {
    if (!this.deps.otp) throw new SignetError('INTERNAL', 'The signing password service was built without an OTP service');
    return this.deps.otp;
  }
}

/** PASSWORD_LOCKED with when to retry, for signing and login passwords. */
export function passwordLocked(until: Date, now: Date, what: '签署密码' | '登录密码'): SignetError {
  const w = retryWhen(until, now);
  const en = what === '签署密码' ? 'signing password' : 'login password';
  return new SignetError('PASSWORD_LOCKED', `${what}错误次数过多，已锁定，请${w.zh}重试。Too many wrong ${en} entries; locked. Retry ${w.en}.`, {
    retryAt: until.toISOString(), retryAfterSeconds: w.retryAfterSeconds,
  });
}

function assertSelf(actor: Actor, userId: string): void {
  if (!isSelf(actor, userId)) throw new SignetError('FORBIDDEN', '只能管理自己的签署密码。You can only manage your own signing password.');
}
