/**
 * Moves an embedded installation (lowdb records and encrypted blob files under `<data>`) into
 * PostgreSQL, for `signet migrate --from lowdb --to $DATABASE_URL`. It loses nothing and can be run
 * again:
 * - **Records.** Every collection found in the shard files is scanned in pages of 500 and copied as
 *   it is (id, version, JSON). A record already in the target is skipped when it is the same
 *   (version and canonical JSON), and left alone and reported when it differs, unless `force`
 *   (then the source wins). Key rows are not copied: the collection's fingerprint is cleared, and
 *   the first server process that opens it rebuilds them from its key functions.
 * - **Blobs.** Every blob file is copied byte for byte (the same encrypted container), after
 *   checking that it opens and hashes to its id. A blob already in the target is kept when it opens
 *   and hashes to its id; one that does not is reported (and replaced with `force`).
 * - **Jobs.** Jobs of the embedded queue still queued or running are handed to the PostgreSQL queue
 *   with their idempotency key (or `lowdb-job:<id>`), so that none is lost and none doubles.
 * - **Verification.** Per collection, the record count and a SHA-256 over `id ⇥ canonical JSON`
 *   lines in id order must match between source and target; every blob must open from the target
 *   and hash to its id.
 *
 * The source is opened through `LowdbRecordStore`, whose LOCK refuses to run while a server uses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignetError, canonicalJson, type Collection, type StoredRecord } from '@signet/core';
import { isAtomicWriteTemp } from './atomic-write.js';
import { LowdbRecordStore } from './lowdb-record-store.js';
import type { MasterKey } from './master-key.js';
import { openBlob } from './pg-blob-store.js';
import { openPgStorage } from './pg-storage.js';
import { PgBossJobQueue } from '../jobs/pg-boss-job-queue.js';
import { JOBS_COLLECTION, type JobRecord } from '../jobs/record-store-job-queue.js';

/** Options for {@link PgLowdbMigration}. */
export interface PgLowdbMigrationOptions {
  /** The installation's data directory (`<data>/records`, `<data>/blobs`). */
  dataDir: string;
  /** The target database. */
  databaseUrl: string;
  /** The installation's master key (to check every blob opens). */
  masterKey: MasterKey;
  /** Overwrite target records and blobs that differ from the source. */
  force?: boolean;
  /** Records per page (default 500). */
  pageSize?: number;
  /** Progress lines (the CLI writes them to stderr). */
  progress?: (p: MigrationProgress) => void;
}

/** One progress report. */
export interface MigrationProgress {
  phase: 'records' | 'blobs' | 'jobs' | 'verify';
  /** The collection, for records. */
  collection?: string;
  done: number;
  total: number;
}

/** What happened to one collection. */
export interface CollectionMigration {
  collection: string;
  source: number;
  target: number;
  copied: number;
  identical: number;
  /** Target records that differ from the source and were left as they are (or overwritten with force). */
  differing: string[];
  overwritten: number;
  sourceSha256: string;
  targetSha256: string;
  /** Counts and hashes match. */
  verified: boolean;
}

/** What happened to the blobs. */
export interface BlobMigration {
  source: number;
  copied: number;
  present: number;
  /** Target blobs that did not open or hash to their id (left, or replaced with force). */
  damagedInTarget: string[];
  replaced: number;
  /** Source blob files that do not open or hash to their id: not copied. */
  damagedInSource: string[];
  /** Every source blob opens from the target and hashes to its id. */
  verified: boolean;
}

/** The report of a run. */
export interface MigrationReport {
  collections: CollectionMigration[];
  blobs: BlobMigration;
  /** Jobs handed to the PostgreSQL queue (still queued or running in the source). */
  jobs: number;
  /** Everything verified and nothing left differing. */
  ok: boolean;
}

const LINE = /^\["([a-z][a-z0-9_]*)",/;
const BLOB_ID = /^[0-9a-f]{64}$/;

/** A record's line in the verification hash. */
function hashLine(id: string, r: unknown): string {
  return `${id}\t${canonicalJson(r)}\n`;
}

/** The lowdb → PostgreSQL migration of one installation. */
export class PgLowdbMigration {
  constructor(private readonly opts: PgLowdbMigrationOptions) {}

  /** Copies and verifies everything; see the module comment. */
  async run(): Promise<MigrationReport> {
    const recordsDir = join(this.opts.dataDir, 'records');
    if (!existsSync(join(recordsDir, 'store.json'))) {
      throw new SignetError('INVALID_ARGUMENT', `${this.opts.dataDir} holds no embedded record store (records/store.json); give the installation's --data DIR`);
    }
    const counts = collectionCounts(recordsDir);
    const source = await LowdbRecordStore.open({ dir: recordsDir });
    let target: Awaited<ReturnType<typeof openPgStorage>> | undefined;
    try {
      target = await openPgStorage({ databaseUrl: this.opts.databaseUrl, masterKey: this.opts.masterKey, poolMax: 4, statementTimeoutMs: 0, applicationName: 'signet-migrate' });
      const collections: CollectionMigration[] = [];
      for (const [name, total] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
        collections.push(await this.copyCollection(source, target.pool, name, total));
      }
      const blobs = await this.copyBlobs(target);
      const jobs = counts.has(JOBS_COLLECTION.name) ? await this.handOverJobs(source, target.pool) : 0;
      const ok = collections.every((c) => c.verified && (c.differing.length === 0 || this.opts.force)) && blobs.verified;
      return { collections, blobs, jobs, ok };
    } finally {
      await source.close();
      await target?.close();
    }
  }

  private async copyCollection(source: LowdbRecordStore, pool: import('pg').Pool, name: string, total: number): Promise<CollectionMigration> {
    // One spec per name and process: the jobs collection is opened with its own, for handOverJobs.
    const coll = name === JOBS_COLLECTION.name ? source.collection(JOBS_COLLECTION) as unknown as Collection<StoredRecord> : source.collection<StoredRecord>({ name });
    const page = this.opts.pageSize ?? 500;
    const srcHash = createHash('sha256');
    const out: CollectionMigration = { collection: name, source: 0, target: 0, copied: 0, identical: 0, differing: [], overwritten: 0, sourceSha256: '', targetSha256: '', verified: false };
    for (let after: string | undefined; ;) {
      const recs = await coll.scan({ after, limit: page });
      if (recs.length === 0) break;
      after = recs[recs.length - 1].id;
      out.source += recs.length;
      const { rows } = await pool.query<{ id: string; version: number; data: unknown }>(
        'SELECT id, version, data FROM records WHERE collection = $1 AND id = ANY($2::text[])', [name, recs.map((r) => r.id)]);
      const have = new Map(rows.map((r) => [r.id, r]));
      const insert: StoredRecord[] = [];
      const overwrite: StoredRecord[] = [];
      for (const r of recs) {
        const line = hashLine(r.id, r);
        srcHash.update(line);
        const t = have.get(r.id);
        if (!t) insert.push(r);
        else if (t.version === r.version && hashLine(t.id, t.data) === line) out.identical++;
        else {
          out.differing.push(r.id);
          if (this.opts.force) overwrite.push(r);
        }
      }
      if (insert.length) {
        const res = await pool.query(`INSERT INTO records (collection, id, version, shard, data)
          SELECT $1, t.id, t.v, t.id, t.d::json FROM unnest($2::text[], $3::int[], $4::text[]) AS t(id, v, d) ON CONFLICT DO NOTHING`,
        [name, insert.map((r) => r.id), insert.map((r) => r.version), insert.map((r) => JSON.stringify(r))]);
        out.copied += res.rowCount ?? 0;
      }
      if (overwrite.length) {
        await pool.query(`UPDATE records SET version = t.v, data = t.d::json FROM unnest($2::text[], $3::int[], $4::text[]) AS t(id, v, d)
          WHERE records.collection = $1 AND records.id = t.id`, [name, overwrite.map((r) => r.id), overwrite.map((r) => r.version), overwrite.map((r) => JSON.stringify(r))]);
        out.overwritten += overwrite.length;
      }
      this.opts.progress?.({ phase: 'records', collection: name, done: out.source, total });
    }
    if (out.copied || out.overwritten) {
      // The key rows of this collection no longer match its records: the next open rebuilds them.
      await pool.query('DELETE FROM record_collections WHERE collection = $1', [name]);
    }
    out.sourceSha256 = srcHash.digest('hex');
    const tHash = createHash('sha256');
    for (let after = ''; ;) {
      const { rows } = await pool.query<{ id: string; data: unknown }>('SELECT id, data FROM records WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3', [name, after, page * 4]);
      if (rows.length === 0) break;
      for (const r of rows) tHash.update(hashLine(r.id, r.data));
      out.target += rows.length;
      after = rows[rows.length - 1].id;
    }
    out.targetSha256 = tHash.digest('hex');
    out.verified = out.source === out.target && out.sourceSha256 === out.targetSha256;
    return out;
  }

  private async copyBlobs(target: Awaited<ReturnType<typeof openPgStorage>>): Promise<BlobMigration> {
    const files = blobFiles(join(this.opts.dataDir, 'blobs'));
    const out: BlobMigration = { source: files.length, copied: 0, present: 0, damagedInTarget: [], replaced: 0, damagedInSource: [], verified: false };
    const opens = (bytes: Uint8Array | undefined, id: string) => {
      if (!bytes) return false;
      try {
        return createHash('sha256').update(openBlob(bytes, id, this.opts.masterKey)).digest('hex') === id;
      } catch {
        return false;
      }
    };
    let verified = 0;
    for (const [i, { id, path }] of files.entries()) {
      const envelope = readFileSync(path);
      if (!opens(envelope, id)) {
        out.damagedInSource.push(id);
        continue;
      }
      const existing = await target.blobs.getEnvelope(id);
      if (!existing) {
        if (await target.blobs.putEnvelope(id, envelope)) out.copied++;
      } else if (opens(existing, id)) {
        out.present++;
      } else {
        out.damagedInTarget.push(id);
        if (this.opts.force) {
          await target.blobs.putEnvelope(id, envelope, { replace: true });
          out.replaced++;
        }
      }
      if (opens(await target.blobs.getEnvelope(id), id)) verified++;
      this.opts.progress?.({ phase: 'blobs', done: i + 1, total: files.length });
    }
    out.verified = out.damagedInSource.length === 0 && verified === files.length;
    return out;
  }

  private async handOverJobs(source: LowdbRecordStore, pool: import('pg').Pool): Promise<number> {
    const jobs = source.collection<JobRecord>(JOBS_COLLECTION);
    const queue = new PgBossJobQueue({ pool });
    let n = 0;
    try {
      for (const state of ['queued', 'running'] as const) {
        for (let after: string | undefined; ;) {
          const page = await jobs.find('state', state, { after, limit: 500 });
          if (page.length === 0) break;
          after = page[page.length - 1].id;
          for (const j of page) {
            await queue.enqueue(j.type, j.payload, {
              idempotencyKey: j.idempotencyKey ?? `lowdb-job:${j.id}`,
              runAt: new Date(j.runAt),
              maxAttempts: Math.max(1, j.maxAttempts - j.attempts),
              backoffMs: j.backoffMs,
              maxBackoffMs: j.maxBackoffMs,
              leaseMs: j.leaseMs,
            });
            n++;
            this.opts.progress?.({ phase: 'jobs', done: n, total: n });
          }
        }
      }
    } finally {
      await queue.stop();
    }
    return n;
  }
}

/** Collection name → record count, read from the shard files' lines (one record per line, or parsed whole when edited by hand). */
function collectionCounts(recordsDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (c: string) => counts.set(c, (counts.get(c) ?? 0) + 1);
  const root = join(recordsDir, 'shards');
  for (const sub of existsSync(root) ? readdirSync(root) : []) {
    for (const name of readdirSync(join(root, sub))) {
      if (isAtomicWriteTemp(name) || !name.endsWith('.json')) continue;
      const text = readFileSync(join(root, sub, name), 'utf8');
      const lines = text.split('\n');
      if (lines[0].startsWith('{"signet":"record-shard"') && lines.slice(1, -2).every((l) => LINE.test(l))) {
        for (const l of lines.slice(1, -2)) add(LINE.exec(l)![1]);
      } else {
        for (const entry of (JSON.parse(text) as { records?: [string][] }).records ?? []) add(entry[0]);
      }
    }
  }
  return counts;
}

/** Every blob file under `dir` (`ab/cd/<id>`), ascending by id. */
function blobFiles(dir: string): { id: string; path: string }[] {
  const out: { id: string; path: string }[] = [];
  if (!existsSync(dir)) return out;
  for (const a of readdirSync(dir)) {
    if (!/^[0-9a-f]{2}$/.test(a)) continue;
    for (const b of readdirSync(join(dir, a))) {
      if (!/^[0-9a-f]{2}$/.test(b)) continue;
      for (const id of readdirSync(join(dir, a, b))) if (BLOB_ID.test(id) && id.startsWith(a + b)) out.push({ id, path: join(dir, a, b, id) });
    }
  }
  return out.sort((x, y) => (x.id < y.id ? -1 : 1));
}
