/**
 * Login support for the server's session layer: phone + password (scrypt) or phone + SMS code, with
 * lockout, returning the user and their memberships. Cookies and CSRF are the server's; this only
 * answers "who is this, and may they in". Its methods have the shape of the server's
 * `PersonDirectory` (`server/src/auth/person-directory.ts`), so the server can use it as one.
 */
import { SignetError, isSignetError } from '../errors.js';
import { writeOp } from '../ports/record-store.js';
import { AttemptLimiter, type LockoutPolicy } from '../identity/attempt-limiter.js';
import type { OtpSent, OtpService } from '../identity/otp-service.js';
import {
  checkPasswordStrength, DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword, type ScryptParams,
} from '../identity/password-hash.js';
import { passwordLocked } from '../identity/signing-password-service.js';
import { isSelf, type Actor } from './actor.js';
import { retryOnConflict } from './directory-audit.js';
import { normaliseMobile, type Directory, type MembershipView, type UserView } from './directory.js';

/** What the login service needs. */
export interface LoginServiceDeps {
  directory: Directory;
  otp: OtpService;
  /** Lockout of login passwords (default 5 wrong → 15 minutes), per mobile number. */
  lockout?: Partial<LockoutPolicy>;
  /** scrypt cost for new hashes (default {@link DEFAULT_SCRYPT_PARAMS}); older hashes are upgraded at login. */
  passwordParams?: ScryptParams;
}

/** Who logged in. */
export interface LoginResult {
  userId: string;
  user: UserView;
  memberships: MembershipView[];
  /** True when this login created the account (SMS login of a new number with `register`). */
  created: boolean;
}

const SCOPE = 'login_password';

/** Checks logins. */
export class LoginService {
  private readonly limiter: AttemptLimiter;
  private dummyHash?: Promise<string>;

  /** A login service over the directory. */
  constructor(private readonly deps: LoginServiceDeps) {
    this.limiter = new AttemptLimiter(deps.directory.store, deps.directory.clock, deps.lockout);
  }

  /**
   * Logs in with mobile number and login password. An unknown number and a wrong password answer
   * alike (LOGIN_FAILED with details.attemptsLeft, after the same scrypt work), so the answer does
   * not tell which numbers have accounts. Throws PASSWORD_LOCKED (details.retryAt) after 5 wrong
   * passwords for the number, IDENTITY_INVALID for a malformed number.
   */
  async loginWithPassword(mobile: string, password: string): Promise<LoginResult> {
    const dir = this.deps.directory;
    const number = normaliseMobile(mobile);
    const key = dir.cipher.blindIndex(number, 'mobile');
    const until = await this.limiter.lockedUntil(SCOPE, key);
    if (until) throw passwordLocked(until, dir.clock.now(), '登录密码');
    const user = await dir.userRecordByMobile(number);
    const stored = user?.loginPasswordHash ?? (await this.dummy());
    const ok = typeof password === 'string' && (await verifyPassword(password, stored)) && !!user?.loginPasswordHash;
    if (!ok || !user) {
      const out = await this.limiter.fail(SCOPE, key);
      if (out.lockedUntil) throw passwordLocked(out.lockedUntil, dir.clock.now(), '登录密码');
      throw new SignetError('LOGIN_FAILED', `手机号或密码错误，还可尝试 ${out.attemptsLeft} 次。Wrong mobile number or password; ${out.attemptsLeft} attempt(s) left.`, { attemptsLeft: out.attemptsLeft });
    }
    await this.limiter.succeed(SCOPE, key);
    const params = this.deps.passwordParams ?? DEFAULT_SCRYPT_PARAMS;
    if (needsRehash(stored, params)) {
      const rehashed = await hashPassword(password, params);
      const cur = await dir.userRecord(user.id);
      if (cur.loginPasswordHash === stored) await dir.collections.users.update({ ...cur, loginPasswordHash: rehashed }, cur.version).catch(() => undefined);
    }
    return this.result(user.id, false);
  }

  /**
   * Sends a login code to `mobile` (purpose `login`; the OTP rate limits apply), whether or not the
   * number has an account, so that numbers cannot be probed.
   */
  async sendLoginOtp(mobile: string): Promise<OtpSent> {
    return this.deps.otp.send(mobile, 'login');
  }

  /**
   * Logs in with the code from {@link sendLoginOtp}. With `register`, an unknown number gets an
   * account (the code proved the number); without it, an unknown number throws LOGIN_FAILED. Throws
   * the OTP errors (OTP_INVALID, OTP_EXPIRED, OTP_LOCKED) for a wrong code.
   */
  async loginWithOtp(mobile: string, code: string, opts: { register?: { name?: string } } = {}): Promise<LoginResult> {
    const dir = this.deps.directory;
    const number = normaliseMobile(mobile);
    await this.deps.otp.verify(number, 'login', code);
    let user = await dir.userRecordByMobile(number);
    let created = false;
    if (!user) {
      if (!opts.register) throw new SignetError('LOGIN_FAILED', '该手机号尚未注册，请先注册。This mobile number has no account; sign up first.');
      try {
        await dir.createUser({ mobile: number, name: opts.register.name }, { kind: 'system', reason: 'sms sign-up' });
        created = true;
      } catch (e) {
        // Signed up at the same moment from another tab: log into that account.
        if (!isSignetError(e, 'DUPLICATE')) throw e;
      }
      user = (await dir.userRecordByMobile(number))!;
    }
    return this.result(user.id, created);
  }

  /**
   * Sets the user's login password; when one is set already, `currentPassword` must be right (only
   * Signet may skip it). Throws PASSWORD_WEAK, PASSWORD_INVALID, PASSWORD_LOCKED, FORBIDDEN.
   */
  async setLoginPassword(actor: Actor, userId: string, newPassword: string, currentPassword?: string): Promise<void> {
    if (!isSelf(actor, userId)) throw new SignetError('FORBIDDEN', '只能修改自己的登录密码。You can only change your own login password.');
    const weak = checkPasswordStrength(newPassword, 'login');
    if (weak) throw new SignetError('PASSWORD_WEAK', weak);
    const dir = this.deps.directory;
    const u = await dir.userRecord(userId);
    if (u.loginPasswordHash && actor.kind !== 'system') {
      const key = u.mobileIndex;
      const until = await this.limiter.lockedUntil(SCOPE, key);
      if (until) throw passwordLocked(until, dir.clock.now(), '登录密码');
      if (typeof currentPassword !== 'string' || !(await verifyPassword(currentPassword, u.loginPasswordHash))) {
        const out = await this.limiter.fail(SCOPE, key);
        if (out.lockedUntil) throw passwordLocked(out.lockedUntil, dir.clock.now(), '登录密码');
        throw new SignetError('PASSWORD_INVALID', `当前登录密码错误，还可尝试 ${out.attemptsLeft} 次。The current login password is wrong; ${out.attemptsLeft} attempt(s) left.`, { attemptsLeft: out.attemptsLeft });
      }
      await this.limiter.succeed(SCOPE, key);
    }
    const hash = await hashPassword(newPassword, this.deps.passwordParams ?? DEFAULT_SCRYPT_PARAMS);
    await retryOnConflict(async () => {
      const cur = await dir.userRecord(userId);
      await dir.store.transact([
        writeOp.update(dir.collections.users, { ...cur, loginPasswordHash: hash }, cur.version),
        await dir.audit.append(userId, 'user.login_password_set', actor, dir.clock.now(), {}),
      ]);
    });
  }

  /**
   * The actor of a signed-in user for the session layer, resolved on every request so that role
   * changes apply at once: see {@link Directory.sessionActor}.
   */
  async actorFor(userId: string, enterpriseId?: string): Promise<Actor | undefined> {
    return this.deps.directory.sessionActor(userId, enterpriseId);
  }

  private async result(userId: string, created: boolean): Promise<LoginResult> {
    const dir = this.deps.directory;
    return { userId, user: (await dir.getUser(userId))!, memberships: await dir.membershipsOf(userId), created };
  }

  /** A hash of nothing, so that unknown numbers cost the same scrypt work as known ones. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('signet-no-such-account', this.deps.passwordParams ?? DEFAULT_SCRYPT_PARAMS);
    return this.dummyHash;
  }
}
