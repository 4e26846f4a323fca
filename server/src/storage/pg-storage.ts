/**
 * Opens the PostgreSQL storage of a Signet process (DATABASE_URL): one connection pool, the schema
 * migrated (once, whichever process starts first), and the adapters over it — records, blobs,
 * integrator nonces — plus the field cipher keyed by the master key. Every process and machine
 * on the database shares all of it; only the PKI files and the master key stay with the
 * installation (`<data>/pki`, `<data>/master.key` or SIGNET_MASTER_KEY).
 */
import pg from 'pg';
import { SignetError } from '@signet/core';
import type { MasterKey } from './master-key.js';
import { loadMigrations, migrateDatabase, schemaStatus, type MigrationReport } from './pg-migrations.js';
import { PgBlobStore } from './pg-blob-store.js';
import { fromPgError } from './pg-errors.js';
import { PgNonceStore } from './pg-nonce-store.js';
import { PgRecordStore } from './pg-record-store.js';
import { Sm4FieldCipher } from './sm4-field-cipher.js';

/** Pool settings, parsed once by the composition root. */
export interface PgPoolSettings {
  /** Connections per process (default 10). With N processes the database needs N × this. */
  poolMax?: number;
  /** Longest a statement may run before PostgreSQL cancels it, in ms (default 15 000). */
  statementTimeoutMs?: number;
  /** Longest wait for a connection, in ms (default 5 000). */
  connectTimeoutMs?: number;
}

/** Options for {@link openPgStorage}. */
export interface PgStorageOptions extends PgPoolSettings {
  databaseUrl: string;
  masterKey: MasterKey;
  /** Shown in `pg_stat_activity` (default `signet`). */
  applicationName?: string;
  /** Apply pending migrations (default true); false only checks that the schema is current. */
  migrate?: boolean;
}

/** The opened PostgreSQL storage. */
export interface PgStorage {
  pool: pg.Pool;
  records: PgRecordStore;
  blobs: PgBlobStore;
  nonces: PgNonceStore;
  cipher: Sm4FieldCipher;
  /** What the migration at open did. */
  migration: MigrationReport;
  /** Ends the pool. */
  close(): Promise<void>;
}

/** The pool of `databaseUrl` with Signet's settings (statement timeout, connect timeout, size). */
export function createPgPool(databaseUrl: string, s: PgPoolSettings & { applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: s.poolMax ?? 10,
    statement_timeout: s.statementTimeoutMs ?? 15_000,
    // A transaction left open by a stuck client must not hold row locks for ever.
    idle_in_transaction_session_timeout: Math.max(60_000, (s.statementTimeoutMs ?? 15_000) * 4),
    connectionTimeoutMillis: s.connectTimeoutMs ?? 5_000,
    application_name: s.applicationName ?? 'signet',
  });
  // An idle connection that breaks (database restart) is dropped and replaced; without a listener
  // node-postgres would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Opens the pool, migrates the schema and builds the adapters. */
export async function openPgStorage(opts: PgStorageOptions): Promise<PgStorage> {
  if (!/^postgres(ql)?:\/\//i.test(opts.databaseUrl)) {
    throw new SignetError('INVALID_ARGUMENT', 'DATABASE_URL must be a postgres:// or postgresql:// URL, e.g. postgres://signet:secret@db.internal:5432/signet');
  }
  const pool = createPgPool(opts.databaseUrl, opts);
  try {
    let migration: MigrationReport;
    if (opts.migrate === false) {
      const st = await schemaStatus(pool);
      if (!st.current) throw new SignetError('SCHEMA_MISMATCH', `The database is at schema version ${st.version}, not ${st.latest}; start Signet without --no-migrate (or run it once) to apply the migrations`);
      migration = { applied: [], version: st.version };
    } else {
      migration = await migrateDatabase(pool, loadMigrations());
    }
    return {
      pool,
      records: new PgRecordStore({ pool }),
      blobs: new PgBlobStore({ pool, masterKey: opts.masterKey }),
      nonces: new PgNonceStore({ pool }),
      cipher: new Sm4FieldCipher(opts.masterKey),
      migration,
      close: () => pool.end(),
    };
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw fromPgError(e, 'opening the database');
  }
}

/**
 * Runs `fn` while holding the session advisory lock `name` on one connection of `pool`, so that
 * one process at a time does it (e.g. seeding the demo enterprise when several start at once).
 */
export async function withAdvisoryLock<R>(pool: pg.Pool, name: string, fn: () => Promise<R>): Promise<R> {
  const key = BigInt.asIntN(64, [...Buffer.from(`signet:${name}`)].reduce((h, b) => (h * 131n + BigInt(b)) & 0xffffffffffffffffn, 0n)).toString();
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw fromPgError(e, `taking the lock ${name}`);
  }
  let broken: Error | undefined;
  try {
    try {
      await client.query('SET statement_timeout = 0');
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    } catch (e) {
      broken = e as Error;
      throw fromPgError(e, `taking the lock ${name}`);
    }
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch((e: Error) => { broken = e; });
      await client.query('RESET statement_timeout').catch((e: Error) => { broken = e; });
    }
  } finally {
    client.release(broken);
  }
}
