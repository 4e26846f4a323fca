/**
 * A {@link PersonDirectory} in memory, for tests of the HTTP layer before (and besides) the real
 * directory: people with a mobile number, a password and memberships; login codes that the test
 * reads back instead of receiving an SMS.
 */
import { randomInt } from 'node:crypto';
import { SignetError, type Actor, type EnterpriseRole } from '@signet/core';
import type { LoginIdentity, PersonDirectory } from '../auth/person-directory.js';

/** A person the fake knows. */
export interface FakePerson {
  userId: string;
  mobile: string;
  password: string;
  /** Enterprises the person belongs to, the first being the default. */
  memberships?: { enterpriseId: string; roles: EnterpriseRole[] }[];
}

/** An in-memory directory with password and code login. */
export class FakePersonDirectory implements PersonDirectory {
  private readonly people = new Map<string, FakePerson>();
  private readonly codes = new Map<string, string>();
  /** Every call, in order, for assertions (`loginWithPassword:138…`), never with secrets. */
  readonly calls: string[] = [];

  constructor(people: FakePerson[] = []) {
    for (const p of people) this.add(p);
  }

  /** Adds (or replaces) a person. */
  add(p: FakePerson): this {
    this.people.set(p.userId, { ...p, memberships: p.memberships?.map((m) => ({ ...m, roles: [...m.roles] })) });
    return this;
  }

  /** Removes a person's memberships (their sessions then resolve to a `person` actor), or the person. */
  remove(userId: string): void {
    this.people.delete(userId);
  }

  /** The last login code sent to `mobile`. */
  lastCode(mobile: string): string | undefined {
    return this.codes.get(mobile);
  }

  private byMobile(mobile: string): FakePerson | undefined {
    return [...this.people.values()].find((p) => p.mobile === mobile);
  }

  async loginWithPassword(mobile: string, password: string): Promise<LoginIdentity> {
    this.calls.push('loginWithPassword');
    const p = this.byMobile(mobile);
    if (!p || p.password !== password) throw new SignetError('LOGIN_FAILED', '手机号或密码错误。Wrong mobile number or password: check both and retry.');
    return { userId: p.userId };
  }

  async sendLoginOtp(mobile: string): Promise<{ expiresAt: Date }> {
    this.calls.push('sendLoginOtp');
    if (this.byMobile(mobile)) this.codes.set(mobile, String(randomInt(0, 1_000_000)).padStart(6, '0'));
    return { expiresAt: new Date(Date.now() + 5 * 60_000) };
  }

  async loginWithOtp(mobile: string, code: string): Promise<LoginIdentity> {
    this.calls.push('loginWithOtp');
    const p = this.byMobile(mobile);
    const expected = this.codes.get(mobile);
    if (!p || !expected) throw new SignetError('LOGIN_FAILED', '手机号或验证码错误。Wrong mobile number or code: ask for a new code.');
    if (expected !== code) throw new SignetError('OTP_INVALID', '验证码错误。The code is wrong: re-enter the code from the latest message.');
    this.codes.delete(mobile);
    return { userId: p.userId };
  }

  async actorFor(userId: string, enterpriseId?: string): Promise<Actor | undefined> {
    const p = this.people.get(userId);
    if (!p) return undefined;
    const ms = p.memberships ?? [];
    const m = enterpriseId ? ms.find((x) => x.enterpriseId === enterpriseId) : ms[0];
    if (m) return { kind: 'member', userId, enterpriseId: m.enterpriseId, roles: [...m.roles] };
    return enterpriseId ? undefined : { kind: 'person', userId };
  }
}
