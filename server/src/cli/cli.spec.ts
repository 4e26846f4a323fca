import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  PdfReader, IncrementalWriter, PdfStream, PdfString, findSignatureFields, sampleIdCardNumber, sampleUscc,
} from '@signet/core';
import {
  corpusDir, corpusFile, repoRoot, requireTool, run, tempDir, makeNssDb, pdfsig, qpdfCheck, signedParts,
  opensslCmsVerify, opensslTsVerify, type RunResult,
} from '@signet/test-support';
import { parseSignedData } from '@signet/core';

const bin = join(repoRoot, 'server', 'bin', 'signet.js');

function signet(args: string[], env: Record<string, string> = {}): RunResult {
  return run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
}

describe('signet CLI', function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  let data: string;
  let rootPem: string;
  let nss: { nssDir: string; cleanup: () => void };
  const alice = { name: '张三', id: sampleIdCardNumber(1) };
  const bob = { name: 'Bob Li', id: sampleIdCardNumber(2) };
  const org = { name: '上海示例科技有限公司', uscc: sampleUscc(3) };

  before(function () {
    ({ dir, cleanup } = tempDir('signet-cli-'));
    data = join(dir, 'data');
    const init = signet(['init', '--data', data]);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /Initialised/);
    const again = signet(['init', '--data', data]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already initialised/);
    const exp = signet(['ca', 'export', '--data', data]);
    assert.equal(exp.status, 0, exp.stderr);
    rootPem = exp.stdout;
    assert.match(rootPem, /BEGIN CERTIFICATE/);
    writeFileSync(join(dir, 'root.pem'), rootPem);
  });
  after(() => {
    nss?.cleanup();
    cleanup?.();
  });

  describe('a contract signed by three parties in turn, the first certifying', () => {
    let contract: string;
    before(function () {
      const input = join(dir, 'contract.pdf');
      writeFileSync(input, corpusFile('unsigned.pdf'));
      const s1 = signet(['sign', input, '-o', join(dir, 'c1.pdf'), '--data', data, '--name', alice.name, '--id-number', alice.id,
        '--certify', '2', '--page', '1', '--rect', '60,60,200,60', '--reason', '同意 Agree', '--level', 'B-LT']);
      assert.equal(s1.status, 0, s1.stderr);
      const s2 = signet(['sign', join(dir, 'c1.pdf'), '-o', join(dir, 'c2.pdf'), '--data', data, '--name', bob.name, '--id-number', bob.id,
        '--page', '2', '--rect', '300,60,200,60', '--key', 'ecdsa-p256', '--level', 'B-T']);
      assert.equal(s2.status, 0, s2.stderr);
      const s3 = signet(['sign', join(dir, 'c2.pdf'), '-o', join(dir, 'c3.pdf'), '--data', data, '--org', org.name, '--uscc', org.uscc,
        '--name', '王五', '--key', 'rsa-3072', '--level', 'B-LTA']);
      assert.equal(s3.status, 0, s3.stderr);
      contract = join(dir, 'c3.pdf');
    });

    it('keeps every earlier byte: each output starts with its input', () => {
      const c1 = readFileSync(join(dir, 'c1.pdf'));
      const c2 = readFileSync(join(dir, 'c2.pdf'));
      const c3 = readFileSync(contract);
      assert.ok(c1.subarray(0, corpusFile('unsigned.pdf').length).equals(corpusFile('unsigned.pdf')));
      assert.ok(c2.subarray(0, c1.length).equals(c1));
      assert.ok(c3.subarray(0, c2.length).equals(c2));
    });

    it('signet verify passes it, one revision per signer, certified P=2, with timestamps and LTV', () => {
      const r = signet(['verify', contract, '--data', data, '--json']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.valid, true);
      const sigs = report.signatures.filter((s: { type: string }) => s.type === 'signature');
      assert.equal(sigs.length, 3);
      assert.deepEqual(sigs.map((s: { signer: { commonName: string } }) => s.signer.commonName), [alice.name, bob.name, org.name]);
      for (const s of sigs) assert.equal(s.indication, 'TOTAL_PASSED', JSON.stringify(s.problems));
      const revs = sigs.map((s: { revision: number }) => s.revision);
      assert.equal(new Set(revs).size, 3, 'each signature closes its own revision');
      assert.equal(sigs[0].certification.p, 2);
      assert.ok(sigs.every((s: { timestamp?: { valid: boolean } }) => s.timestamp?.valid));
      assert.equal(sigs[0].page, 1);
      assert.equal(sigs[1].page, 2);
      assert.equal(sigs[2].padesLevel, 'B-LTA');
      assert.ok(sigs[0].ltv && sigs[2].ltv);
      assert.equal(report.signatures.filter((s: { type: string }) => s.type === 'doc-timestamp').length, 1);
      const text = signet(['verify', contract, '--data', data]);
      assert.match(text.stdout, /Signed and all signatures are valid/);
      assert.match(text.stdout, /LTV enabled/);
    });

    it('pdfsig reports every signature valid and its certificate trusted', function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      nss ??= makeNssDb([rootPem]);
      const out = pdfsig(contract, nss.nssDir);
      assert.equal(out.signatures.length, 4, out.stdout);
      // poppler 22.12 cannot validate ETSI.RFC3161 document time-stamps; openssl ts checks that one below.
      const cms = out.signatures.filter((s) => s.subFilter === 'ETSI.CAdES.detached');
      assert.equal(cms.length, 3, out.stdout);
      for (const s of cms) {
        assert.equal(s.validation, 'Signature is Valid.', s.raw);
        assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
      }
    });

    it('qpdf --check is clean', function () {
      requireTool(this, 'qpdf', 'qpdf');
      for (const f of ['c1.pdf', 'c2.pdf', 'c3.pdf']) {
        const q = qpdfCheck(join(dir, f));
        assert.ok(q.clean, `${f}: ${q.output}`);
      }
    });

    it('openssl cms accepts each CMS over its byte ranges and openssl ts each timestamp token', function () {
      requireTool(this, 'openssl', 'openssl');
      const pdf = readFileSync(contract);
      const reader = PdfReader.load(pdf);
      const fields = findSignatureFields(reader).filter((f) => f.signature);
      let cmsCount = 0;
      let tsCount = 0;
      for (const f of fields) {
        const br = reader.resolve(f.signature!.get('ByteRange')) as number[];
        const contents = (reader.resolve(f.signature!.get('Contents')) as PdfString).bytes;
        const { content } = signedParts(pdf, br, contents);
        if (f.signature!.getName('SubFilter') === 'ETSI.RFC3161') {
          const v = opensslTsVerify(trimDer(contents), content, join(dir, 'root.pem'), undefined, dir);
          assert.ok(v.ok, v.output);
          tsCount++;
          continue;
        }
        const der = trimDer(contents);
        const v = opensslCmsVerify(der, content, join(dir, 'root.pem'), dir);
        assert.ok(v.ok, v.output);
        cmsCount++;
        const si = parseSignedData(der).signerInfos[0];
        assert.ok(si.timestampToken, 'B-T and above carry a signature time-stamp');
        const t = opensslTsVerify(si.timestampToken!, si.signature, join(dir, 'root.pem'), undefined, dir);
        assert.ok(t.ok, t.output);
        tsCount++;
      }
      assert.equal(cmsCount, 3);
      assert.equal(tsCount, 4);
    });

    it('a flipped byte inside a signed range is rejected by signet verify, pdfsig and openssl', function () {
      const pdf = Buffer.from(readFileSync(join(dir, 'c1.pdf')));
      // Flip a byte in the middle of the original content (inside the first signature's range).
      const at = Math.floor(corpusFile('unsigned.pdf').length / 2);
      pdf[at] ^= 0x01;
      const bad = join(dir, 'tampered-byte.pdf');
      writeFileSync(bad, pdf);
      const r = signet(['verify', bad, '--data', data, '--json']);
      assert.equal(r.status, 1);
      const report = JSON.parse(r.stdout);
      assert.equal(report.signatures[0].indication, 'TOTAL_FAILED');
      assert.equal(report.signatures[0].subIndication, 'HASH_FAILURE');
      if (process.env.CI || existsSync('/usr/bin/pdfsig')) {
        requireTool(this, 'pdfsig', 'poppler-utils');
        nss ??= makeNssDb([rootPem]);
        const out = pdfsig(bad, nss.nssDir);
        assert.notEqual(out.signatures[0]?.validation, 'Signature is Valid.', out.stdout);
      }
      requireTool(this, 'openssl', 'openssl');
      const reader = PdfReader.load(pdf);
      const f = findSignatureFields(reader).find((x) => x.signature)!;
      const br = reader.resolve(f.signature!.get('ByteRange')) as number[];
      const contents = (reader.resolve(f.signature!.get('Contents')) as PdfString).bytes;
      const v = opensslCmsVerify(trimDer(contents), signedParts(pdf, br, contents).content, join(dir, 'root.pem'), dir);
      assert.equal(v.ok, false);
    });

    it('a page changed in a later incremental update is caught as a modification after signing', () => {
      const pdf = readFileSync(join(dir, 'c2.pdf'));
      const reader = PdfReader.load(pdf);
      const writer = new IncrementalWriter(reader);
      const page = reader.getPage(0);
      const content = writer.allocate();
      writer.set(content, PdfStream.fromData(new TextEncoder().encode('BT /F1 24 Tf 100 700 Td (PAY 1,000,000) Tj ET')));
      const dict = page.dict.clone();
      dict.set('Contents', content);
      writer.set(page.ref, dict);
      const bad = join(dir, 'tampered-page.pdf');
      writeFileSync(bad, writer.write().bytes);
      const r = signet(['verify', bad, '--data', data, '--json']);
      assert.equal(r.status, 1, r.stdout);
      const report = JSON.parse(r.stdout);
      for (const s of report.signatures) {
        assert.equal(s.modifications.allowed, false);
        assert.equal(s.subIndication, 'MODIFIED_AFTER_SIGNING');
      }
    });
  });

  describe('signatures made by other software (../shared/corpus)', () => {
    const trust = () => ['--trust', join(corpusDir, 'test-root-ca.pem'), '--trust', join(corpusDir, 'test-tsa.pem')];
    const signedCorpus = () => readdirSync(corpusDir).filter((f) => f.endsWith('.pdf') && !f.startsWith('unsigned'));

    it('verifies every signed corpus file', () => {
      for (const f of signedCorpus()) {
        const r = signet(['verify', join(corpusDir, f), '--data', join(dir, 'no-data'), ...trust(), '--json']);
        assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
      }
    });

    it('countersigns each of them without breaking what is there', function () {
      for (const f of signedCorpus()) {
        const out = join(dir, `counter-${f}`);
        const s = signet(['sign', join(corpusDir, f), '-o', out, '--data', data, '--name', bob.name, '--id-number', bob.id]);
        assert.equal(s.status, 0, `${f}: ${s.stderr}`);
        const anchors = ['--trust', join(corpusDir, 'test-root-ca.pem'), '--trust', join(corpusDir, 'test-tsa.pem')];
        const r = signet(['verify', out, '--data', data, ...anchors, '--json']);
        assert.equal(r.status, 0, `${f}: ${r.stdout}`);
        const report = JSON.parse(r.stdout);
        assert.ok(report.signatures.length >= 2);
      }
    });

    it('pdfsig still accepts the countersigned files', function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      const db = makeNssDb([rootPem, readFileSync(join(corpusDir, 'test-root-ca.pem'), 'utf8')]);
      try {
        for (const f of signedCorpus()) {
          const out = pdfsig(join(dir, `counter-${f}`), db.nssDir);
          assert.ok(out.signatures.length >= 2, out.stdout);
          for (const s of out.signatures) assert.equal(s.validation, 'Signature is Valid.', `${f}: ${s.raw}`);
        }
      } finally {
        db.cleanup();
      }
    });

    it('refuses to sign a document certified with no changes allowed (DocMDP P=1)', () => {
      const locked = join(dir, 'locked.pdf');
      const s = signet(['sign', join(corpusDir, 'unsigned.pdf'), '-o', locked, '--data', data, '--name', alice.name, '--id-number', alice.id, '--certify', '1']);
      assert.equal(s.status, 0, s.stderr);
      const out = join(dir, 'locked-2.pdf');
      const r = signet(['sign', locked, '-o', out, '--data', data, '--name', bob.name, '--id-number', bob.id]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /DOCMDP_LOCKED/);
      assert.equal(existsSync(out), false);
    });
  });

  describe('bad input gets one clear line and no output file', () => {
    const bad = (name: string, bytes: Uint8Array | string, extra: string[], code: RegExp) => {
      it(`rejects ${name}`, () => {
        const input = join(dir, `bad-${name.replace(/\W+/g, '-')}.pdf`);
        writeFileSync(input, bytes);
        const out = join(dir, `bad-out-${name.replace(/\W+/g, '-')}.pdf`);
        const r = signet(['sign', input, '-o', out, '--data', data, '--name', alice.name, '--id-number', alice.id, ...extra]);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, code);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        assert.equal(existsSync(out), false);
      });
    };
    bad('not a PDF', 'hello, world\n', [], /PDF_NOT_PDF/);
    bad('a truncated PDF', corpusFile('unsigned.pdf').subarray(0, 40000), [], /PDF_TRUNCATED|PDF_XREF_BROKEN/);
    bad('a broken xref', Buffer.concat([corpusFile('unsigned.pdf').subarray(0, corpusFile('unsigned.pdf').lastIndexOf('startxref')), Buffer.from('startxref\n123\n%%EOF\n')]), [], /PDF_XREF_BROKEN/);
    bad('a rect off the page', corpusFile('unsigned.pdf'), ['--page', '1', '--rect', '5000,10,100,50'], /PDF_RECT_OFF_PAGE/);
    bad('a page that does not exist', corpusFile('unsigned.pdf'), ['--page', '9', '--rect', '10,10,100,50'], /PDF_PAGE_OUT_OF_RANGE/);
    bad('an unknown level', corpusFile('unsigned.pdf'), ['--level', 'B-XYZ'], /LEVEL_UNKNOWN/);

    it('rejects an encrypted PDF', function () {
      requireTool(this, 'qpdf', 'qpdf');
      const enc = join(dir, 'encrypted.pdf');
      const q = run('qpdf', ['--encrypt', 'user', 'owner', '256', '--', join(corpusDir, 'unsigned.pdf'), enc]);
      assert.equal(q.status, 0, q.stderr);
      const out = join(dir, 'enc-out.pdf');
      const r = signet(['sign', enc, '-o', out, '--data', data, '--name', alice.name, '--id-number', alice.id]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /PDF_ENCRYPTED/);
      assert.equal(existsSync(out), false);
    });

    it('rejects a missing input file with its name', () => {
      const r = signet(['sign', join(dir, 'nope.pdf'), '-o', join(dir, 'x.pdf'), '--data', data, '--name', 'x']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /nope\.pdf: no such file/);
    });

    it('verify exits non-zero for an unsigned file', () => {
      const r = signet(['verify', join(corpusDir, 'unsigned.pdf'), '--data', data]);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /not signed/);
    });
  });
});

/** The DER of a zero-padded /Contents value: the outer TLV's length tells where it ends. */
function trimDer(b: Uint8Array): Uint8Array {
  if (b[0] !== 0x30) return b;
  let len = b[1];
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
    off = 2 + n;
  }
  return b.subarray(0, off + len);
}


