/**
 * Content-addressed, encrypted blobs in PostgreSQL (table `blobs`), shared by every server process
 * and machine on the database.
 *
 * Each row holds the same encrypted container as a blob file of `EncryptedFileBlobStore`, so that
 * `signet migrate` copies blob files byte for byte and either store can read the other's bytes:
 * `"SGNB"` ‖ version `1` ‖ wrapped-key length `60` ‖ wrapped data key ‖ IV (12) ‖ ciphertext ‖ GCM
 * tag (16). The content is encrypted with AES-256-GCM (NIST SP 800-38D) under a fresh 256-bit data
 * key per blob (一文一密); the data key is wrapped by the master key with `signet-blob:<id>` as
 * associated data, so a container copied under another id does not open.
 *
 * Bytes are sent to PostgreSQL as binary parameters, and read back in slices.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { SignetError, type BlobStore } from '@signet/core';
import { assertBlobId } from './encrypted-file-blob-store.js';
import type { MasterKey } from './master-key.js';
import { fromPgError } from './pg-errors.js';

const MAGIC = Buffer.from('SGNB', 'latin1');
const VERSION = 1;
const WRAPPED_LEN = 60;
const HEADER_LEN = 4 + 1 + 1 + WRAPPED_LEN + 12;
const TAG_LEN = 16;

/** The size of the plaintext inside a container of `envelopeBytes` bytes. */
export function plaintextSize(envelopeBytes: number): number {
  return Math.max(0, envelopeBytes - HEADER_LEN - TAG_LEN);
}

/** Encrypts `plain` into a blob container for blob `id` (the SHA-256 of `plain`). */
export function sealBlob(plain: Uint8Array, id: string, masterKey: MasterKey): Buffer {
  const dataKey = randomBytes(32);
  try {
    const iv = randomBytes(12);
    const head = Buffer.alloc(HEADER_LEN);
    MAGIC.copy(head, 0);
    head[4] = VERSION;
    head[5] = WRAPPED_LEN;
    const wrapped = masterKey.seal(dataKey, `signet-blob:${id}`);
    if (wrapped.length !== WRAPPED_LEN) throw new SignetError('INTERNAL', 'The wrapped data key has an unexpected length');
    wrapped.copy(head, 6);
    iv.copy(head, 6 + WRAPPED_LEN);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(head.subarray(0, 6));
    const body = cipher.update(plain);
    const last = cipher.final();
    return Buffer.concat([head, body, last, cipher.getAuthTag()]);
  } finally {
    dataKey.fill(0);
  }
}

/** Decrypts a blob container of blob `id`; INTERNAL when it was altered or the master key differs. */
export function openBlob(envelope: Uint8Array, id: string, masterKey: MasterKey): Buffer {
  const file = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
  if (file.length < HEADER_LEN + TAG_LEN || !file.subarray(0, 4).equals(MAGIC) || file[4] !== VERSION || file[5] !== WRAPPED_LEN) throw tampered(id);
  let dataKey: Buffer;
  try {
    dataKey = masterKey.open(file.subarray(6, 6 + WRAPPED_LEN), `signet-blob:${id}`);
  } catch {
    throw tampered(id);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, file.subarray(6 + WRAPPED_LEN, HEADER_LEN));
    decipher.setAAD(file.subarray(0, 6));
    decipher.setAuthTag(file.subarray(file.length - TAG_LEN));
    const plain = decipher.update(file.subarray(HEADER_LEN, file.length - TAG_LEN));
    decipher.final();
    return plain;
  } catch {
    throw tampered(id);
  } finally {
    dataKey.fill(0);
  }
}

function tampered(id: string): SignetError {
  return new SignetError('INTERNAL', `Blob ${id} failed authentication: its stored bytes were altered or damaged, or the master key is not the one it was written with. Restore it from backup`);
}

/** Bytes per read of a container. */
const SLICE = 8 * 1024 * 1024;
const SQL_HEAD = 'SELECT octet_length(envelope) AS n, substring(envelope FROM 1 FOR $2) AS part FROM blobs WHERE id = $1';
const SQL_SLICE = 'SELECT substring(envelope FROM $2 FOR $3) AS part FROM blobs WHERE id = $1';

/** Options for {@link PgBlobStore}. */
export interface PgBlobStoreOptions {
  pool: pg.Pool;
  /** Wraps each blob's data key. */
  masterKey: MasterKey;
}

/** A {@link BlobStore} in PostgreSQL, encrypted exactly like `EncryptedFileBlobStore`. */
export class PgBlobStore implements BlobStore {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly opts: PgBlobStoreOptions) {}

  /** Stores `bytes` and returns their id; storing bytes already stored (by any process) writes nothing. */
  async put(bytes: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    const running = this.inflight.get(id);
    if (running) return running;
    const p = (async () => {
      if (await this.has(id)) return id;
      await this.putEnvelope(id, sealBlob(bytes, id, this.opts.masterKey));
      return id;
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  /**
   * Stores an already encrypted container under `id` unless a row exists (for `signet migrate`,
   * which copies blob files as they are). Resolves true when it inserted the row.
   */
  async putEnvelope(id: string, envelope: Uint8Array, opts: { replace?: boolean } = {}): Promise<boolean> {
    assertBlobId(id);
    const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
    const conflict = opts.replace ? 'ON CONFLICT (id) DO UPDATE SET envelope = EXCLUDED.envelope, size = EXCLUDED.size' : 'ON CONFLICT (id) DO NOTHING';
    try {
      const r = await this.opts.pool.query(`INSERT INTO blobs (id, size, envelope) VALUES ($1, $2, $3) ${conflict}`, [id, plaintextSize(buf.length), buf]);
      return r.rowCount === 1;
    } catch (e) {
      throw fromPgError(e, `storing blob ${id}`);
    }
  }

  /**
   * The stored container of blob `id` (still encrypted), or undefined. Read in slices of 8 MiB
   * (`substring` of an uncompressed, out-of-line bytea fetches only the slice), so no single
   * message or hex string grows with the blob.
   */
  async getEnvelope(id: string): Promise<Buffer | undefined> {
    assertBlobId(id);
    try {
      const first = await this.opts.pool.query<{ n: number; part: Buffer }>({ name: 'signet_blob_head', text: SQL_HEAD, values: [id, SLICE] });
      if (first.rows.length === 0) return undefined;
      const total = Number(first.rows[0].n);
      if (total <= SLICE) return first.rows[0].part;
      const parts = [first.rows[0].part];
      for (let at = SLICE; at < total; at += SLICE) {
        const { rows } = await this.opts.pool.query<{ part: Buffer }>({ name: 'signet_blob_slice', text: SQL_SLICE, values: [id, at + 1, SLICE] });
        if (rows.length === 0) return undefined;
        parts.push(rows[0].part);
      }
      return Buffer.concat(parts, total);
    } catch (e) {
      throw fromPgError(e, `reading blob ${id}`);
    }
  }

  /** True when blob `id` is stored. */
  async has(id: string): Promise<boolean> {
    assertBlobId(id);
    try {
      const { rows } = await this.opts.pool.query({ name: 'signet_blob_has', text: 'SELECT 1 FROM blobs WHERE id = $1', values: [id] });
      return rows.length === 1;
    } catch (e) {
      throw fromPgError(e, `looking up blob ${id}`);
    }
  }

  /** Reads and decrypts blob `id`: NOT_FOUND when absent, INTERNAL when its bytes were altered. */
  async get(id: string): Promise<Uint8Array> {
    const envelope = await this.getEnvelope(id);
    if (!envelope) throw new SignetError('NOT_FOUND', `Blob ${id} is not stored; check the id`);
    return openBlob(envelope, id, this.opts.masterKey);
  }

  /** Every stored blob id, ascending, in pages (for migrations and audits). */
  async ids(opts: { after?: string; limit?: number } = {}): Promise<string[]> {
    try {
      const { rows } = await this.opts.pool.query<{ id: string }>('SELECT id FROM blobs WHERE id > $1 ORDER BY id LIMIT $2', [opts.after ?? '', opts.limit ?? null]);
      return rows.map((r) => r.id);
    } catch (e) {
      throw fromPgError(e, 'listing blobs');
    }
  }
}
