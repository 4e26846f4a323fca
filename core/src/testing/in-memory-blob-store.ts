import { createHash } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.js';
import { SignetError } from '../errors.js';

/** A BlobStore in a Map. */
export class InMemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();
  async put(bytes: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    if (!this.blobs.has(id)) this.blobs.set(id, Uint8Array.from(bytes));
    return id;
  }
  async get(id: string): Promise<Uint8Array> {
    const b = this.blobs.get(id);
    if (!b) throw new SignetError('NOT_FOUND', `Blob ${id} is not stored`);
    return b;
  }
  async has(id: string): Promise<boolean> {
    return this.blobs.has(id);
  }
}
