/**
 * Reads a zip archive (PKWARE APPNOTE 6.3.x) into memory while refusing what could harm whoever
 * unpacks it: entry names that are absolute or climb out with `..` (zip slip), duplicate names,
 * and archives that would inflate beyond fixed limits (zip bombs). Limits are checked against the
 * central directory before anything is inflated, and an entry never inflates past its declared
 * size, so a lying header cannot exhaust memory either.
 */
import { unzipSync } from 'fflate';
import { SignetError } from '../errors.js';

/** Safety limits of {@link safeUnzip}. */
export interface ZipLimits {
  /** Most entries in one archive. Default 10,000. */
  maxEntries: number;
  /** Largest inflated entry in bytes. Default 256 MiB. */
  maxEntryBytes: number;
  /** Largest inflated total in bytes. Default 1 GiB. */
  maxTotalBytes: number;
  /** Highest inflated/compressed ratio of an entry above 1 MiB. Default 200. */
  maxRatio: number;
}

/** The default {@link ZipLimits}. */
export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxEntries: 10_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
};

/**
 * Why an entry name is unsafe, or undefined when it is a plain relative path: forward slashes
 * only, no empty, `.` or `..` segment, no drive letter, no control characters.
 */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 512) return 'it is longer than 512 characters';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains control characters';
  if (name.includes('\\')) return 'it contains a backslash';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '..')) return 'it climbs out of the archive with ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'it has an empty or "." path segment';
  return undefined;
}

/**
 * Unzips `zip` into a map from entry name to bytes, in archive order (directory entries are
 * skipped). Throws EVIDENCE_PACKAGE_UNSAFE for a dangerous or duplicate name,
 * EVIDENCE_PACKAGE_TOO_LARGE past a limit, and EVIDENCE_PACKAGE_MALFORMED when it is not a
 * readable zip (stored and deflated entries only).
 */
export function safeUnzip(zip: Uint8Array, limits: Partial<ZipLimits> = {}): Map<string, Uint8Array> {
  const lim = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const seen = new Set<string>();
  const order: string[] = [];
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        const why = unsafeEntryName(f.name);
        if (why) throw new SignetError('EVIDENCE_PACKAGE_UNSAFE', `The archive entry "${printable(f.name)}" is refused: ${why}. Do not unpack this file; ask the sender for the original package.`, { entry: f.name });
        if (seen.has(f.name)) throw new SignetError('EVIDENCE_PACKAGE_UNSAFE', `The archive holds "${printable(f.name)}" twice; a tool could unpack either copy. Ask the sender for the original package.`, { entry: f.name });
        seen.add(f.name);
        if (seen.size > lim.maxEntries) throw new SignetError('EVIDENCE_PACKAGE_TOO_LARGE', `The archive has more than ${lim.maxEntries} entries; an evidence package has a handful.`);
        if (f.compression !== 0 && f.compression !== 8) throw new SignetError('EVIDENCE_PACKAGE_MALFORMED', `The archive entry "${printable(f.name)}" uses compression method ${f.compression}; only stored and deflated entries are read.`);
        if (f.originalSize > lim.maxEntryBytes) throw tooLarge(f.name, `inflates to ${f.originalSize} bytes, above the ${lim.maxEntryBytes}-byte limit`);
        if (f.compression === 8 && f.originalSize > 1024 * 1024 && f.originalSize > f.size * lim.maxRatio) {
          throw tooLarge(f.name, `inflates ${Math.round(f.originalSize / Math.max(1, f.size))} times its stored size (limit ${lim.maxRatio}), as zip bombs do`);
        }
        total += f.compression === 0 ? f.size : f.originalSize;
        if (total > lim.maxTotalBytes) throw tooLarge(f.name, `brings the inflated total above the ${lim.maxTotalBytes}-byte limit`);
        if (f.name.endsWith('/')) return false;
        order.push(f.name);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SignetError) throw e;
    throw new SignetError('EVIDENCE_PACKAGE_MALFORMED', `The file is not a readable zip archive (${(e as Error).message}); ask the sender for the package again.`);
  }
  const out = new Map<string, Uint8Array>();
  for (const name of order) {
    const data = Object.prototype.hasOwnProperty.call(files, name) ? files[name] : undefined;
    if (data) out.set(name, data);
  }
  return out;
}

function tooLarge(name: string, why: string): SignetError {
  return new SignetError('EVIDENCE_PACKAGE_TOO_LARGE', `The archive entry "${printable(name)}" ${why}. It was not unpacked.`, { entry: name });
}

/** Shows a hostile name safely in one line. */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 120);
}
