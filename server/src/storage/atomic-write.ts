/**
 * Crash-safe file writes: write a temporary file beside the target, fsync it, rename it over the
 * target, then fsync the directory. A crash at any point leaves either the old or the new file.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';

/** Atomically replaces `path` with `data` (mode defaults to 0644; use 0o600 for secrets). */
export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = openSync(dir, 'r');
    try { fsyncSync(dfd); } finally { closeSync(dfd); }
  } catch {
    // Some file systems do not allow fsync on a directory; the rename is still atomic.
  }
}

/**
 * Atomically replaces `path` with `data`, like {@link writeFileAtomic}, without blocking the event
 * loop: the fsyncs run on libuv's thread pool, so writes to other files proceed meanwhile. Resolves
 * once the new content and the rename are durable (file and directory fsynced).
 */
export async function writeFileAtomicAsync(path: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.datasync(); // a new file: the data and the size it needs, which is what fdatasync flushes
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDirectory(dir);
}

/** Fsyncs a directory so that a rename or a new entry in it survives a power loss. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let dh: fsp.FileHandle | undefined;
  try {
    dh = await fsp.open(dir, 'r');
    await dh.sync();
  } catch {
    // Some file systems do not allow fsync on a directory; the rename is still atomic.
  } finally {
    await dh?.close().catch(() => undefined);
  }
}

/** True for the temporary files {@link writeFileAtomic} leaves behind when a process dies mid-write. */
export function isAtomicWriteTemp(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}
