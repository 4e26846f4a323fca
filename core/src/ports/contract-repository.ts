/**
 * Stores contracts with optimistic versioning. The contract type lives in `workflow/`; the port is
 * generic over it so that storage adapters need not know the domain.
 */
export interface VersionedRecord {
  id: string;
  /** Incremented by every successful save. */
  version: number;
}

/** Contract persistence with optimistic concurrency and idempotency keys. */
export interface ContractRepository<T extends VersionedRecord = VersionedRecord> {
  get(id: string): Promise<T | undefined>;
  /** Finds a contract by its idempotency key `(appId, bizNo)`. */
  findByBizNo(appId: string, bizNo: string): Promise<T | undefined>;
  /**
   * Inserts a new record (version 1) or saves one whose stored version equals `expectedVersion`.
   * Throws SignetError VERSION_CONFLICT when another writer won; callers reload and retry.
   */
  save(record: T, expectedVersion: number): Promise<T>;
}
