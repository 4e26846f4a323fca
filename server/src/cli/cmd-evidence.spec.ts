import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { appendAuditEvent, sampleIdCardNumber, sampleUscc, type AuditEvent } from '@signet/core';
import { corpusFile, repoRoot, requireTool, run, tempDir, type RunResult } from '@signet/test-support';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');
const signet = (args: string[]): RunResult => run(process.execPath, [bin, ...args]);
const oneLine = (r: RunResult) => {
  assert.notEqual(r.status, 0);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
};

describe('signet evidence', function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  let data: string;
  const f = (name: string) => join(dir, name);
  const mobile = '18512345544';
  const idNumber = sampleIdCardNumber(21);

  before(function () {
    ({ dir, cleanup } = tempDir('signet-evidence-'));
    data = f('data');
    assert.equal(signet(['init', '--data', data]).status, 0);
    writeFileSync(f('contract.pdf'), corpusFile('unsigned.pdf'));
    const s1 = signet(['sign', f('contract.pdf'), '-o', f('c1.pdf'), '--data', data, '--name', '张三', '--id-number', idNumber, '--level', 'B-T']);
    assert.equal(s1.status, 0, s1.stderr);
    const s2 = signet(['sign', f('c1.pdf'), '-o', f('signed.pdf'), '--data', data, '--org', '上海示例科技有限公司', '--uscc', sampleUscc(3), '--level', 'B-LT']);
    assert.equal(s2.status, 0, s2.stderr);
    const report = JSON.parse(signet(['verify', f('signed.pdf'), '--data', data, '--json']).stdout);
    const serials = report.signatures.map((s: { signer: { serialNumber: string } }) => s.signer.serialNumber);

    const events: AuditEvent[] = [];
    for (const type of ['contract.created', 'contract.sent', 'signer.signed', 'signer.signed', 'contract.completed']) {
      events.push(appendAuditEvent(events.at(-1), { type, subject: 'ct_9', at: new Date(Date.parse('2026-01-02T01:00:00Z') + events.length * 60_000), actor: { kind: 'system', id: 'signet' } }));
    }
    writeFileSync(f('events.json'), JSON.stringify(events, null, 2));
    const signer = (i: number) => ({
      subject: i ? '上海示例科技有限公司' : '张三', kind: i ? 'organization' : 'person', ...(i ? { uscc: sampleUscc(3) } : { idNumber }),
      account: i ? 'hr@example.com' : mobile, receivedAt: '2026-01-02T01:01:00Z', signedAt: '2026-01-02T01:02:00Z', ip: '203.0.113.9',
      willingness: { method: i ? 'auto-sign' : 'sms-otp', at: '2026-01-02T01:01:30Z' }, certificateSerial: serials[i],
      positions: [{ page: 1, x: 0.1, y: 0.1 }],
    });
    writeFileSync(f('evidence.json'), JSON.stringify({
      contract: {
        name: '劳动合同', number: 'HT-CLI-1', sentAt: '2026-01-02T01:00:00Z', completedAt: '2026-01-02T01:04:00Z',
        sender: { account: '13800138000', enterprise: '上海示例科技有限公司', ip: '198.51.100.1' },
      },
      signers: [signer(0), signer(1)],
    }));
  });
  after(() => cleanup?.());

  describe('pack → verify', () => {
    before(() => {
      const r = signet(['evidence', 'pack', '--data', data, '--original', f('contract.pdf'), '--signed', f('signed.pdf'),
        '--audit', f('events.json'), '--info', f('evidence.json'), '-o', f('package.zip')]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /Packed 1 file\(s\), the signed evidence page and 5 audit events/);
    });

    it('verify exits 0 with a bilingual report of every check', () => {
      const r = signet(['evidence', 'verify', f('package.zip'), '--data', data]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /存证包完整有效/);
      assert.match(r.stdout, /The evidence package is intact/);
      assert.match(r.stdout, /\[OK\] {3}存证页 Evidence page evidence-page\.pdf: 签名有效 signature valid, 签署者 signed by Signet 签约平台/);
      assert.match(r.stdout, /\[OK\] {3}文件 File 1 signed\.pdf: SHA-256 与存证页一致/);
      assert.match(r.stdout, /\[OK\] {3}审计日志 Audit log audit-events\.json: 5 条事件/);
      const json = JSON.parse(signet(['evidence', 'verify', f('package.zip'), '--data', data, '--json']).stdout);
      assert.equal(json.valid, true);
      assert.equal(json.evidencePage.verification.signatures[0].padesLevel, 'B-LT');
      assert.equal(json.audit.headTimestamp.trusted, true);
    });

    it('packs an evidence page that shows the masked mobile, never the raw one', function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      writeFileSync(f('page.pdf'), unzipSync(readFileSync(f('package.zip')))['evidence-page.pdf']);
      const t = run('pdftotext', ['-layout', f('page.pdf'), '-']).stdout;
      assert.match(t, /185\*\*\*\*5544/);
      assert.match(t, /合同编号 Contract number\s+HT-CLI-1/);
      assert.ok(!t.replace(/\s+/g, '').includes(mobile) && !t.includes(idNumber));
    });

    it('verify exits 1 on a tampered package and names what was changed', () => {
      const files = unzipSync(readFileSync(f('package.zip')));
      const signed = new Uint8Array(files['signed/1-signed.pdf']);
      signed[2000] ^= 0x20;
      files['signed/1-signed.pdf'] = signed;
      writeFileSync(f('tampered.zip'), zipSync(files));
      const r = signet(['evidence', 'verify', f('tampered.zip'), '--data', data]);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, /存证包未通过/);
      assert.match(r.stdout, /\[ENTRY_HASH_MISMATCH\] signed\/1-signed\.pdf 的 SHA-256 与清单不符/);
      assert.match(r.stdout, /\[SIGNED_FILE_INVALID\]/);
    });

    it('verify refuses a path-traversal entry with one clear line', () => {
      const files = unzipSync(readFileSync(f('package.zip')));
      writeFileSync(f('evil.zip'), zipSync({ ...files, '../../evil.sh': new TextEncoder().encode('rm -rf /') }));
      const r = signet(['evidence', 'verify', f('evil.zip'), '--data', data]);
      oneLine(r);
      assert.match(r.stderr, /^signet: The archive entry "\.\.\/\.\.\/evil\.sh" is refused: it climbs out of the archive with "\.\."\. .*\[EVIDENCE_PACKAGE_UNSAFE\]$/m);
      assert.equal(r.stdout, '');
    });
  });

  it('answers bad input with one line on stderr and a non-zero exit, writing nothing', () => {
    const base = ['evidence', 'pack', '--data', data, '--signed', f('signed.pdf'), '--audit', f('events.json')];
    let r = signet([...base, '-o', f('x.zip')]);
    oneLine(r);
    assert.match(r.stderr, /Give the evidence data with --info EVIDENCE\.json/);
    writeFileSync(f('bad.json'), JSON.stringify({ ...JSON.parse(readFileSync(f('evidence.json'), 'utf8')), contract: { name: 'x' } }));
    r = signet([...base, '--info', f('bad.json'), '-o', f('x.zip')]);
    oneLine(r);
    assert.match(r.stderr, /Evidence data: contract\.number must be a non-empty string \[INVALID_ARGUMENT\]/);
    r = signet([...base, '--info', f('evidence.json'), '--original', f('contract.pdf'), '--original', f('contract.pdf'), '-o', f('x.zip')]);
    oneLine(r);
    assert.match(r.stderr, /one --original per --signed/);
    r = signet(['evidence', 'verify', f('nope.zip')]);
    oneLine(r);
    assert.match(r.stderr, /nope\.zip: no such file/);
    r = signet(['evidence', 'verify', f('signed.pdf'), '--data', data]);
    oneLine(r);
    assert.match(r.stderr, /not a readable zip archive.*\[EVIDENCE_PACKAGE_MALFORMED\]/);
    r = signet(['evidence', 'frobnicate']);
    oneLine(r);
    assert.match(r.stderr, /Use `signet evidence verify PACKAGE\.zip`/);
    assert.ok(!existsSync(f('x.zip')));
  });
});
