import { SignetError } from '../errors.js';
import type {
  Collection, CollectionSpec, FindOptions, RecordStore, StoredRecord, WriteOp,
} from '../ports/record-store.js';

/** Keys of an index for one record, as a list. */
function keysOf<T>(fn: (r: T) => string | readonly string[] | undefined, r: T): string[] {
  const k = fn(r);
  if (k === undefined) return [];
  return typeof k === 'string' ? [k] : [...new Set(k)];
}

class MemoryCollection<T extends StoredRecord> implements Collection<T> {
  readonly records = new Map<string, T>();
  readonly uniques = new Map<string, Map<string, string>>();
  readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(readonly spec: CollectionSpec<T>) {
    for (const u of Object.keys(spec.unique ?? {})) this.uniques.set(u, new Map());
    for (const i of Object.keys(spec.indexes ?? {})) this.indexes.set(i, new Map());
  }

  async get(id: string): Promise<T | undefined> {
    const r = this.records.get(id);
    return r && structuredClone(r);
  }

  async getBy(unique: string, key: string): Promise<T | undefined> {
    const map = this.uniques.get(unique);
    if (!map) throw new SignetError('INVALID_ARGUMENT', `Collection ${this.spec.name} has no unique key "${unique}"`);
    const id = map.get(key);
    return id === undefined ? undefined : this.get(id);
  }

  private ids(index: string, key: string): string[] {
    const map = this.indexes.get(index);
    if (!map) throw new SignetError('INVALID_ARGUMENT', `Collection ${this.spec.name} has no index "${index}"`);
    return [...(map.get(key) ?? [])].sort();
  }

  async find(index: string, key: string, opts: FindOptions = {}): Promise<T[]> {
    let ids = this.ids(index, key);
    if (opts.after !== undefined) ids = ids.filter((id) => id > opts.after!);
    if (opts.limit !== undefined) ids = ids.slice(0, opts.limit);
    return ids.map((id) => structuredClone(this.records.get(id)!));
  }

  async count(index: string, key: string): Promise<number> {
    return this.ids(index, key).length;
  }

  async scan(opts: FindOptions = {}): Promise<T[]> {
    let ids = [...this.records.keys()].sort();
    if (opts.after !== undefined) ids = ids.filter((id) => id > opts.after!);
    if (opts.limit !== undefined) ids = ids.slice(0, opts.limit);
    return ids.map((id) => structuredClone(this.records.get(id)!));
  }

  async insert(record: Omit<T, 'version'> & { version?: number }): Promise<T> {
    const stored = { ...structuredClone(record), version: 1 } as T;
    this.check({ op: 'insert', record: stored });
    this.apply(stored);
    return structuredClone(stored);
  }

  async update(record: T, expectedVersion: number): Promise<T> {
    const stored = { ...structuredClone(record), version: expectedVersion + 1 } as T;
    this.check({ op: 'update', record: stored, expectedVersion });
    this.apply(stored);
    return structuredClone(stored);
  }

  /** Throws what the write would throw, without changing anything. */
  check(w: { op: 'insert' | 'update'; record: T; expectedVersion?: number }, pending = new Map<string, string>()): void {
    const cur = this.records.get(w.record.id);
    if (w.op === 'insert' && cur) {
      throw new SignetError('DUPLICATE', `${this.spec.name} ${w.record.id} already exists`, { collection: this.spec.name, unique: 'id', key: w.record.id, existingId: w.record.id });
    }
    if (w.op === 'update') {
      if (!cur) throw new SignetError('NOT_FOUND', `${this.spec.name} ${w.record.id} does not exist`);
      if (cur.version !== w.expectedVersion) {
        throw new SignetError('VERSION_CONFLICT', `${this.spec.name} ${w.record.id} is at version ${cur.version}, not ${w.expectedVersion}; reload and retry`);
      }
    }
    for (const [name, fn] of Object.entries(this.spec.unique ?? {})) {
      const key = fn(w.record);
      if (key === undefined) continue;
      const holder = this.uniques.get(name)!.get(key) ?? pending.get(`${name}\u0000${key}`);
      if (holder !== undefined && holder !== w.record.id) {
        throw new SignetError('DUPLICATE', `${this.spec.name}: ${name} "${key}" is already taken by ${holder}`, { collection: this.spec.name, unique: name, key, existingId: holder });
      }
      pending.set(`${name}\u0000${key}`, w.record.id);
    }
  }

  apply(stored: T): void {
    const old = this.records.get(stored.id);
    if (old) this.unindex(old);
    this.records.set(stored.id, structuredClone(stored));
    for (const [name, fn] of Object.entries(this.spec.unique ?? {})) {
      const key = fn(stored);
      if (key !== undefined) this.uniques.get(name)!.set(key, stored.id);
    }
    for (const [name, fn] of Object.entries(this.spec.indexes ?? {})) {
      const map = this.indexes.get(name)!;
      for (const key of keysOf(fn, stored)) {
        let set = map.get(key);
        if (!set) map.set(key, (set = new Set()));
        set.add(stored.id);
      }
    }
  }

  private unindex(old: T): void {
    for (const [name, fn] of Object.entries(this.spec.unique ?? {})) {
      const key = fn(old);
      if (key !== undefined && this.uniques.get(name)!.get(key) === old.id) this.uniques.get(name)!.delete(key);
    }
    for (const [name, fn] of Object.entries(this.spec.indexes ?? {})) {
      const map = this.indexes.get(name)!;
      for (const key of keysOf(fn, old)) {
        const set = map.get(key);
        set?.delete(old.id);
        if (set && set.size === 0) map.delete(key);
      }
    }
  }
}

/** A RecordStore in memory: the reference behaviour the storage adapters' contract tests check against. */
export class InMemoryRecordStore implements RecordStore {
  private readonly collections = new Map<string, MemoryCollection<StoredRecord>>();

  collection<T extends StoredRecord>(spec: CollectionSpec<T>): Collection<T> {
    if (!/^[a-z][a-z0-9_]*$/.test(spec.name)) throw new SignetError('INVALID_ARGUMENT', `Collection name "${spec.name}" must match [a-z][a-z0-9_]*`);
    let c = this.collections.get(spec.name);
    if (!c) {
      c = new MemoryCollection(spec as unknown as CollectionSpec<StoredRecord>);
      this.collections.set(spec.name, c);
    }
    return c as unknown as Collection<T>;
  }

  async transact(ops: WriteOp[]): Promise<StoredRecord[]> {
    const shards = new Set(ops.map((o) => (o.collection.spec.shard ?? ((r: StoredRecord) => r.id))(o.record)));
    if (shards.size > 1) throw new SignetError('INVALID_ARGUMENT', `A transaction must stay in one shard; got ${[...shards].join(', ')}`);
    const staged: { c: MemoryCollection<StoredRecord>; rec: StoredRecord }[] = [];
    const pending = new Map<MemoryCollection<StoredRecord>, Map<string, string>>();
    for (const o of ops) {
      const c = this.collections.get(o.collection.spec.name);
      if (!c) throw new SignetError('INVALID_ARGUMENT', `Unknown collection ${o.collection.spec.name}`);
      const rec = structuredClone({ ...o.record, version: o.op === 'insert' ? 1 : o.expectedVersion + 1 });
      if (!pending.has(c)) pending.set(c, new Map());
      c.check(o.op === 'insert' ? { op: 'insert', record: rec } : { op: 'update', record: rec, expectedVersion: o.expectedVersion }, pending.get(c));
      staged.push({ c, rec });
    }
    for (const { c, rec } of staged) c.apply(rec);
    return staged.map((s) => structuredClone(s.rec));
  }

  async close(): Promise<void> {}
}
