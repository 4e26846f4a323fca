/**
 * Generic record persistence with optimistic versioning, unique keys, secondary indexes and atomic
 * multi-record writes. Every domain repository (contracts, enterprises, seals, templates, audit
 * events, ...) sits on a {@link Collection}; storage adapters (InMemoryRecordStore, LowdbRecordStore,
 * PgRecordStore) implement this port once, and one contract-test suite checks them all alike.
 */

/** A stored record: a stable id and an optimistic version (1 on insert, +1 on every update). */
export interface StoredRecord {
  id: string;
  version: number;
}

/** How a collection is keyed. Key functions must be pure: adapters may call them at any time. */
export interface CollectionSpec<T extends StoredRecord> {
  /** Collection name, `[a-z][a-z0-9_]*`, e.g. `contracts`. */
  name: string;
  /**
   * Unique keys by name. A record with `undefined` for a key does not take part. Inserting or
   * updating into a key another record holds throws SignetError DUPLICATE with
   * `details: { collection, unique, key, existingId }`.
   */
  unique?: Record<string, (r: T) => string | undefined>;
  /** Non-unique indexes by name; a record may appear under several keys (e.g. every signer's id). */
  indexes?: Record<string, (r: T) => string | readonly string[] | undefined>;
  /**
   * The atomicity group of a record (default: its id). Writes in one {@link RecordStore.transact}
   * call must share one shard key, e.g. a contract and its audit events (shard = contract id).
   */
  shard?: (r: T) => string;
}

/** Paging for {@link Collection.find}: records come in ascending id order. */
export interface FindOptions {
  /** At most this many records (default: all). */
  limit?: number;
  /** Only records whose id is greater than this (keyset paging). */
  after?: string;
}

/** One collection of records. Every method returns copies: mutating a result never changes the store. */
export interface Collection<T extends StoredRecord> {
  readonly spec: CollectionSpec<T>;
  /** The record with this id, or undefined. */
  get(id: string): Promise<T | undefined>;
  /** The record holding unique key `key` under `unique`, or undefined. */
  getBy(unique: string, key: string): Promise<T | undefined>;
  /** Records listed under `key` in index `index`, ascending by id. */
  find(index: string, key: string, opts?: FindOptions): Promise<T[]>;
  /** How many records are listed under `key` in index `index`. */
  count(index: string, key: string): Promise<number>;
  /** Inserts a new record and returns it with version 1. Throws DUPLICATE on a taken id or unique key. */
  insert(record: Omit<T, 'version'> & { version?: number }): Promise<T>;
  /**
   * Saves `record` when the stored version equals `expectedVersion`, and returns it with version + 1.
   * Throws VERSION_CONFLICT when another writer won (reload and retry), NOT_FOUND when it is gone.
   */
  update(record: T, expectedVersion: number): Promise<T>;
  /** Every record, ascending by id, in pages (for migrations and rebuilds). */
  scan(opts?: FindOptions): Promise<T[]>;
}

/** One write of a {@link RecordStore.transact} batch. */
export type WriteOp =
  | { op: 'insert'; collection: Collection<StoredRecord>; record: StoredRecord }
  | { op: 'update'; collection: Collection<StoredRecord>; record: StoredRecord; expectedVersion: number };

/** The store: a set of collections and atomic batches over them. */
export interface RecordStore {
  /** Opens (creating when needed) the collection described by `spec`. Call once per name per process. */
  collection<T extends StoredRecord>(spec: CollectionSpec<T>): Collection<T>;
  /**
   * Applies every write or none (after a crash, too). All records must share one shard key
   * (see {@link CollectionSpec.shard}); otherwise throws INVALID_ARGUMENT before writing anything.
   * Throws DUPLICATE or VERSION_CONFLICT like the single writes, and then writes nothing.
   * Resolves to the stored records, in the order of `ops`.
   */
  transact(ops: WriteOp[]): Promise<StoredRecord[]>;
  /** Flushes pending writes and releases files or connections. */
  close(): Promise<void>;
}

/** Helper for typed batches: `writeOp.insert(contracts, c)`. */
export const writeOp = {
  insert<T extends StoredRecord>(collection: Collection<T>, record: Omit<T, 'version'> & { version?: number }): WriteOp {
    return { op: 'insert', collection: collection as unknown as Collection<StoredRecord>, record: { ...record, version: record.version ?? 0 } as StoredRecord };
  },
  update<T extends StoredRecord>(collection: Collection<T>, record: T, expectedVersion: number): WriteOp {
    return { op: 'update', collection: collection as unknown as Collection<StoredRecord>, record, expectedVersion };
  },
};
