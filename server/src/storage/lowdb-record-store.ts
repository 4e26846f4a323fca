/**
 * The embedded RecordStore: JSON shard files read and written through lowdb, with the whole index
 * in memory.
 *
 * Layout of `dir` (e.g. `<data>/records`):
 * - `store.json`: the format and the shard count, fixed when the store is created.
 * - `LOCK`: the pid of the process that has the store open. One process at a time.
 * - `shards/<hh>/<hhhh>.json`: shard file number `hhhh` (hex). A record lives in the file chosen by
 *   the first 32 bits of SHA-256 of its shard key (`CollectionSpec.shard`, default the id), modulo
 *   the shard count. Every collection's records of one shard key share one file, so a
 *   {@link RecordStore.transact} batch is one atomic file replacement.
 *
 * A shard file is one JSON document with one record per line:
 * `{"signet":"record-shard","format":1,"records":[` / `["contracts","ct_1",{…}],` / … / `]}`.
 *
 * Why shards: lowdb rewrites a whole file on every write, so one file would make write latency grow
 * with the store. With 4,096 shards, 100,000 records of 2 KB make files of ~50 KB, and a write costs
 * about what an fsync of a small file costs. Writes to one file that arrive while it is being
 * written are merged into its next write. A write resolves only once it is durable (temp file,
 * fsync, rename, directory fsync), and reads wait for the writes they would see, so nothing read
 * can be lost in a crash.
 *
 * Limits: one process (see `LOCK`); every record is held in memory (as UTF-8 JSON, off the
 * JavaScript heap), and all of it is read at start; a record keeps the file of the shard key it was
 * inserted with. See the README section "When to move to PostgreSQL".
 */
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import {
  SignetError, type Collection, type CollectionSpec, type FindOptions, type RecordStore, type StoredRecord, type WriteOp,
} from '@signet/core';
import { fsyncDirectory, isAtomicWriteTemp, writeFileAtomicAsync } from './atomic-write.js';
import { SortedIds } from './sorted-ids.js';

/** Options for {@link LowdbRecordStore.open}. */
export interface LowdbRecordStoreOptions {
  /** The store's directory, e.g. `<data>/records`; created when missing. */
  dir: string;
  /**
   * How many shard files, a power of two from 1 to 65,536 (default 4,096). Used only when the store
   * is created; an existing store keeps the count in its `store.json`.
   */
  shards?: number;
  /** The largest record accepted, in bytes of UTF-8 JSON (default 256 KiB). */
  maxRecordBytes?: number;
}

/** Counters for benchmarks and tests. */
export interface LowdbRecordStoreStats {
  /** The configured shard count. */
  shards: number;
  /** Shard files that exist or are about to be written. */
  shardFiles: number;
  /** Records in the collections opened so far. */
  records: number;
  /** Shard file replacements since the store was opened (each one temp + fsync + rename). */
  fileWrites: number;
}

/** The default shard count. */
export const DEFAULT_SHARDS = 4096;
/** The default largest record: 256 KiB of JSON. Larger means someone put bytes in a record. */
export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024;

const HEADER = '{"signet":"record-shard","format":1,"records":[';
const MANIFEST = 'store.json';

const HEADER_BYTES = Buffer.from(`${HEADER}\n`);
const SEPARATOR = Buffer.from(',\n');
const TAIL = Buffer.from('\n]}\n');

/**
 * A shard file's content: collection → id → the record's line `["<collection>","<id>",{…}]` as
 * UTF-8 bytes. Records live in memory as these bytes, off the JavaScript heap, so that a large
 * store costs the garbage collector little and a write re-encodes only the records it changes.
 */
interface ShardData {
  records: Map<string, Map<string, Buffer>>;
  /** Records read by the last read, until their collections are opened (startup only). */
  loaded?: [collection: string, id: string, line: Buffer, jsonStart: number][];
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => undefined); // callers get the rejection; no unhandled-rejection noise
  return { promise, resolve, reject };
}

const COLLECTION_NAME = /^[a-z][a-z0-9_]*$/;

/** The line of a record, and where its JSON starts (it ends before the line's last byte). */
function makeLine(collection: string, id: string, json: string): { line: Buffer; jsonStart: number } {
  const prefix = `[${JSON.stringify(collection)},${JSON.stringify(id)},`;
  return { line: Buffer.from(`${prefix}${json}]`), jsonStart: Buffer.byteLength(prefix) };
}

/** The record JSON of a line. */
function jsonOf(line: Buffer, jsonStart: number): string {
  return line.toString('utf8', jsonStart, line.length - 1);
}

/**
 * Splits a line `["<collection>","<id>",{…}]` written by {@link serializeShard} without parsing the
 * record: startup keeps the bytes, and parses each record once, when its collection opens. (UTF-8
 * continuation bytes are never `"` or `\`, so scanning bytes is safe.) Undefined when the line is
 * not in that exact form.
 */
function splitLine(line: Buffer): [string, string, number] | undefined {
  if (line[0] !== 0x5b || line[1] !== 0x22 || line[line.length - 1] !== 0x5d) return undefined;
  const cEnd = line.indexOf(0x22, 2);
  if (cEnd < 0 || line[cEnd + 1] !== 0x2c || line[cEnd + 2] !== 0x22) return undefined;
  const c = line.toString('latin1', 2, cEnd);
  if (!COLLECTION_NAME.test(c)) return undefined;
  let i = cEnd + 3;
  let escaped = false;
  for (; i < line.length; i++) {
    const ch = line[i];
    if (ch === 0x5c) { escaped = true; i++; continue; }
    if (ch === 0x22) break;
  }
  if (i >= line.length || line[i + 1] !== 0x2c || line[i + 2] !== 0x7b) return undefined;
  let id: string;
  try {
    id = escaped ? (JSON.parse(line.toString('utf8', cEnd + 2, i + 1)) as string) : line.toString('utf8', cEnd + 3, i);
  } catch {
    return undefined;
  }
  return [c, id, i + 2];
}

/** Parses a shard file; lines in the form {@link serializeShard} writes are kept as they are. */
function parseShard(file: Buffer, path: string): ShardData {
  const data: ShardData = { records: new Map(), loaded: [] };
  const add = (c: string, id: string, line: Buffer, jsonStart: number) => {
    let m = data.records.get(c);
    if (!m) data.records.set(c, (m = new Map()));
    m.set(id, line);
    data.loaded!.push([c, id, line, jsonStart]);
  };
  const end = file.length - TAIL.length;
  let fast = end >= HEADER_BYTES.length && file.subarray(0, HEADER_BYTES.length).equals(HEADER_BYTES) && file.subarray(end).equals(TAIL);
  for (let pos = HEADER_BYTES.length; fast && pos < end;) {
    let nl = file.indexOf(0x0a, pos);
    if (nl < 0 || nl > end) nl = end;
    let lineEnd = nl;
    if (nl < end) {
      if (file[nl - 1] !== 0x2c) { fast = false; break; }
      lineEnd = nl - 1;
    }
    const line = file.subarray(pos, lineEnd);
    const parts = splitLine(line);
    if (!parts) { fast = false; break; }
    add(parts[0], parts[1], line, parts[2]);
    pos = nl + 1;
  }
  if (!fast) {
    // Not in the canonical one-record-per-line form (e.g. edited by hand): parse it as a whole.
    data.records.clear();
    data.loaded = [];
    let doc: unknown;
    try { doc = JSON.parse(file.toString('utf8')); } catch (e) { throw damaged(path, (e as Error).message); }
    const records = (doc as { records?: unknown })?.records;
    if (!Array.isArray(records)) throw damaged(path, 'no "records" array');
    for (const entry of records) {
      if (!Array.isArray(entry) || entry.length !== 3 || typeof entry[0] !== 'string' || !COLLECTION_NAME.test(entry[0]) || typeof entry[1] !== 'string'
        || typeof entry[2] !== 'object' || entry[2] === null || Array.isArray(entry[2])) {
        throw damaged(path, 'a record entry is not [collection, id, object]');
      }
      const { line, jsonStart } = makeLine(entry[0], entry[1], JSON.stringify(entry[2]));
      add(entry[0], entry[1], line, jsonStart);
    }
  }
  return data;
}

function damaged(path: string, why: string): SignetError {
  return new SignetError('INTERNAL', `Record shard ${path} is damaged (${why}). Signet replaces shard files atomically, so the disk or another program changed it; restore it from backup.`);
}

/** Serializes a shard from the records' lines, without re-encoding any record. */
function serializeShard(data: ShardData): Buffer {
  const parts: Buffer[] = [HEADER_BYTES];
  for (const recs of data.records.values()) {
    for (const line of recs.values()) {
      if (parts.length > 1) parts.push(SEPARATOR);
      parts.push(line);
    }
  }
  parts.push(TAIL);
  return Buffer.concat(parts);
}

/** lowdb's Adapter for one shard file: atomic, durable replacement on write. */
class ShardFileAdapter implements Adapter<ShardData> {
  constructor(private readonly path: string) {}

  async read(): Promise<ShardData | null> {
    let file: Buffer;
    try {
      file = await fsp.readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return parseShard(file, this.path);
  }

  write(data: ShardData): Promise<void> {
    // Serialize now, synchronously: the write is a snapshot of the changes applied so far.
    return writeFileAtomicAsync(this.path, serializeShard(data));
  }
}

/** One shard file and its write queue. */
class Shard {
  readonly low: Low<ShardData>;
  /** The write in flight, if any. */
  current?: Deferred;
  /** The next write: it covers every change applied since `current` took its snapshot. */
  next?: Deferred;
  /** True once a write of this file failed: its in-memory state is no longer what is on disk. */
  failed = false;

  constructor(readonly path: string) {
    this.low = new Low<ShardData>(new ShardFileAdapter(path), { records: new Map() });
  }

  /** The collection's id → line map in this shard. */
  recordsOf(collection: string): Map<string, Buffer> {
    let m = this.low.data.records.get(collection);
    if (!m) this.low.data.records.set(collection, (m = new Map()));
    return m;
  }
}

/** A stored record in memory: its line, and the keys it is indexed under. */
interface Entry {
  line: Buffer;
  jsonStart: number;
  version: number;
  shard: Shard;
  uniq: (string | undefined)[];
  idx: string[][];
}

/** A write prepared by {@link LowdbRecordStore}, checked but not yet applied. */
interface Staged {
  op: 'insert' | 'update';
  coll: LowdbCollection<StoredRecord>;
  id: string;
  line: Buffer;
  jsonStart: number;
  record: StoredRecord;
  expectedVersion?: number;
  keys: { uniq: (string | undefined)[]; idx: string[][] };
  shard?: Shard;
}

function indexKeys<T>(fn: (r: T) => string | readonly string[] | undefined, r: T): string[] {
  const k = fn(r);
  if (k === undefined) return [];
  return typeof k === 'string' ? [k] : [...new Set(k)];
}

class LowdbCollection<T extends StoredRecord> implements Collection<T> {
  readonly byId = new Map<string, Entry>();
  readonly ids = new SortedIds();
  private readonly uniqueNames: string[];
  private readonly uniqueFns: ((r: T) => string | undefined)[];
  private readonly uniques: Map<string, string>[];
  private readonly indexNames: string[];
  private readonly indexFns: ((r: T) => string | readonly string[] | undefined)[];
  private readonly indexes: Map<string, SortedIds>[];

  constructor(readonly spec: CollectionSpec<T>, private readonly store: LowdbRecordStore) {
    this.uniqueNames = Object.keys(spec.unique ?? {});
    this.uniqueFns = this.uniqueNames.map((n) => spec.unique![n]);
    this.uniques = this.uniqueNames.map(() => new Map());
    this.indexNames = Object.keys(spec.indexes ?? {});
    this.indexFns = this.indexNames.map((n) => spec.indexes![n]);
    this.indexes = this.indexNames.map(() => new Map());
  }

  keysFor(r: T): { uniq: (string | undefined)[]; idx: string[][] } {
    return { uniq: this.uniqueFns.map((f) => f(r)), idx: this.indexFns.map((f) => indexKeys(f, r)) };
  }

  /** Adds a record read from disk (startup). */
  load(id: string, line: Buffer, jsonStart: number, shard: Shard): void {
    let rec: T;
    try {
      rec = JSON.parse(jsonOf(line, jsonStart)) as T;
    } catch (e) {
      throw damaged(shard.path, `${this.spec.name} ${id}: ${(e as Error).message}`);
    }
    if (typeof rec !== 'object' || rec === null || rec.id !== id || !Number.isInteger(rec.version)) throw damaged(shard.path, `${this.spec.name} ${id} is not a stored record`);
    const prev = this.byId.get(id);
    if (prev) throw new SignetError('INTERNAL', `${this.spec.name} ${id} is stored twice, in ${prev.shard.path} and ${shard.path}; remove the older copy from backup data`);
    const keys = this.keysFor(rec);
    keys.uniq.forEach((k, i) => {
      if (k === undefined) return;
      const holder = this.uniques[i].get(k);
      if (holder !== undefined) {
        throw new SignetError('DUPLICATE', `${this.spec.name}: ${this.uniqueNames[i]} "${k}" is held by both ${holder} and ${id} on disk; did the unique key function change? Fix the data before opening the collection`, { collection: this.spec.name, unique: this.uniqueNames[i], key: k, existingId: holder });
      }
      this.uniques[i].set(k, id);
    });
    keys.idx.forEach((ks, i) => {
      for (const k of ks) {
        let set = this.indexes[i].get(k);
        if (!set) this.indexes[i].set(k, (set = new SortedIds()));
        set.addUnsorted(id);
      }
    });
    this.ids.addUnsorted(id);
    this.byId.set(id, { line, jsonStart, version: rec.version, shard, ...keys });
  }

  /** Throws what the write would throw, without changing anything (mirrors InMemoryRecordStore). */
  check(s: Staged, pending: Map<string, string>): void {
    const cur = this.byId.get(s.id);
    if (s.op === 'insert' && cur) {
      throw new SignetError('DUPLICATE', `${this.spec.name} ${s.id} already exists`, { collection: this.spec.name, unique: 'id', key: s.id, existingId: s.id });
    }
    if (s.op === 'update') {
      if (!cur) throw new SignetError('NOT_FOUND', `${this.spec.name} ${s.id} does not exist`);
      if (cur.version !== s.expectedVersion) {
        throw new SignetError('VERSION_CONFLICT', `${this.spec.name} ${s.id} is at version ${cur.version}, not ${s.expectedVersion}; reload and retry`);
      }
    }
    s.keys.uniq.forEach((key, i) => {
      if (key === undefined) return;
      const name = this.uniqueNames[i];
      const holder = this.uniques[i].get(key) ?? pending.get(`${name}\u0000${key}`);
      if (holder !== undefined && holder !== s.id) {
        throw new SignetError('DUPLICATE', `${this.spec.name}: ${name} "${key}" is already taken by ${holder}`, { collection: this.spec.name, unique: name, key, existingId: holder });
      }
      pending.set(`${name}\u0000${key}`, s.id);
    });
  }

  apply(s: Staged, shard: Shard): void {
    const old = this.byId.get(s.id);
    if (old) {
      old.uniq.forEach((k, i) => {
        if (k !== undefined && this.uniques[i].get(k) === s.id) this.uniques[i].delete(k);
      });
      old.idx.forEach((ks, i) => {
        for (const k of ks) {
          const set = this.indexes[i].get(k);
          set?.delete(s.id);
          if (set && set.size === 0) this.indexes[i].delete(k);
        }
      });
    } else {
      this.ids.add(s.id);
    }
    s.keys.uniq.forEach((k, i) => { if (k !== undefined) this.uniques[i].set(k, s.id); });
    s.keys.idx.forEach((ks, i) => {
      for (const k of ks) {
        let set = this.indexes[i].get(k);
        if (!set) this.indexes[i].set(k, (set = new SortedIds()));
        set.add(s.id);
      }
    });
    this.byId.set(s.id, { line: s.line, jsonStart: s.jsonStart, version: s.record.version, shard, ...s.keys });
    shard.recordsOf(this.spec.name).set(s.id, s.line);
  }

  private async read(ids: string[]): Promise<T[]> {
    const entries: Entry[] = [];
    const shards = new Set<Shard>();
    for (const id of ids) {
      const e = this.byId.get(id)!;
      entries.push(e);
      shards.add(e.shard);
    }
    await this.store.settled(shards);
    return entries.map((e) => JSON.parse(jsonOf(e.line, e.jsonStart)) as T);
  }

  async get(id: string): Promise<T | undefined> {
    this.store.assertOpen();
    return this.byId.has(id) ? (await this.read([id]))[0] : undefined;
  }

  async getBy(unique: string, key: string): Promise<T | undefined> {
    this.store.assertOpen();
    const i = this.uniqueNames.indexOf(unique);
    if (i < 0) throw new SignetError('INVALID_ARGUMENT', `Collection ${this.spec.name} has no unique key "${unique}"`);
    const id = this.uniques[i].get(key);
    return id === undefined ? undefined : (await this.read([id]))[0];
  }

  private indexed(index: string, key: string): SortedIds | undefined {
    const i = this.indexNames.indexOf(index);
    if (i < 0) throw new SignetError('INVALID_ARGUMENT', `Collection ${this.spec.name} has no index "${index}"`);
    return this.indexes[i].get(key);
  }

  async find(index: string, key: string, opts: FindOptions = {}): Promise<T[]> {
    this.store.assertOpen();
    const set = this.indexed(index, key);
    return set ? this.read(set.page(opts.after, opts.limit)) : [];
  }

  async count(index: string, key: string): Promise<number> {
    this.store.assertOpen();
    return this.indexed(index, key)?.size ?? 0;
  }

  async scan(opts: FindOptions = {}): Promise<T[]> {
    this.store.assertOpen();
    return this.read(this.ids.page(opts.after, opts.limit));
  }

  async insert(record: Omit<T, 'version'> & { version?: number }): Promise<T> {
    const [r] = await this.store.commit([{ op: 'insert', coll: this as unknown as LowdbCollection<StoredRecord>, record: record as unknown as StoredRecord }]);
    return r as T;
  }

  async update(record: T, expectedVersion: number): Promise<T> {
    const [r] = await this.store.commit([{ op: 'update', coll: this as unknown as LowdbCollection<StoredRecord>, record, expectedVersion }]);
    return r as T;
  }
}

function shardKeyOf(spec: CollectionSpec<StoredRecord>, r: StoredRecord): string {
  return spec.shard ? spec.shard(r) : r.id;
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A {@link RecordStore} on sharded lowdb JSON files, for the embedded single-process default.
 * Writes are coalesced per shard file and atomic; a crash at any moment leaves every acknowledged
 * write readable. Open it with {@link LowdbRecordStore.open}.
 */
export class LowdbRecordStore implements RecordStore {
  private readonly collections = new Map<string, LowdbCollection<StoredRecord>>();
  private readonly shardsByNo = new Map<number, Shard>();
  private loaded = new Map<string, [id: string, line: Buffer, jsonStart: number, shard: Shard][]>();
  private failure?: SignetError;
  private closed = false;
  private fileWrites = 0;

  private constructor(
    readonly dir: string,
    private readonly shardCount: number,
    private readonly maxRecordBytes: number,
  ) {}

  /**
   * Opens the store in `opts.dir`, creating it when missing. Removes temp files a crashed process
   * left, reads every shard file, and takes the directory's `LOCK` (STORE_LOCKED when another
   * live process holds it).
   */
  static async open(opts: LowdbRecordStoreOptions): Promise<LowdbRecordStore> {
    const dir = resolve(opts.dir);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    await acquireLock(dir);
    try {
      const shards = await readOrCreateManifest(dir, opts.shards ?? DEFAULT_SHARDS);
      const store = new LowdbRecordStore(dir, shards, opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
      await store.load();
      return store;
    } catch (e) {
      await fsp.rm(join(dir, 'LOCK'), { force: true });
      throw e;
    }
  }

  private shardPath(no: number): string {
    const hex = no.toString(16).padStart(4, '0');
    return join(this.dir, 'shards', hex.slice(0, 2), `${hex}.json`);
  }

  private async load(): Promise<void> {
    const root = join(this.dir, 'shards');
    const files: number[] = [];
    for (const sub of await fsp.readdir(root)) {
      for (const name of await fsp.readdir(join(root, sub))) {
        if (isAtomicWriteTemp(name)) {
          await fsp.rm(join(root, sub, name), { force: true }); // a write that never got renamed
          continue;
        }
        const m = /^([0-9a-f]{4})\.json$/.exec(name);
        if (m && m[1].startsWith(sub)) files.push(parseInt(m[1], 16));
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const no = files[next++];
        const shard = new Shard(this.shardPath(no));
        await shard.low.read();
        for (const [c, id, line, jsonStart] of shard.low.data.loaded ?? []) {
          let list = this.loaded.get(c);
          if (!list) this.loaded.set(c, (list = []));
          list.push([id, line, jsonStart, shard]);
        }
        delete shard.low.data.loaded;
        this.shardsByNo.set(no, shard);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }

  private shardFor(key: string): Shard {
    const no = createHash('sha256').update(key).digest().readUInt32BE(0) % this.shardCount;
    let s = this.shardsByNo.get(no);
    if (!s) this.shardsByNo.set(no, (s = new Shard(this.shardPath(no))));
    return s;
  }

  /** @inheritDoc */
  collection<T extends StoredRecord>(spec: CollectionSpec<T>): Collection<T> {
    this.assertOpen();
    if (!/^[a-z][a-z0-9_]*$/.test(spec.name)) throw new SignetError('INVALID_ARGUMENT', `Collection name "${spec.name}" must match [a-z][a-z0-9_]*`);
    let c = this.collections.get(spec.name);
    if (!c) {
      c = new LowdbCollection(spec as unknown as CollectionSpec<StoredRecord>, this);
      for (const [id, line, jsonStart, shard] of this.loaded.get(spec.name) ?? []) c.load(id, line, jsonStart, shard);
      this.loaded.delete(spec.name);
      this.collections.set(spec.name, c);
    }
    return c as unknown as Collection<T>;
  }

  /** @inheritDoc */
  async transact(ops: WriteOp[]): Promise<StoredRecord[]> {
    const own = ops.map((o) => {
      const coll = this.collections.get(o.collection.spec.name);
      return { o, coll };
    });
    const keys = new Set(ops.map((o) => shardKeyOf(o.collection.spec, o.record)));
    if (keys.size > 1) throw new SignetError('INVALID_ARGUMENT', `A transaction must stay in one shard; got ${[...keys].join(', ')}`);
    return this.commit(own.map(({ o, coll }) => {
      if (!coll || coll !== (o.collection as unknown)) throw new SignetError('INVALID_ARGUMENT', `Unknown collection ${o.collection.spec.name}: open it with collection() on this store first`);
      return o.op === 'insert'
        ? { op: 'insert' as const, coll, record: o.record }
        : { op: 'update' as const, coll, record: o.record, expectedVersion: o.expectedVersion };
    }));
  }

  /** Checks, applies and durably writes a batch; resolves with the stored records (fresh copies). */
  async commit(ops: { op: 'insert' | 'update'; coll: LowdbCollection<StoredRecord>; record: StoredRecord; expectedVersion?: number }[]): Promise<StoredRecord[]> {
    this.assertWritable();
    if (ops.length === 0) return [];
    const staged: Staged[] = ops.map((o) => {
      if (typeof o.record?.id !== 'string' || o.record.id === '') throw new SignetError('INVALID_ARGUMENT', `A ${o.coll.spec.name} record needs a non-empty string id`);
      const version = o.op === 'insert' ? 1 : o.expectedVersion! + 1;
      const json = JSON.stringify({ ...o.record, version });
      const bytes = json.length * 3 > this.maxRecordBytes ? Buffer.byteLength(json) : json.length;
      if (bytes > this.maxRecordBytes) {
        throw new SignetError('RECORD_TOO_LARGE', `${o.coll.spec.name} ${o.record.id} is ${bytes} bytes of JSON, over the ${this.maxRecordBytes}-byte limit. Records hold metadata only: store file bytes in the BlobStore and keep the blob id in the record`, { collection: o.coll.spec.name, id: o.record.id, bytes, limit: this.maxRecordBytes });
      }
      const record = JSON.parse(json) as StoredRecord;
      const { line, jsonStart } = makeLine(o.coll.spec.name, o.record.id, json);
      return { op: o.op, coll: o.coll, id: o.record.id, line, jsonStart, record, expectedVersion: o.expectedVersion, keys: o.coll.keysFor(record) };
    });
    const pending = new Map<LowdbCollection<StoredRecord>, Map<string, string>>();
    const seen = new Set<string>();
    let shard: Shard | undefined;
    for (const s of staged) {
      const k = `${s.coll.spec.name}\u0000${s.id}`;
      if (!pending.has(s.coll)) pending.set(s.coll, new Map());
      s.coll.check(s, pending.get(s.coll)!);
      if (seen.has(k)) throw new SignetError('INVALID_ARGUMENT', `A transaction writes ${s.coll.spec.name} ${s.id} twice; write each record once`);
      seen.add(k);
      const file = s.coll.byId.get(s.id)?.shard ?? this.shardFor(shardKeyOf(s.coll.spec, s.record));
      if (shard && shard !== file) {
        throw new SignetError('INVALID_ARGUMENT', `${s.coll.spec.name} ${s.id} lives in another shard file than the rest of the transaction (its shard key changed after it was inserted); write it on its own`);
      }
      shard = file;
    }
    for (const s of staged) s.coll.apply(s, shard!);
    await this.durable(shard!);
    return staged.map((s) => s.record);
  }

  /** Resolves once every change applied to `shard` so far is on disk. */
  private durable(shard: Shard): Promise<void> {
    if (!shard.next) {
      shard.next = deferred();
      if (!shard.current) queueMicrotask(() => void this.flush(shard));
    }
    return shard.next.promise;
  }

  private async flush(shard: Shard): Promise<void> {
    const d = shard.next!;
    shard.next = undefined;
    shard.current = d;
    try {
      await shard.low.write();
      this.fileWrites++;
      d.resolve();
    } catch (e) {
      shard.failed = true;
      this.failure ??= new SignetError('STORAGE_FAILED', `Could not write ${shard.path}: ${(e as Error).message}. Writes already acknowledged are safe on disk; fix the disk (free space, permissions) and restart Signet`);
      d.reject(this.failure);
    } finally {
      shard.current = undefined;
    }
    const n = shard.next as Deferred | undefined;
    if (!n) return;
    if (this.failure) {
      shard.next = undefined;
      n.reject(this.failure);
    } else {
      void this.flush(shard);
    }
  }

  /** Waits until the writes pending on `shards` are durable, so a read shows nothing a crash could lose. */
  async settled(shards: Iterable<Shard>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const s of shards) {
      if (s.failed) throw this.failure!;
      const d = s.next ?? s.current;
      if (d) waits.push(d.promise);
    }
    if (waits.length) await Promise.all(waits);
  }

  /** Throws unless the store is open. */
  assertOpen(): void {
    if (this.closed) throw new SignetError('INVALID_ARGUMENT', `The record store in ${this.dir} is closed; open it again`);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.failure) throw this.failure;
  }

  /** Counters: shard files, records, file writes. */
  stats(): LowdbRecordStoreStats {
    let records = 0;
    for (const c of this.collections.values()) records += c.byId.size;
    return { shards: this.shardCount, shardFiles: this.shardsByNo.size, records, fileWrites: this.fileWrites };
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (;;) {
      const waits = [...this.shardsByNo.values()].map((s) => (s.next ?? s.current)?.promise).filter((p) => p !== undefined);
      if (waits.length === 0) break;
      await Promise.allSettled(waits);
    }
    await fsp.rm(join(this.dir, 'LOCK'), { force: true });
  }
}

async function acquireLock(dir: string): Promise<void> {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(path, 'wx', 0o600);
      try { await fh.writeFile(`${process.pid}\n`); } finally { await fh.close(); }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number((await fsp.readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
      throw new SignetError('STORE_LOCKED', `The record store in ${dir} is open in process ${pid}${pid === process.pid ? ' (this one: close it before opening it again)' : ''}. Stop that process first; several processes need PostgreSQL (DATABASE_URL)`, { dir, pid });
    }
    await fsp.rm(path, { force: true }); // left by a process that died
  }
  throw new SignetError('STORE_LOCKED', `Could not take the lock ${path}; another process keeps taking it. Stop it and retry`, { dir });
}

async function readOrCreateManifest(dir: string, wanted: number): Promise<number> {
  const path = join(dir, MANIFEST);
  try {
    const m = JSON.parse(await fsp.readFile(path, 'utf8')) as { format?: number; shards?: number };
    if (m.format !== 1 || !validShardCount(m.shards)) throw new SignetError('INTERNAL', `${path} is damaged or from a newer Signet; restore it from backup`);
    return m.shards!;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (!validShardCount(wanted)) throw new SignetError('INVALID_ARGUMENT', `The shard count must be a power of two from 1 to 65536, not ${wanted}`);
  const root = join(dir, 'shards');
  const subdirs = new Set(Array.from({ length: wanted }, (_, i) => i.toString(16).padStart(4, '0').slice(0, 2)));
  for (const s of subdirs) await fsp.mkdir(join(root, s), { recursive: true });
  for (const s of subdirs) await fsyncDirectory(join(root, s));
  await fsyncDirectory(root);
  await writeFileAtomicAsync(path, `${JSON.stringify({ signet: 'lowdb-record-store', format: 1, shards: wanted })}\n`);
  return wanted;
}

function validShardCount(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65536 && (n & (n - 1)) === 0;
}
