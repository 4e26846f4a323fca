/**
 * What the session endpoints need from the directory (core/directory, core/identity): log a person
 * in by mobile number + password or one-time code, and turn a signed-in user into an {@link Actor}.
 * The server adapts the directory's services to this shape in its composition root; tests use
 * `FakePersonDirectory` from `server/src/testing/`.
 */
import { SignetError, type Actor } from '@signet/core';

/** Who logged in. */
export interface LoginIdentity {
  userId: string;
}

/** Login and actor resolution for people (console, Word add-in). */
export interface PersonDirectory {
  /**
   * Checks a mobile number and login password. Throws SignetError LOGIN_FAILED (unknown number and
   * wrong password are not told apart), PASSWORD_LOCKED or RATE_LIMITED.
   */
  loginWithPassword(mobile: string, password: string): Promise<LoginIdentity>;
  /** Sends a login code to the mobile number. Throws RATE_LIMITED or MESSAGE_SEND_FAILED. Resolves even for an unknown number, so that numbers cannot be probed. */
  sendLoginOtp(mobile: string): Promise<{ expiresAt: Date }>;
  /** Checks a login code. Throws OTP_INVALID, OTP_EXPIRED, OTP_LOCKED or LOGIN_FAILED. */
  loginWithOtp(mobile: string, code: string): Promise<LoginIdentity>;
  /**
   * The actor of a signed-in user: a `member` of `enterpriseId` (or of their default enterprise
   * when omitted), or a `person` without a membership. Undefined when the user no longer exists, or
   * is not a member of the enterprise asked for. Called on every session request, so that a role
   * change takes effect at once.
   */
  actorFor(userId: string, enterpriseId?: string): Promise<Actor | undefined>;
}

/** The directory of a server that has none wired in: login says so, and no session resolves. */
export const noPersonDirectory: PersonDirectory = {
  async loginWithPassword() {
    throw new SignetError('INTERNAL', '本服务未配置登录。This server has no person directory wired in (server/src/main.ts), so login is unavailable.');
  },
  async sendLoginOtp() {
    throw new SignetError('INTERNAL', '本服务未配置登录。This server has no person directory wired in (server/src/main.ts), so login is unavailable.');
  },
  async loginWithOtp() {
    throw new SignetError('INTERNAL', '本服务未配置登录。This server has no person directory wired in (server/src/main.ts), so login is unavailable.');
  },
  async actorFor() {
    return undefined;
  },
};
