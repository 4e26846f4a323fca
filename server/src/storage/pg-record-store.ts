/**
 * The RecordStore on PostgreSQL (node-postgres), for several server processes sharing one database.
 *
 * Tables (migration `0001_init.sql`):
 * - `records (collection, id, version, shard, data json)`: one row per record;
 * - `record_unique_keys (collection, name, key, id)`: its primary key makes a second holder of a
 *   unique key impossible, across processes;
 * - `record_index_keys (collection, name, key, id)`: the multi-valued indexes, paged by id;
 * - `record_collections (collection, fingerprint)`: which key functions the key rows were built with.
 *
 * Behaviour is the embedded store's, checked by the same contract suite:
 * - **Versions.** An update is `UPDATE … WHERE version = $expected`; no row means VERSION_CONFLICT
 *   (or NOT_FOUND). Each write is one SQL statement that changes the record and its key rows
 *   together (data-modifying CTEs), and a {@link RecordStore.transact} batch is one transaction, so
 *   two processes updating one record from the same version cannot both win, and a contract's audit
 *   chain cannot fork.
 * - **Unique keys.** A violation of `record_unique_keys`' primary key becomes DUPLICATE with the
 *   same details as the embedded store (`collection, unique, key, existingId`).
 * - **JSON.** Records are stored as the JSON text `JSON.stringify` makes and read back with
 *   `JSON.parse`, exactly as the lowdb store does: a Date comes back as its ISO string, `undefined`
 *   properties vanish, key order is kept. Records over `maxRecordBytes` are refused (RECORD_TOO_LARGE).
 * - **Order.** Ids and keys use the "C" collation: ascending by code point, whatever the locale.
 * - **Key changes.** The embedded store recomputes its indexes at every start; here each collection
 *   records a fingerprint of its key functions, and a process whose spec differs rebuilds that
 *   collection's key rows once, under an advisory lock, before its first read or write of it.
 *
 * Limits: ids may not contain NUL (PostgreSQL text cannot hold it); keys may (they are escaped).
 * The pool (size, statement timeout) is the caller's: see `openPgStorage`.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  SignetError, type Collection, type CollectionSpec, type FindOptions, type RecordStore, type StoredRecord, type WriteOp,
} from '@signet/core';
import { DEFAULT_MAX_RECORD_BYTES } from './lowdb-record-store.js';
import { fromPgError, isUniqueViolation } from './pg-errors.js';

/** Options for {@link PgRecordStore}. */
export interface PgRecordStoreOptions {
  /** The connection pool; the store ends it on {@link PgRecordStore.close} only when `ownsPool`. */
  pool: pg.Pool;
  /** End the pool on close (default false: the storage that made the pool ends it). */
  ownsPool?: boolean;
  /** The largest record accepted, in bytes of UTF-8 JSON (default 256 KiB, as the embedded store). */
  maxRecordBytes?: number;
}

const COLLECTION_NAME = /^[a-z][a-z0-9_]*$/;
/** Key rows written per statement when a collection's keys are rebuilt. */
const REBUILD_PAGE = 1000;

/**
 * A key as stored: PostgreSQL text cannot hold NUL, which composite keys use as a separator, so
 * `\` becomes `\\` and NUL becomes `\0` (an injective mapping: distinct keys stay distinct).
 */
export function escapeKey(key: string): string {
  return key.includes('\\') || key.includes('\u0000') ? key.replace(/\\/g, '\\\\').replace(/\u0000/g, '\\0') : key;
}

/** A record's keys, as [name, escaped key] pairs (index keys deduplicated). */
interface Keys {
  uniq: [name: string, key: string, raw: string][];
  idx: [name: string, key: string][];
}

/** One write, checked and serialized, ready for SQL. */
interface Staged {
  op: 'insert' | 'update';
  coll: PgCollection<StoredRecord>;
  id: string;
  json: string;
  record: StoredRecord;
  expectedVersion?: number;
  shard: string;
  keys: Keys;
}

const SQL_GET = 'SELECT data FROM records WHERE collection = $1 AND id = $2';
const SQL_GET_BY = `SELECT r.data FROM record_unique_keys u JOIN records r ON r.collection = u.collection AND r.id = u.id
  WHERE u.collection = $1 AND u.name = $2 AND u.key = $3`;
const SQL_FIND = `SELECT r.data FROM record_index_keys i JOIN records r ON r.collection = i.collection AND r.id = i.id
  WHERE i.collection = $1 AND i.name = $2 AND i.key = $3 AND i.id > $4 ORDER BY i.id LIMIT $5`;
const SQL_COUNT = 'SELECT count(*)::int AS n FROM record_index_keys WHERE collection = $1 AND name = $2 AND key = $3';
const SQL_SCAN = 'SELECT data FROM records WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3';

/** Inserts a record and its key rows in one statement: $1 collection, $2 id, $3 shard, $4 data, $5/$6 unique names/keys, $7/$8 index names/keys. */
const SQL_INSERT = `WITH r AS (
    INSERT INTO records (collection, id, version, shard, data) VALUES ($1, $2, 1, $3, $4::json) RETURNING id
  ), u AS (
    INSERT INTO record_unique_keys (collection, name, key, id)
    SELECT $1, t.n, t.k, $2 FROM unnest($5::text[], $6::text[]) AS t(n, k)
  ), i AS (
    INSERT INTO record_index_keys (collection, name, key, id)
    SELECT $1, t.n, t.k, $2 FROM unnest($7::text[], $8::text[]) AS t(n, k)
  )
  SELECT count(*)::int AS n FROM r`;

/**
 * Updates a record from version $3 and moves its key rows, in one statement: only when the version
 * matches (no row otherwise), keys it no longer has are deleted and keys it newly has inserted (a
 * key held by another record violates the primary key). $4 shard, $5 data, $6/$7 unique, $8/$9 index.
 */
const SQL_UPDATE = `WITH r AS (
    UPDATE records SET version = $3::int + 1, shard = $4, data = $5::json
    WHERE collection = $1 AND id = $2 AND version = $3 RETURNING id
  ), du AS (
    DELETE FROM record_unique_keys
    WHERE collection = $1 AND id = $2 AND EXISTS (SELECT 1 FROM r)
      AND (name, key) NOT IN (SELECT t.n, t.k FROM unnest($6::text[], $7::text[]) AS t(n, k))
  ), iu AS (
    INSERT INTO record_unique_keys (collection, name, key, id)
    SELECT $1, t.n, t.k, $2 FROM unnest($6::text[], $7::text[]) AS t(n, k)
    WHERE EXISTS (SELECT 1 FROM r)
      AND NOT EXISTS (SELECT 1 FROM record_unique_keys x WHERE x.collection = $1 AND x.name = t.n AND x.key = t.k AND x.id = $2)
  ), di AS (
    DELETE FROM record_index_keys
    WHERE collection = $1 AND id = $2 AND EXISTS (SELECT 1 FROM r)
      AND (name, key) NOT IN (SELECT t.n, t.k FROM unnest($8::text[], $9::text[]) AS t(n, k))
  ), ii AS (
    INSERT INTO record_index_keys (collection, name, key, id)
    SELECT $1, t.n, t.k, $2 FROM unnest($8::text[], $9::text[]) AS t(n, k)
    WHERE EXISTS (SELECT 1 FROM r)
    ON CONFLICT DO NOTHING
  )
  SELECT count(*)::int AS n FROM r`;

/** The holders of unique keys: $1 collection, $2/$3 names/keys. */
const SQL_HOLDERS = `SELECT u.name, u.key, u.id FROM record_unique_keys u
  JOIN unnest($2::text[], $3::text[]) AS t(n, k) ON u.name = t.n AND u.key = t.k WHERE u.collection = $1`;

/** A fingerprint of the key functions of `spec`: when it changes, the key rows are rebuilt. */
export function keyFingerprint(spec: CollectionSpec<StoredRecord>): string {
  const fns = (m: Record<string, unknown> | undefined) => Object.entries(m ?? {}).map(([n, f]) => [n, String(f)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return createHash('sha256').update(JSON.stringify({ format: 1, unique: fns(spec.unique), indexes: fns(spec.indexes) })).digest('hex');
}

/** The advisory lock key (a signed 64-bit integer, as text) of a name. */
function lockKey(name: string): string {
  return createHash('sha256').update(`signet:${name}`).digest().readBigInt64BE(0).toString();
}

/** One collection on PostgreSQL. */
class PgCollection<T extends StoredRecord> implements Collection<T> {
  private readonly uniqueNames: string[];
  private readonly indexNames: string[];
  private ready?: Promise<void>;

  constructor(readonly spec: CollectionSpec<T>, private readonly store: PgRecordStore) {
    this.uniqueNames = Object.keys(spec.unique ?? {});
    this.indexNames = Object.keys(spec.indexes ?? {});
  }

  /** Resolves once the key rows match this spec (rebuilding them once if they do not); retried after a failure. */
  whenReady(): Promise<void> {
    this.store.assertOpen();
    if (!this.ready) {
      this.ready = this.store.ensureKeys(this.spec as unknown as CollectionSpec<StoredRecord>);
      this.ready.catch(() => { this.ready = undefined; });
    }
    return this.ready;
  }

  /** The keys of `r`: unique keys with their raw value, index keys deduplicated. */
  keysFor(r: T): Keys {
    const uniq: Keys['uniq'] = [];
    for (const n of this.uniqueNames) {
      const k = this.spec.unique![n](r);
      if (k !== undefined) uniq.push([n, escapeKey(String(k)), String(k)]);
    }
    const idx: Keys['idx'] = [];
    for (const n of this.indexNames) {
      const v = this.spec.indexes![n](r);
      if (v === undefined) continue;
      const seen = new Set<string>();
      for (const k of typeof v === 'string' ? [v] : v) {
        if (k === undefined || seen.has(k)) continue;
        seen.add(k);
        idx.push([n, escapeKey(String(k))]);
      }
    }
    return { uniq, idx };
  }

  private checkName(kind: 'unique' | 'index', name: string): void {
    const names = kind === 'unique' ? this.uniqueNames : this.indexNames;
    if (!names.includes(name)) {
      throw new SignetError('INVALID_ARGUMENT', `Collection ${this.spec.name} has no ${kind === 'unique' ? 'unique key' : 'index'} "${name}"`);
    }
  }

  private async rows(name: string, text: string, values: unknown[]): Promise<T[]> {
    await this.whenReady();
    const { rows } = await this.store.query<{ data: T }>(name, text, values, `a read of ${this.spec.name}`);
    return rows.map((r) => r.data);
  }

  async get(id: string): Promise<T | undefined> {
    return (await this.rows('signet_get', SQL_GET, [this.spec.name, id]))[0];
  }

  async getBy(unique: string, key: string): Promise<T | undefined> {
    this.checkName('unique', unique);
    return (await this.rows('signet_get_by', SQL_GET_BY, [this.spec.name, unique, escapeKey(key)]))[0];
  }

  async find(index: string, key: string, opts: FindOptions = {}): Promise<T[]> {
    this.checkName('index', index);
    if (opts.limit !== undefined && opts.limit <= 0) return [];
    return this.rows('signet_find', SQL_FIND, [this.spec.name, index, escapeKey(key), opts.after ?? '', opts.limit ?? null]);
  }

  async count(index: string, key: string): Promise<number> {
    this.checkName('index', index);
    await this.whenReady();
    const { rows } = await this.store.query<{ n: number }>('signet_count', SQL_COUNT, [this.spec.name, index, escapeKey(key)], `a count of ${this.spec.name}`);
    return rows[0].n;
  }

  async scan(opts: FindOptions = {}): Promise<T[]> {
    if (opts.limit !== undefined && opts.limit <= 0) return [];
    return this.rows('signet_scan', SQL_SCAN, [this.spec.name, opts.after ?? '', opts.limit ?? null]);
  }

  async insert(record: Omit<T, 'version'> & { version?: number }): Promise<T> {
    const [r] = await this.store.commit([{ op: 'insert', coll: this as unknown as PgCollection<StoredRecord>, record: record as unknown as StoredRecord }]);
    return r as T;
  }

  async update(record: T, expectedVersion: number): Promise<T> {
    const [r] = await this.store.commit([{ op: 'update', coll: this as unknown as PgCollection<StoredRecord>, record, expectedVersion }]);
    return r as T;
  }
}

function shardKeyOf(spec: CollectionSpec<StoredRecord>, r: StoredRecord): string {
  return spec.shard ? spec.shard(r) : r.id;
}

/**
 * A {@link RecordStore} on PostgreSQL. The schema must be migrated first (`migrateDatabase`);
 * `openPgStorage` does both.
 */
export class PgRecordStore implements RecordStore {
  private readonly collections = new Map<string, PgCollection<StoredRecord>>();
  private readonly maxRecordBytes: number;
  private closed = false;

  constructor(private readonly opts: PgRecordStoreOptions) {
    this.maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  /** The pool the store runs on. */
  get pool(): pg.Pool {
    return this.opts.pool;
  }

  /** @inheritDoc */
  collection<T extends StoredRecord>(spec: CollectionSpec<T>): Collection<T> {
    this.assertOpen();
    if (!COLLECTION_NAME.test(spec.name)) throw new SignetError('INVALID_ARGUMENT', `Collection name "${spec.name}" must match [a-z][a-z0-9_]*`);
    let c = this.collections.get(spec.name);
    if (!c) {
      c = new PgCollection(spec as unknown as CollectionSpec<StoredRecord>, this);
      this.collections.set(spec.name, c);
      void c.whenReady().catch(() => undefined); // start the key check now; callers see its failure on use
    }
    return c as unknown as Collection<T>;
  }

  /** Resolves once every collection opened so far has its key rows in place (for readiness). */
  async collectionsReady(): Promise<void> {
    await Promise.all([...this.collections.values()].map((c) => c.whenReady()));
  }

  /** @inheritDoc */
  async transact(ops: WriteOp[]): Promise<StoredRecord[]> {
    const keys = new Set(ops.map((o) => shardKeyOf(o.collection.spec, o.record)));
    if (keys.size > 1) throw new SignetError('INVALID_ARGUMENT', `A transaction must stay in one shard; got ${[...keys].join(', ')}`);
    return this.commit(ops.map((o) => {
      const coll = this.collections.get(o.collection.spec.name);
      if (!coll || coll !== (o.collection as unknown)) throw new SignetError('INVALID_ARGUMENT', `Unknown collection ${o.collection.spec.name}: open it with collection() on this store first`);
      return o.op === 'insert'
        ? { op: 'insert' as const, coll, record: o.record }
        : { op: 'update' as const, coll, record: o.record, expectedVersion: o.expectedVersion };
    }));
  }

  /** Checks a batch, writes it (one statement, or one transaction for several) and returns the stored records. */
  async commit(ops: { op: 'insert' | 'update'; coll: PgCollection<StoredRecord>; record: StoredRecord; expectedVersion?: number }[]): Promise<StoredRecord[]> {
    this.assertOpen();
    if (ops.length === 0) return [];
    const staged = ops.map((o) => this.stage(o));
    const twice = checkBatch(staged);
    if (twice >= 0) {
      // As in the embedded store, each write's own check comes first, then the batch's.
      await this.checkAgainstStored(staged.slice(0, twice + 1));
      throw new SignetError('INVALID_ARGUMENT', `A transaction writes ${staged[twice].coll.spec.name} ${staged[twice].id} twice; write each record once`);
    }
    await Promise.all([...new Set(staged.map((s) => s.coll))].map((c) => c.whenReady()));
    for (let attempt = 1; ; attempt++) {
      try {
        if (staged.length === 1) {
          await this.write(this.opts.pool, staged[0]);
        } else {
          await this.inTransaction(async (client) => {
            for (const s of staged) await this.write(client, s);
          });
        }
        return staged.map((s) => s.record);
      } catch (e) {
        if (isUniqueViolation(e, 'records_pkey')) {
          const s = staged.find((x) => x.op === 'insert') ?? staged[0];
          const taken = await this.takenIds(staged);
          const first = taken[0] ?? s;
          throw new SignetError('DUPLICATE', `${first.coll.spec.name} ${first.id} already exists`, { collection: first.coll.spec.name, unique: 'id', key: first.id, existingId: first.id });
        }
        if (isUniqueViolation(e, 'record_unique_keys_pkey')) {
          const dup = await this.duplicateOf(staged);
          if (dup) throw dup;
          if (attempt < 3) continue; // the holder let go of the key meanwhile: try again
        }
        throw fromPgError(e, `a write to ${staged[0].coll.spec.name}`);
      }
    }
  }

  private stage(o: { op: 'insert' | 'update'; coll: PgCollection<StoredRecord>; record: StoredRecord; expectedVersion?: number }): Staged {
    const name = o.coll.spec.name;
    if (typeof o.record?.id !== 'string' || o.record.id === '') throw new SignetError('INVALID_ARGUMENT', `A ${name} record needs a non-empty string id`);
    if (o.record.id.includes('\u0000')) throw new SignetError('INVALID_ARGUMENT', `A ${name} record id may not contain NUL characters`);
    if (o.op === 'update' && !Number.isInteger(o.expectedVersion)) throw new SignetError('INVALID_ARGUMENT', `An update of ${name} ${o.record.id} needs the integer version it read`);
    const version = o.op === 'insert' ? 1 : o.expectedVersion! + 1;
    const json = JSON.stringify({ ...o.record, version });
    const bytes = json.length * 3 > this.maxRecordBytes ? Buffer.byteLength(json) : json.length;
    if (bytes > this.maxRecordBytes) {
      throw new SignetError('RECORD_TOO_LARGE', `${name} ${o.record.id} is ${bytes} bytes of JSON, over the ${this.maxRecordBytes}-byte limit. Records hold metadata only: store file bytes in the BlobStore and keep the blob id in the record`, { collection: name, id: o.record.id, bytes, limit: this.maxRecordBytes });
    }
    const record = JSON.parse(json) as StoredRecord;
    return {
      op: o.op, coll: o.coll, id: o.record.id, json, record, expectedVersion: o.expectedVersion,
      shard: shardKeyOf(o.coll.spec, record), keys: o.coll.keysFor(record),
    };
  }

  /** Runs one staged write on `db`; throws NOT_FOUND or VERSION_CONFLICT when an update matches no row. */
  private async write(db: pg.Pool | pg.PoolClient, s: Staged): Promise<void> {
    const c = s.coll.spec.name;
    const un = s.keys.uniq.map((k) => k[0]);
    const uk = s.keys.uniq.map((k) => k[1]);
    const inames = s.keys.idx.map((k) => k[0]);
    const ikeys = s.keys.idx.map((k) => k[1]);
    if (s.op === 'insert') {
      await db.query({ name: 'signet_insert', text: SQL_INSERT, values: [c, s.id, s.shard, s.json, un, uk, inames, ikeys] });
      return;
    }
    const { rows } = await db.query<{ n: number }>({ name: 'signet_update', text: SQL_UPDATE, values: [c, s.id, s.expectedVersion, s.shard, s.json, un, uk, inames, ikeys] });
    if (rows[0].n === 1) return;
    const cur = await db.query<{ version: number }>({ name: 'signet_version', text: 'SELECT version FROM records WHERE collection = $1 AND id = $2', values: [c, s.id] });
    if (cur.rows.length === 0) throw new SignetError('NOT_FOUND', `${c} ${s.id} does not exist`);
    throw new SignetError('VERSION_CONFLICT', `${c} ${s.id} is at version ${cur.rows[0].version}, not ${s.expectedVersion}; reload and retry`);
  }

  /** Throws what the first write of `staged` that cannot apply to the stored state would throw (DUPLICATE, NOT_FOUND, VERSION_CONFLICT). */
  private async checkAgainstStored(staged: Staged[]): Promise<void> {
    for (const s of staged) {
      const c = s.coll.spec.name;
      const { rows } = await this.query<{ version: number }>('signet_version', 'SELECT version FROM records WHERE collection = $1 AND id = $2', [c, s.id], 'a batch check');
      if (s.op === 'insert' && rows.length) throw new SignetError('DUPLICATE', `${c} ${s.id} already exists`, { collection: c, unique: 'id', key: s.id, existingId: s.id });
      if (s.op === 'update' && !rows.length) throw new SignetError('NOT_FOUND', `${c} ${s.id} does not exist`);
      if (s.op === 'update' && rows[0].version !== s.expectedVersion) throw new SignetError('VERSION_CONFLICT', `${c} ${s.id} is at version ${rows[0].version}, not ${s.expectedVersion}; reload and retry`);
    }
  }

  /** The inserts of `staged` whose id is already stored. */
  private async takenIds(staged: Staged[]): Promise<Staged[]> {
    const out: Staged[] = [];
    for (const s of staged) {
      if (s.op !== 'insert') continue;
      const { rows } = await this.query('signet_version', 'SELECT version FROM records WHERE collection = $1 AND id = $2', [s.coll.spec.name, s.id], 'a duplicate check');
      if (rows.length) out.push(s);
    }
    return out;
  }

  /** The DUPLICATE error for the first unique key of `staged` that another record holds, if any. */
  private async duplicateOf(staged: Staged[]): Promise<SignetError | undefined> {
    for (const s of staged) {
      if (s.keys.uniq.length === 0) continue;
      const { rows } = await this.query<{ name: string; key: string; id: string }>('signet_holders', SQL_HOLDERS, [s.coll.spec.name, s.keys.uniq.map((k) => k[0]), s.keys.uniq.map((k) => k[1])], 'a duplicate check');
      for (const [name, key, raw] of s.keys.uniq) {
        const holder = rows.find((r) => r.name === name && r.key === key && r.id !== s.id);
        if (holder) {
          return new SignetError('DUPLICATE', `${s.coll.spec.name}: ${name} "${raw}" is already taken by ${holder.id}`, { collection: s.coll.spec.name, unique: name, key: raw, existingId: holder.id });
        }
      }
    }
    return undefined;
  }

  /** Runs a named (prepared) query on the pool, translating failures. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(name: string, text: string, values: unknown[], what: string): Promise<pg.QueryResult<R>> {
    this.assertOpen();
    try {
      return await this.opts.pool.query<R>({ name, text, values });
    } catch (e) {
      throw fromPgError(e, what);
    }
  }

  /**
   * Runs `fn` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
   * it throws. `statementTimeoutMs` (0: none) overrides the pool's for this transaction.
   */
  async inTransaction<R>(fn: (client: pg.PoolClient) => Promise<R>, opts: { statementTimeoutMs?: number } = {}): Promise<R> {
    this.assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.opts.pool.connect();
    } catch (e) {
      throw fromPgError(e, 'a transaction');
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (opts.statementTimeoutMs !== undefined) await client.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.floor(opts.statementTimeoutMs))}`);
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (r) {
        broken = r as Error; // the connection is gone or confused: do not reuse it
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Makes the key rows of `spec`'s collection match its key functions: when the stored fingerprint
   * differs, rebuilds them once (under an advisory lock, with the records locked against updates).
   */
  async ensureKeys(spec: CollectionSpec<StoredRecord>): Promise<void> {
    const fp = keyFingerprint(spec);
    const name = spec.name;
    const cur = await this.query<{ fingerprint: string }>('signet_fingerprint', 'SELECT fingerprint FROM record_collections WHERE collection = $1', [name], `opening ${name}`);
    if (cur.rows[0]?.fingerprint === fp) return;
    const coll = this.collections.get(name) as PgCollection<StoredRecord> | undefined;
    const keysOf = (r: StoredRecord) => (coll ?? new PgCollection(spec, this)).keysFor(r);
    try {
      await this.inTransaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(`collection:${name}`)]);
        const again = await client.query<{ fingerprint: string }>('SELECT fingerprint FROM record_collections WHERE collection = $1', [name]);
        if (again.rows[0]?.fingerprint === fp) return;
        await client.query('DELETE FROM record_unique_keys WHERE collection = $1', [name]);
        await client.query('DELETE FROM record_index_keys WHERE collection = $1', [name]);
        for (let after = ''; ;) {
          const page = await client.query<{ id: string; data: StoredRecord }>(
            'SELECT id, data FROM records WHERE collection = $1 AND id > $2 ORDER BY id LIMIT $3 FOR SHARE', [name, after, REBUILD_PAGE]);
          if (page.rows.length === 0) break;
          const u: [string[], string[], string[]] = [[], [], []];
          const x: [string[], string[], string[]] = [[], [], []];
          for (const { id, data } of page.rows) {
            const k = keysOf(data);
            for (const [n, key] of k.uniq) { u[0].push(n); u[1].push(key); u[2].push(id); }
            for (const [n, key] of k.idx) { x[0].push(n); x[1].push(key); x[2].push(id); }
          }
          await client.query(`INSERT INTO record_unique_keys (collection, name, key, id)
            SELECT $1, t.n, t.k, t.i FROM unnest($2::text[], $3::text[], $4::text[]) AS t(n, k, i) ON CONFLICT DO NOTHING`, [name, ...u]);
          await client.query(`INSERT INTO record_index_keys (collection, name, key, id)
            SELECT $1, t.n, t.k, t.i FROM unnest($2::text[], $3::text[], $4::text[]) AS t(n, k, i) ON CONFLICT DO NOTHING`, [name, ...x]);
          after = page.rows[page.rows.length - 1].id;
        }
        await client.query(`INSERT INTO record_collections (collection, fingerprint) VALUES ($1, $2)
          ON CONFLICT (collection) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, built_at = now()`, [name, fp]);
      }, { statementTimeoutMs: 0 });
    } catch (e) {
      throw fromPgError(e, `rebuilding the keys of ${name}`);
    }
  }

  /** Throws unless the store is open. */
  assertOpen(): void {
    if (this.closed) throw new SignetError('INVALID_ARGUMENT', 'The PostgreSQL record store is closed; open it again');
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opts.ownsPool) await this.opts.pool.end();
  }
}

/**
 * Refuses a batch that gives one unique key to two of its records (DUPLICATE), and returns the
 * index of the first write of a record the batch already writes (-1 when none).
 */
function checkBatch(staged: Staged[]): number {
  const seen = new Set<string>();
  const claimed = new Map<string, string>();
  for (const [i, s] of staged.entries()) {
    const c = s.coll.spec.name;
    const k = `${c}\u0000${s.id}`;
    if (seen.has(k)) return i;
    seen.add(k);
    for (const [name, key, raw] of s.keys.uniq) {
      const u = `${c}\u0000${name}\u0000${key}`;
      const holder = claimed.get(u);
      if (holder !== undefined && holder !== s.id) {
        throw new SignetError('DUPLICATE', `${c}: ${name} "${raw}" is already taken by ${holder}`, { collection: c, unique: name, key: raw, existingId: holder });
      }
      claimed.set(u, s.id);
    }
  }
  return -1;
}
