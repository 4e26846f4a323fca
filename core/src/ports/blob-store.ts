/** Stores immutable binary objects (PDFs, images), addressed by the SHA-256 of their content. */
export interface BlobStore {
  /** Stores `bytes` and returns their id (lower-case hex SHA-256). Storing twice is a no-op. */
  put(bytes: Uint8Array): Promise<string>;
  /** Returns the bytes of `id`, or throws SignetError NOT_FOUND. */
  get(id: string): Promise<Uint8Array>;
  /** True when `id` is stored. */
  has(id: string): Promise<boolean>;
}
