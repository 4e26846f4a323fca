import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { isSignetError, type ErrorCode } from '../errors.js';
import { safeUnzip, unsafeEntryName } from './safe-unzip.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const refused = (code: ErrorCode, pattern: RegExp) => (e: unknown) => isSignetError(e, code) && pattern.test(e.message);

/** Rewrites the uncompressed size of the first central-directory entry: a header that lies. */
function lieAboutSize(zip: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(zip);
  const dv = new DataView(out.buffer);
  for (let i = out.length - 22; i >= 0; i--) {
    if (dv.getUint32(i, true) === 0x02014b50) {
      dv.setUint32(i + 24, size, true);
      return out;
    }
  }
  throw new Error('no central directory');
}

describe('evidence/safeUnzip()', () => {
  it('reads entries in archive order', () => {
    const z = zipSync({ 'b.txt': bytes('B'), 'dir/a.txt': [bytes('A'.repeat(1000)), { level: 9 }] });
    const m = safeUnzip(z);
    assert.deepEqual([...m.keys()], ['b.txt', 'dir/a.txt']);
    assert.equal(new TextDecoder().decode(m.get('dir/a.txt')), 'A'.repeat(1000));
  });

  for (const [name, why] of [
    ['../evil.pdf', /climbs out of the archive/],
    ['signed/../../etc/passwd', /climbs out of the archive/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/evil.dll', /drive letter/],
    ['signed\\..\\evil.pdf', /backslash/],
    ['a//b.pdf', /empty or "\." path segment/],
  ] as const) {
    it(`refuses the path-traversal entry name ${JSON.stringify(name)}`, () => {
      const z = zipSync({ 'manifest.json': bytes('{}'), [name]: bytes('x') });
      assert.throws(() => safeUnzip(z), refused('EVIDENCE_PACKAGE_UNSAFE', why));
    });
  }

  it('refuses an archive that holds the same name twice', () => {
    const z = Buffer.from(zipSync({ 'manifest.json': bytes('{"a":1}'), 'manifesx.json': bytes('{"a":2}') }));
    const twice = Buffer.from(z.toString('latin1').replaceAll('manifesx.json', 'manifest.json'), 'latin1');
    assert.throws(() => safeUnzip(twice), refused('EVIDENCE_PACKAGE_UNSAFE', /holds "manifest.json" twice/));
  });

  it('accepts plain relative names, Chinese ones included', () => {
    assert.equal(unsafeEntryName('signed/1-劳动合同.pdf'), undefined);
  });

  it('refuses an entry that inflates past the size limit before inflating it', () => {
    const z = zipSync({ 'big.bin': [new Uint8Array(2 * 1024 * 1024), { level: 1 }] });
    assert.throws(() => safeUnzip(z, { maxEntryBytes: 1024 * 1024 }), refused('EVIDENCE_PACKAGE_TOO_LARGE', /inflates to 2097152 bytes, above the 1048576-byte limit/));
  });

  it('refuses a zip bomb by its expansion ratio, with the default limits', () => {
    const z = zipSync({ 'bomb.bin': [new Uint8Array(32 * 1024 * 1024), { level: 9 }] });
    assert.ok(z.length < 100_000);
    assert.throws(() => safeUnzip(z), refused('EVIDENCE_PACKAGE_TOO_LARGE', /inflates \d+ times its stored size/));
  });

  it('refuses a header that claims gigabytes, without allocating them', () => {
    const z = lieAboutSize(zipSync({ 'a.bin': [new Uint8Array(10), { level: 9 }] }), 0xfffffff0);
    assert.throws(() => safeUnzip(z), refused('EVIDENCE_PACKAGE_TOO_LARGE', /above the \d+-byte limit/));
  });

  it('never inflates past the declared size, so a header that under-states it cannot exhaust memory', () => {
    const z = lieAboutSize(zipSync({ 'a.bin': [new Uint8Array(100_000).fill(7), { level: 9 }] }), 1000);
    assert.equal(safeUnzip(z).get('a.bin')!.length, 1000);
  });

  it('refuses archives whose total or entry count exceeds the limits', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`f${i}.txt`] = new Uint8Array(100);
    assert.throws(() => safeUnzip(zipSync(files), { maxEntries: 10 }), refused('EVIDENCE_PACKAGE_TOO_LARGE', /more than 10 entries/));
    assert.throws(() => safeUnzip(zipSync(files), { maxTotalBytes: 1000 }), refused('EVIDENCE_PACKAGE_TOO_LARGE', /inflated total above the 1000-byte limit/));
  });

  it('answers a file that is not a zip with EVIDENCE_PACKAGE_MALFORMED', () => {
    assert.throws(() => safeUnzip(bytes('%PDF-1.7 not a zip at all')), refused('EVIDENCE_PACKAGE_MALFORMED', /not a readable zip archive/));
  });
});
