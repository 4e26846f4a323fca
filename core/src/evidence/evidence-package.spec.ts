import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { cjkFontBytes, corpusFile } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { FontProgram } from '../font/font-program.js';
import { buildEvidencePage, readEvidenceRecord } from './evidence-page.js';
import { buildEvidencePackage, type EvidenceManifest } from './evidence-package.js';
import { parseAuditEvents, type AuditEvent } from './audit-chain.js';
import { samplePackage, type SamplePackage } from './test-fixtures.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const json = <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T;

describe('evidence/buildEvidencePackage()', function () {
  this.timeout(120_000);
  const font = FontProgram.load(cjkFontBytes());
  let s: SamplePackage;
  const build = (over: Partial<Parameters<typeof buildEvidencePackage>[0]> = {}) => buildEvidencePackage({
    evidencePage: s.page,
    files: [{ signed: s.contract.signed, original: s.contract.original }],
    audit: { events: s.events, headTimestamp: s.headTimestamp },
    ...over,
  });
  const refuses = (over: Partial<Parameters<typeof buildEvidencePackage>[0]>, pattern: RegExp) =>
    assert.throws(() => build(over), (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT') && pattern.test(e.message));

  before(async () => {
    s = await samplePackage(font, corpusFile('unsigned.pdf'));
  });

  it('zips the manifest, the signed evidence page, the audit log, the original and the signed file, in that order', () => {
    const files = unzipSync(s.zip);
    assert.deepEqual(Object.keys(files), ['manifest.json', 'evidence-page.pdf', 'audit-events.json', 'original/1-劳动合同.pdf', 'signed/1-劳动合同.pdf']);
    assert.ok(Buffer.from(files['evidence-page.pdf']).equals(Buffer.from(s.page)));
    assert.ok(Buffer.from(files['signed/1-劳动合同.pdf']).equals(Buffer.from(s.contract.signed)));
    assert.ok(Buffer.from(files['original/1-劳动合同.pdf']).equals(Buffer.from(s.contract.original)));
  });

  it('lists every other entry in manifest.json with its SHA-256, size and role, the format version and the page\'s evidence data', () => {
    const files = unzipSync(s.zip);
    const m = json<EvidenceManifest>(files['manifest.json']);
    assert.equal(m.format, 'signet-evidence-package');
    assert.equal(m.version, 1);
    assert.deepEqual(m.contract, { name: '劳动合同（软件开发岗位）', number: 'HT-2026-000123' });
    assert.deepEqual(m.entries.map((e) => [e.path, e.role, e.file]), [
      ['evidence-page.pdf', 'evidence-page', undefined], ['audit-events.json', 'audit-events', undefined],
      ['original/1-劳动合同.pdf', 'original', 1], ['signed/1-劳动合同.pdf', 'signed', 1],
    ]);
    for (const e of m.entries) {
      assert.equal(e.sha256, sha256(files[e.path]), e.path);
      assert.equal(e.size, files[e.path].length, e.path);
    }
    assert.deepEqual(m.evidence, readEvidenceRecord(s.page));
    assert.doesNotMatch(new TextDecoder().decode(files['manifest.json']), /18512345544/);
  });

  it('stores the audit chain with the head and its time-stamp token', () => {
    const doc = json<{ head: { hash: string; timestampToken: string } }>(unzipSync(s.zip)['audit-events.json']);
    const { events, head } = parseAuditEvents(doc);
    assert.deepEqual(events, s.events);
    assert.equal(head?.hash, s.events.at(-1)!.hash);
    assert.ok(Buffer.from(doc.head.timestampToken, 'base64').equals(Buffer.from(s.headTimestamp)));
  });

  it('is deterministic: the same inputs give the same bytes, in any host time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const a = build();
      process.env.TZ = 'America/New_York';
      const b = build();
      process.env.TZ = 'Asia/Shanghai';
      const c = build();
      assert.equal(sha256(a), sha256(s.zip));
      assert.equal(sha256(b), sha256(s.zip));
      assert.equal(sha256(c), sha256(s.zip));
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('refuses files that are not the ones the evidence page names', () => {
    refuses({ files: [{ signed: s.contract.original }] }, /the signed file's SHA-256 is [0-9a-f]{64}, but the evidence page says/);
    refuses({ files: [{ signed: s.contract.signed, original: s.contract.signed }] }, /the original's SHA-256/);
    refuses({ files: [] }, /The evidence page lists 1 file\(s\) but 0 were given/);
  });

  it('refuses an evidence page that is unsigned or is not one', () => {
    refuses({ evidencePage: buildEvidencePage(s.input, { font }) }, /not signed yet: sign it with signEvidencePage\(\) first/);
    refuses({ evidencePage: s.contract.signed }, /evidencePage is not an evidence page/);
  });

  it('refuses an audit chain that is broken, is not the page\'s, or whose head time-stamp covers something else', () => {
    const edited: AuditEvent[] = s.events.map((e, i) => (i === 2 ? { ...e, data: { step: 99 } } : e));
    refuses({ audit: { events: edited } }, /The audit chain is broken \(event 3 was altered\)/);
    refuses({ audit: { events: s.events.slice(0, -1) } }, /but the evidence page binds/);
    refuses({ audit: { events: s.events, headTimestamp: s.contract.signed.subarray(0, 100) } }, /does not time-stamp the head of this chain/);
  });
});
