/**
 * Opens the storage of an installation, for the composition root. Two shapes behind one interface:
 * - **Embedded** (default): the lowdb record store in `<data>/records`, the encrypted blob files in
 *   `<data>/blobs`, one process at a time (the record store's LOCK).
 * - **PostgreSQL** (`databaseUrl`, i.e. DATABASE_URL): records, blobs and integrator nonces in the
 *   database, its schema migrated at open, shared by every process and machine on it. With
 *   `blobDir`, blobs stay files in that directory instead (a volume every machine mounts).
 * Both encrypt with the installation's master key (field cipher, blob data keys).
 */
import { join } from 'node:path';
import type pg from 'pg';
import type { BlobStore, FieldCipher, RecordStore } from '@signet/core';
import type { NonceStore } from '../auth/nonce-store.js';
import { EncryptedFileBlobStore } from './encrypted-file-blob-store.js';
import { LowdbRecordStore } from './lowdb-record-store.js';
import type { MasterKey } from './master-key.js';
import { schemaStatus } from './pg-migrations.js';
import { openPgStorage, withAdvisoryLock, type PgPoolSettings } from './pg-storage.js';
import { Sm4FieldCipher } from './sm4-field-cipher.js';

/** The result of {@link ServerStorage.check}: a value, for `/readyz`. */
export interface StorageCheck {
  ok: boolean;
  /** Short and safe to show publicly: no host names, no error text. */
  detail: string;
}

/** The opened storage. */
export interface ServerStorage {
  /** `lowdb` (embedded, one process) or `postgres` (shared). */
  kind: 'lowdb' | 'postgres';
  records: RecordStore;
  blobs: BlobStore;
  cipher: FieldCipher;
  /** Integrator nonces shared between processes (PostgreSQL); undefined for the one embedded process, which keeps them in memory. */
  nonces?: NonceStore;
  /** The connection pool (PostgreSQL), for the job queue. */
  pool?: pg.Pool;
  /** Whether the storage answers and its schema is current (for readiness); never throws. */
  check(): Promise<StorageCheck>;
  /** Runs `fn` while no other process holding the same `name` runs it (a PostgreSQL advisory lock; embedded: just runs it). */
  exclusive<R>(name: string, fn: () => Promise<R>): Promise<R>;
  /** Flushes pending writes and releases the record store's lock or the pool. */
  close(): Promise<void>;
}

/** Options for {@link openStorage}. */
export interface OpenStorageOptions {
  dataDir: string;
  masterKey: MasterKey;
  /** PostgreSQL instead of the embedded store (DATABASE_URL). */
  databaseUrl?: string;
  /** Pool size and timeouts for PostgreSQL. */
  postgres?: PgPoolSettings;
  /** With PostgreSQL: keep blobs as encrypted files in this shared directory instead of in the database. */
  blobDir?: string;
}

/** Opens (creating when needed) the records, blobs and field cipher of the installation in `dataDir`, or on `databaseUrl`. */
export async function openStorage(opts: OpenStorageOptions): Promise<ServerStorage> {
  if (opts.databaseUrl) return openPostgres(opts, opts.databaseUrl);
  const blobs = await EncryptedFileBlobStore.open({ dir: join(opts.dataDir, 'blobs'), masterKey: opts.masterKey });
  const records = await LowdbRecordStore.open({ dir: join(opts.dataDir, 'records') });
  return {
    kind: 'lowdb', records, blobs, cipher: new Sm4FieldCipher(opts.masterKey),
    check: async () => ({ ok: true, detail: 'embedded store open' }),
    exclusive: (_name, fn) => fn(),
    close: () => records.close(),
  };
}

async function openPostgres(opts: OpenStorageOptions, databaseUrl: string): Promise<ServerStorage> {
  const pg = await openPgStorage({ databaseUrl, masterKey: opts.masterKey, ...opts.postgres });
  const blobs = opts.blobDir ? await EncryptedFileBlobStore.open({ dir: opts.blobDir, masterKey: opts.masterKey }) : pg.blobs;
  return {
    kind: 'postgres', records: pg.records, blobs, cipher: pg.cipher, nonces: pg.nonces, pool: pg.pool,
    async check() {
      try {
        const st = await schemaStatus(pg.pool);
        if (!st.current) return { ok: false, detail: `schema version ${st.version} of ${st.latest}` };
        await pg.records.collectionsReady();
        return { ok: true, detail: `postgres schema version ${st.version}` };
      } catch {
        return { ok: false, detail: 'database unreachable' };
      }
    },
    exclusive: (name, fn) => withAdvisoryLock(pg.pool, name, fn),
    async close() {
      await pg.records.close();
      await pg.close();
    },
  };
}
