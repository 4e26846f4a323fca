/**
 * The integrator nonce store on PostgreSQL (table `nonces`), shared by every server process, so that
 * a signed request replayed to another process within the signature window is refused too.
 *
 * A claim is one statement: `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now`. It
 * inserts a new key, or takes over an expired one, and returns a row only then; a live key makes it
 * return nothing (a replay). The primary key makes two concurrent claims of one key resolve to
 * exactly one winner. Expired rows are purged in the background, at most once a minute.
 */
import type pg from 'pg';
import type { NonceStore } from '../auth/nonce-store.js';
import { escapeKey } from './pg-record-store.js';
import { fromPgError } from './pg-errors.js';

/** Options for {@link PgNonceStore}. */
export interface PgNonceStoreOptions {
  pool: pg.Pool;
  /** The clock in epoch milliseconds (default Date.now); the app passes its clock. */
  now?: () => number;
  /** Least time between purges of expired rows (default 60 s). */
  purgeEveryMs?: number;
}

const SQL_CLAIM = `INSERT INTO nonces (key, expires_at) VALUES ($1, $2)
  ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE nonces.expires_at <= $3
  RETURNING 1`;

/** A {@link NonceStore} in PostgreSQL. */
export class PgNonceStore implements NonceStore {
  private readonly now: () => number;
  private readonly purgeEveryMs: number;
  private nextPurge = 0;
  private purging?: Promise<number>;

  constructor(private readonly opts: PgNonceStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.purgeEveryMs = opts.purgeEveryMs ?? 60_000;
  }

  /** @inheritDoc */
  async claim(key: string, expiresAt: Date): Promise<boolean> {
    const t = this.now();
    if (t >= this.nextPurge && !this.purging) {
      this.nextPurge = t + this.purgeEveryMs;
      this.purging = this.purge().catch(() => 0).finally(() => { this.purging = undefined; });
    }
    try {
      const r = await this.opts.pool.query({ name: 'signet_nonce_claim', text: SQL_CLAIM, values: [escapeKey(key), expiresAt, new Date(t)] });
      return r.rowCount === 1;
    } catch (e) {
      throw fromPgError(e, 'the nonce check');
    }
  }

  /** Deletes expired nonces and resolves to how many. */
  async purge(): Promise<number> {
    try {
      const r = await this.opts.pool.query('DELETE FROM nonces WHERE expires_at <= $1', [new Date(this.now())]);
      return r.rowCount ?? 0;
    } catch (e) {
      throw fromPgError(e, 'the nonce purge');
    }
  }

  /** Waits for a purge in flight (tests, shutdown). */
  async settled(): Promise<void> {
    await this.purging;
  }
}
