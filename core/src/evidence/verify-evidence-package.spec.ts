import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { cjkFontBytes, corpusFile } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { FontProgram } from '../font/font-program.js';
import { createEmbeddedPki } from '../pki/index.js';
import { buildEvidencePage } from './evidence-page.js';
import { signEvidencePage } from './sign-evidence-page.js';
import { formatEvidenceReport } from './format-evidence-report.js';
import { verifyEvidencePackage, type EvidencePackageReport, type EvidenceProblemCode } from './verify-evidence-package.js';
import { evidenceInputFor, repack, samplePackage, type SamplePackage } from './test-fixtures.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);
const SIGNED = 'signed/1-劳动合同.pdf';

describe('evidence/verifyEvidencePackage()', function () {
  this.timeout(120_000);
  const font = FontProgram.load(cjkFontBytes());
  let s: SamplePackage;
  const verify = (zip: Uint8Array) => verifyEvidencePackage(zip, { trustAnchors: s.world.trustAnchors });
  const codes = (r: EvidencePackageReport) => r.problems.map((p) => p.code);
  const caught = (r: EvidencePackageReport, ...expected: EvidenceProblemCode[]) => {
    assert.equal(r.valid, false);
    for (const c of expected) assert.ok(codes(r).includes(c), `expected ${c}, got ${codes(r).join(', ')}`);
  };
  const editAudit = (zip: Uint8Array, edit: (events: Record<string, unknown>[]) => void) => repack(zip, (entries) => {
    const doc = JSON.parse(text(entries.get('audit-events.json')!));
    edit(doc.events);
    entries.set('audit-events.json', bytes(JSON.stringify(doc, null, 2)));
  }, { fixManifest: true });

  before(async () => {
    s = await samplePackage(font, corpusFile('unsigned.pdf'));
  });

  it('passes an untouched package: every hash, every signature, the audit chain and its time-stamp', () => {
    const r = verify(s.zip);
    assert.equal(r.valid, true, JSON.stringify(r.problems, null, 1));
    assert.deepEqual(r.problems, []);
    assert.equal(r.formatVersion, 1);
    assert.equal(r.entries.length, 4);
    assert.ok(r.entries.every((e) => e.present && e.sizeMatches && e.sha256Matches));
    assert.equal(r.evidencePage?.dataMatchesManifest, true);
    assert.equal(r.evidencePage?.verification?.signatures[0].padesLevel, 'B-LT');
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0].matchesEvidencePage, true);
    assert.equal(r.files[0].originalMatches, true);
    assert.equal(r.files[0].verification?.signatureCount, 2);
    assert.equal(r.audit?.ok, true);
    assert.equal(r.audit?.events, 7);
    assert.equal(r.audit?.matchesEvidencePage, true);
    assert.deepEqual([r.audit?.headTimestamp?.valid, r.audit?.headTimestamp?.trusted], [true, true]);
    assert.match(formatEvidenceReport(r), /存证包完整有效/);
  });

  it('catches a flipped byte in the signed PDF, even with the manifest fixed up', () => {
    const flip = (entries: Map<string, Uint8Array>) => {
      const b = new Uint8Array(entries.get(SIGNED)!);
      b[1000] ^= 0x01;
      entries.set(SIGNED, b);
    };
    caught(verify(repack(s.zip, flip)), 'ENTRY_HASH_MISMATCH', 'SIGNED_FILE_INVALID', 'SIGNED_FILE_HASH_MISMATCH');
    const r = verify(repack(s.zip, flip, { fixManifest: true }));
    caught(r, 'SIGNED_FILE_INVALID', 'SIGNED_FILE_HASH_MISMATCH');
    assert.ok(!codes(r).includes('ENTRY_HASH_MISMATCH'));
  });

  it('catches an edited audit event, naming where the chain breaks', () => {
    const r = verify(editAudit(s.zip, (events) => ((events[3].data as Record<string, unknown>).step = 42)));
    caught(r, 'AUDIT_CHAIN_BROKEN');
    assert.equal(r.audit?.brokenAt, 4);
    assert.match(r.audit?.reason ?? '', /event 4 was altered/);
  });

  it('catches a removed audit event, in the middle or at the end', () => {
    caught(verify(editAudit(s.zip, (events) => events.splice(2, 1))), 'AUDIT_CHAIN_BROKEN');
    // Dropping the last event leaves a consistent shorter chain: the recorded head, the page and the time-stamp expose it.
    const r = verify(editAudit(s.zip, (events) => events.pop()));
    caught(r, 'AUDIT_HEAD_MISMATCH', 'AUDIT_TIMESTAMP_INVALID');
    assert.ok(!codes(r).includes('AUDIT_CHAIN_BROKEN'));
  });

  it('catches reordered audit events', () => {
    const r = verify(editAudit(s.zip, (events) => ([events[1], events[2]] = [events[2], events[1]])));
    caught(r, 'AUDIT_CHAIN_BROKEN');
    assert.equal(r.audit?.brokenAt, 2);
  });

  it('catches a replaced evidence page: one validly signed for other data, or one not signed at all', async () => {
    const other = evidenceInputFor(s.contract, s.events, { number: 'HT-2026-999999' });
    const forged = await signEvidencePage(buildEvidencePage(other, { font }), { signer: s.world.platform, timestamper: s.world.timestamper });
    caught(verify(repack(s.zip, (e) => e.set('evidence-page.pdf', forged), { fixManifest: true })), 'EVIDENCE_DATA_MISMATCH');
    const unsigned = buildEvidencePage(s.input, { font });
    caught(verify(repack(s.zip, (e) => e.set('evidence-page.pdf', unsigned), { fixManifest: true })), 'EVIDENCE_PAGE_INVALID');
  });

  it('catches an extra file that the manifest does not list', () => {
    const r = verify(repack(s.zip, (e) => e.set('signed/2-补充协议.pdf', corpusFile('unsigned.pdf'))));
    caught(r, 'ENTRY_NOT_IN_MANIFEST');
    assert.equal(r.problems.find((p) => p.code === 'ENTRY_NOT_IN_MANIFEST')?.path, 'signed/2-补充协议.pdf');
  });

  it('catches a missing entry', () => {
    caught(verify(repack(s.zip, (e) => e.delete('original/1-劳动合同.pdf'))), 'ENTRY_MISSING');
  });

  it('catches an edited manifest hash', () => {
    const r = verify(repack(s.zip, (entries) => {
      const m = JSON.parse(text(entries.get('manifest.json')!));
      m.entries[3].sha256 = '0'.repeat(64);
      entries.set('manifest.json', bytes(JSON.stringify(m)));
    }));
    caught(r, 'ENTRY_HASH_MISMATCH');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].path, SIGNED);
  });

  it('catches evidence data edited in the manifest to differ from the signed page', () => {
    const r = verify(repack(s.zip, (entries) => {
      const m = JSON.parse(text(entries.get('manifest.json')!));
      m.evidence.files[0].sha256 = '1'.repeat(64);
      entries.set('manifest.json', bytes(JSON.stringify(m)));
    }));
    caught(r, 'EVIDENCE_DATA_MISMATCH');
  });

  it('catches a swapped signed file, validly signed but not the one the page names', () => {
    const r = verify(repack(s.zip, (e) => e.set(SIGNED, s.page), { fixManifest: true }));
    caught(r, 'SIGNED_FILE_HASH_MISMATCH');
    assert.ok(!codes(r).includes('SIGNED_FILE_INVALID'));
  });

  it('reports signatures and the time-stamp as untrusted under other trust anchors', () => {
    const r = verifyEvidencePackage(s.zip, { trustAnchors: [createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' }).root.certificate] });
    caught(r, 'EVIDENCE_PAGE_INVALID', 'SIGNED_FILE_INVALID', 'AUDIT_TIMESTAMP_UNTRUSTED');
  });

  it('refuses path-traversal and oversized entries with a clear error, before looking further', () => {
    const evil = repack(s.zip, (e) => e.set('../../etc/cron.d/evil', bytes('x')));
    assert.throws(() => verify(evil), (e: unknown) => isSignetError(e, 'EVIDENCE_PACKAGE_UNSAFE') && /climbs out of the archive/.test(e.message));
    assert.throws(() => verifyEvidencePackage(s.zip, { trustAnchors: s.world.trustAnchors, limits: { maxEntryBytes: 10_000 } }),
      (e: unknown) => isSignetError(e, 'EVIDENCE_PACKAGE_TOO_LARGE') && /above the 10000-byte limit/.test(e.message));
  });

  it('answers an archive that is not an evidence package with EVIDENCE_PACKAGE_MALFORMED', () => {
    const malformed = (e: unknown) => isSignetError(e, 'EVIDENCE_PACKAGE_MALFORMED');
    assert.throws(() => verify(zipSync({ 'a.txt': bytes('a') })), malformed);
    assert.throws(() => verify(repack(s.zip, (e) => e.set('manifest.json', bytes('{"format":"signet-evidence-package","version":2}')))), /version 2 is not supported/);
    assert.throws(() => verify(corpusFile('unsigned.pdf')), malformed);
  });

  it('formats the report bilingually, each problem with its code', () => {
    const out = formatEvidenceReport(verify(editAudit(s.zip, (events) => events.splice(2, 1))));
    assert.match(out, /存证包未通过/);
    assert.match(out, /\[FAIL\] 审计日志 Audit log/);
    assert.match(out, /\[AUDIT_CHAIN_BROKEN\] 审计日志哈希链在第 3 条事件处断开/);
    assert.match(out, /The audit hash chain is broken at event 3/);
  });
});
