/**
 * Content-addressed, encrypted blob files (PDFs, seal images, evidence packages).
 *
 * - **Addressing.** A blob's id is the lower-case hex SHA-256 of its plaintext. It is stored at
 *   `<dir>/ab/cd/<id>` (the first two pairs of hex digits), where `<dir>` is usually `<data>/blobs`.
 * - **一文一密.** Every file is encrypted with AES-256-GCM (NIST SP 800-38D) under a fresh random
 *   256-bit data key. The data key is wrapped by the master key (AES-256-GCM too), with
 *   `signet-blob:<id>` as associated data, so a file copied under another id does not open.
 * - **File format** (all integers big-endian):
 *   `"SGNB"` ‖ version `1` (1 byte) ‖ wrapped-key length `60` (1 byte) ‖ wrapped key (60) ‖ IV (12)
 *   ‖ ciphertext ‖ GCM tag (16). The content cipher authenticates the first 6 header bytes as AAD.
 * - **Writes** go to `<dir>/tmp/`, are fsynced, then renamed into place and the directory fsynced:
 *   a reader never sees half a file, and concurrent puts of the same bytes (in one process or
 *   several sharing the directory) each rename a complete file.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SignetError, type BlobStore } from '@signet/core';
import { fsyncDirectory } from './atomic-write.js';
import type { MasterKey } from './master-key.js';

const MAGIC = Buffer.from('SGNB', 'latin1');
const VERSION = 1;
const WRAPPED_LEN = 60; // iv(12) ‖ tag(16) ‖ 32-byte key, as MasterKey.seal makes it
const HEADER_LEN = 4 + 1 + 1 + WRAPPED_LEN + 12;
const TAG_LEN = 16;
const CHUNK = 1 << 20;
const ID = /^[0-9a-f]{64}$/;
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Options for {@link EncryptedFileBlobStore.open}. */
export interface EncryptedFileBlobStoreOptions {
  /** The blob directory, e.g. `<data>/blobs`; created when missing. */
  dir: string;
  /** Wraps each file's data key. */
  masterKey: MasterKey;
}

/** Throws INVALID_ARGUMENT unless `id` is 64 lower-case hex digits (so no id can name another path). */
export function assertBlobId(id: string): void {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new SignetError('INVALID_ARGUMENT', 'A blob id is the SHA-256 of the content: 64 lower-case hex digits');
  }
}

/** Slices `bytes` into chunks of at most 1 MiB, without copying. */
function* chunksOf(bytes: Uint8Array): Generator<Uint8Array> {
  for (let off = 0; off < bytes.length; off += CHUNK) yield bytes.subarray(off, Math.min(bytes.length, off + CHUNK));
}

/** A {@link BlobStore} of AES-256-GCM encrypted files, one fresh data key per file (一文一密). */
export class EncryptedFileBlobStore implements BlobStore {
  private readonly inflight = new Map<string, Promise<string>>();

  private constructor(readonly dir: string, private readonly masterKey: MasterKey) {}

  /** Opens the store in `opts.dir`, creating it, and removes temp files older than an hour (crashed puts). */
  static async open(opts: EncryptedFileBlobStoreOptions): Promise<EncryptedFileBlobStore> {
    const dir = resolve(opts.dir);
    const tmp = join(dir, 'tmp');
    await fsp.mkdir(tmp, { recursive: true, mode: 0o700 });
    const now = Date.now();
    for (const name of await fsp.readdir(tmp)) {
      const p = join(tmp, name);
      const st = await fsp.stat(p).catch(() => undefined);
      // Younger temp files may belong to a put in flight in another process sharing the directory.
      if (st && now - st.mtimeMs > STALE_TEMP_MS) await fsp.rm(p, { force: true });
    }
    return new EncryptedFileBlobStore(dir, opts.masterKey);
  }

  /** The path of blob `id` (after validating the id). */
  pathOf(id: string): string {
    assertBlobId(id);
    return join(this.dir, id.slice(0, 2), id.slice(2, 4), id);
  }

  /** Stores `bytes` and returns their id; storing bytes already stored writes nothing. */
  async put(bytes: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    return this.once(id, async () => {
      if (await this.has(id)) return id;
      return this.write(chunksOf(bytes), id);
    });
  }

  /**
   * Stores the bytes of `source` (e.g. an upload stream) without holding them in memory, and returns
   * their id. The id is known only at the end, so the file is written first and dropped when the
   * content was already stored.
   */
  async putStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
    return this.write(source);
  }

  private async once(id: string, fn: () => Promise<string>): Promise<string> {
    const running = this.inflight.get(id);
    if (running) return running;
    const p = fn().finally(() => this.inflight.delete(id));
    this.inflight.set(id, p);
    return p;
  }

  /** Encrypts `source` into a temp file, then renames it to its id's path. */
  private async write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, knownId?: string): Promise<string> {
    const tmp = join(this.dir, 'tmp', `${process.pid}.${randomBytes(8).toString('hex')}.tmp`);
    const dataKey = randomBytes(32);
    const iv = randomBytes(12);
    const head = Buffer.alloc(HEADER_LEN);
    MAGIC.copy(head, 0);
    head[4] = VERSION;
    head[5] = WRAPPED_LEN;
    iv.copy(head, 6 + WRAPPED_LEN);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(head.subarray(0, 6));
    const hash = knownId ? undefined : createHash('sha256');
    const fh = await fsp.open(tmp, 'w', 0o600);
    let renamed = false;
    try {
      let pos = HEADER_LEN;
      for await (const chunk of source) {
        for (const piece of chunksOf(chunk)) {
          hash?.update(piece);
          const ct = cipher.update(piece);
          await fh.write(ct, 0, ct.length, pos);
          pos += ct.length;
        }
      }
      const last = cipher.final();
      if (last.length) {
        await fh.write(last, 0, last.length, pos);
        pos += last.length;
      }
      await fh.write(cipher.getAuthTag(), 0, TAG_LEN, pos);
      const id = knownId ?? hash!.digest('hex');
      if (!knownId && (await this.has(id))) return id;
      const wrapped = this.masterKey.seal(dataKey, `signet-blob:${id}`);
      if (wrapped.length !== WRAPPED_LEN) throw new SignetError('INTERNAL', 'The wrapped data key has an unexpected length');
      wrapped.copy(head, 6);
      await fh.write(head, 0, HEADER_LEN, 0);
      await fh.sync();
      await fh.close();
      const target = this.pathOf(id);
      const parent = join(target, '..');
      await fsp.mkdir(parent, { recursive: true, mode: 0o700 });
      await fsp.rename(tmp, target);
      renamed = true;
      await fsyncDirectory(parent);
      return id;
    } finally {
      dataKey.fill(0);
      await fh.close().catch(() => undefined);
      if (!renamed) await fsp.rm(tmp, { force: true });
    }
  }

  /** True when blob `id` is stored. */
  async has(id: string): Promise<boolean> {
    try {
      await fsp.access(this.pathOf(id));
      return true;
    } catch (e) {
      if (e instanceof SignetError) throw e;
      return false;
    }
  }

  /** Reads and decrypts blob `id`: NOT_FOUND when absent, INTERNAL when the file was altered. */
  async get(id: string): Promise<Uint8Array> {
    const path = this.pathOf(id);
    let file: Buffer;
    try {
      file = await fsp.readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SignetError('NOT_FOUND', `Blob ${id} is not stored; check the id`);
      throw e;
    }
    const { decipher, body } = this.openHeader(file, id);
    decipher.setAuthTag(file.subarray(file.length - TAG_LEN));
    try {
      const plain = decipher.update(body);
      decipher.final();
      return plain;
    } catch {
      throw tampered(id);
    }
  }

  /**
   * Streams blob `id` in chunks of 1 MiB, for large files. GCM authenticates only at the end: the
   * last iteration throws INTERNAL when the file was altered, so consume into a temp file or a
   * response that can still be aborted, and trust the bytes only once the iteration completes.
   */
  async *stream(id: string): AsyncGenerator<Buffer> {
    const path = this.pathOf(id);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SignetError('NOT_FOUND', `Blob ${id} is not stored; check the id`);
      throw e;
    }
    try {
      const size = (await fh.stat()).size;
      if (size < HEADER_LEN + TAG_LEN) throw tampered(id);
      const head = Buffer.alloc(HEADER_LEN);
      await fh.read(head, 0, HEADER_LEN, 0);
      const tag = Buffer.alloc(TAG_LEN);
      await fh.read(tag, 0, TAG_LEN, size - TAG_LEN);
      const { decipher } = this.openHeader(head, id, true);
      decipher.setAuthTag(tag);
      const buf = Buffer.alloc(CHUNK);
      for (let pos = HEADER_LEN; pos < size - TAG_LEN;) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, size - TAG_LEN - pos), pos);
        if (bytesRead === 0) throw tampered(id);
        pos += bytesRead;
        yield decipher.update(buf.subarray(0, bytesRead));
      }
      try {
        decipher.final();
      } catch {
        throw tampered(id);
      }
    } finally {
      await fh.close();
    }
  }

  private openHeader(file: Buffer, id: string, headerOnly = false) {
    if (file.length < HEADER_LEN + (headerOnly ? 0 : TAG_LEN) || !file.subarray(0, 4).equals(MAGIC) || file[4] !== VERSION || file[5] !== WRAPPED_LEN) {
      throw tampered(id);
    }
    let dataKey: Buffer;
    try {
      dataKey = this.masterKey.open(file.subarray(6, 6 + WRAPPED_LEN), `signet-blob:${id}`);
    } catch {
      throw tampered(id);
    }
    const decipher = createDecipheriv('aes-256-gcm', dataKey, file.subarray(6 + WRAPPED_LEN, HEADER_LEN));
    dataKey.fill(0);
    decipher.setAAD(file.subarray(0, 6));
    return { decipher, body: file.subarray(HEADER_LEN, file.length - TAG_LEN) };
  }
}

function tampered(id: string): SignetError {
  return new SignetError('INTERNAL', `Blob ${id} failed authentication: the file was altered or damaged, or the master key is not the one it was written with. Restore the file from backup`);
}
