/**
 * Opens the embedded storage of an installation: the record store in `<data>/records`, the blob
 * store in `<data>/blobs`, and the field cipher, all keyed by the master key. For the composition
 * root; PostgreSQL (issue #9) will offer the same shape.
 */
import { join } from 'node:path';
import type { BlobStore, FieldCipher, RecordStore } from '@signet/core';
import { EncryptedFileBlobStore } from './encrypted-file-blob-store.js';
import { LowdbRecordStore } from './lowdb-record-store.js';
import type { MasterKey } from './master-key.js';
import { Sm4FieldCipher } from './sm4-field-cipher.js';

/** The opened storage. */
export interface ServerStorage {
  records: RecordStore;
  blobs: BlobStore;
  cipher: FieldCipher;
  /** Flushes pending writes and releases the record store's lock. */
  close(): Promise<void>;
}

/** Opens (creating when needed) the records, blobs and field cipher of the installation in `dataDir`. */
export async function openStorage(opts: { dataDir: string; masterKey: MasterKey }): Promise<ServerStorage> {
  const blobs = await EncryptedFileBlobStore.open({ dir: join(opts.dataDir, 'blobs'), masterKey: opts.masterKey });
  const records = await LowdbRecordStore.open({ dir: join(opts.dataDir, 'records') });
  return { records, blobs, cipher: new Sm4FieldCipher(opts.masterKey), close: () => records.close() };
}
