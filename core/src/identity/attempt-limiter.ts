/**
 * Lockout after repeated failures: after `maxFailures` wrong codes or passwords in a row, the key is
 * locked for `lockMs`. One limiter serves OTPs, signing passwords and login passwords, each under its
 * own scope.
 */
import { createHash } from 'node:crypto';
import { isSignetError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { RecordStore } from '../ports/record-store.js';
import { identityCollections, type AttemptRecord } from './identity-collections.js';

/** When repeated failures lock a key. */
export interface LockoutPolicy {
  /** Failures in a row that lock (default 5). */
  maxFailures: number;
  /** How long the lock lasts, in ms (default 15 minutes). */
  lockMs: number;
}

/** The default lockout: 5 failures in a row lock for 15 minutes. */
export const DEFAULT_LOCKOUT: Readonly<LockoutPolicy> = Object.freeze({ maxFailures: 5, lockMs: 15 * 60_000 });

/** The state of a key after a failure. */
export interface FailureOutcome {
  /** Failures still allowed before the lock (0 when it just locked). */
  attemptsLeft: number;
  /** Set when this failure locked the key. */
  lockedUntil?: Date;
}

/** Counts failures per (scope, key) in the `attempt_limits` collection and locks keys that fail too often. */
export class AttemptLimiter {
  private readonly policy: LockoutPolicy;

  /** A limiter over `store`, with `policy` overriding {@link DEFAULT_LOCKOUT}. */
  constructor(private readonly store: RecordStore, private readonly clock: Clock, policy: Partial<LockoutPolicy> = {}) {
    this.policy = { ...DEFAULT_LOCKOUT, ...policy };
  }

  /** The lock's end when `key` is locked in `scope` now, otherwise undefined. */
  async lockedUntil(scope: string, key: string): Promise<Date | undefined> {
    const r = await identityCollections(this.store).attempts.get(recordId(scope, key));
    if (!r?.lockedUntil) return undefined;
    const until = new Date(r.lockedUntil);
    return until.getTime() > this.clock.now().getTime() ? until : undefined;
  }

  /** Records a failure; locks the key when it reaches the limit. */
  async fail(scope: string, key: string): Promise<FailureOutcome> {
    return this.mutate(scope, key, (r) => {
      const now = this.clock.now().getTime();
      const expiredLock = r.lockedUntil !== undefined && new Date(r.lockedUntil).getTime() <= now;
      const failures = (expiredLock ? 0 : r.failures) + 1;
      if (failures >= this.policy.maxFailures) {
        const until = new Date(now + this.policy.lockMs);
        return [{ ...r, failures: 0, lockedUntil: until.toISOString() }, { attemptsLeft: 0, lockedUntil: until }];
      }
      return [{ ...r, failures, lockedUntil: undefined }, { attemptsLeft: this.policy.maxFailures - failures }];
    });
  }

  /** Clears the failures of `key` after a success. */
  async succeed(scope: string, key: string): Promise<void> {
    const c = identityCollections(this.store).attempts;
    const r = await c.get(recordId(scope, key));
    if (!r || (r.failures === 0 && !r.lockedUntil)) return;
    await this.mutate(scope, key, (cur) => [{ ...cur, failures: 0, lockedUntil: undefined }, undefined]);
  }

  private async mutate<T>(scope: string, key: string, fn: (r: AttemptRecord) => [AttemptRecord, T]): Promise<T> {
    const c = identityCollections(this.store).attempts;
    const id = recordId(scope, key);
    for (let i = 0; ; i++) {
      const cur = await c.get(id);
      const [next, out] = fn(cur ?? { id, version: 0, scope, failures: 0 });
      try {
        if (cur) await c.update(next, cur.version);
        else await c.insert(next);
        return out;
      } catch (e) {
        if (i >= 5 || !(isSignetError(e, 'VERSION_CONFLICT') || isSignetError(e, 'DUPLICATE'))) throw e;
      }
    }
  }
}

/** Record ids hash the key, which may be a blind index with characters ids should not carry. */
function recordId(scope: string, key: string): string {
  return `lim_${createHash('sha256').update(scope).update('\u0000').update(key).digest('hex').slice(0, 40)}`;
}

/**
 * "When to retry", for messages: minutes from now (rounded up) and the wall-clock time in Beijing
 * time (UTC+8), zh-CN and English, e.g. `15 分钟后（北京时间 16:15）` / `in 15 min (after 08:15 UTC)`.
 */
export function retryWhen(until: Date, now: Date): { zh: string; en: string; retryAfterSeconds: number } {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  const beijing = new Date(until.getTime() + 8 * 3_600_000);
  if (seconds < 120) return { zh: `${seconds} 秒后`, en: `in ${seconds} s`, retryAfterSeconds: seconds };
  const minutes = Math.ceil(seconds / 60);
  return { zh: `${minutes} 分钟后（北京时间 ${hhmm(beijing)} 之后）`, en: `in ${minutes} min (after ${hhmm(until)} UTC)`, retryAfterSeconds: seconds };
}
