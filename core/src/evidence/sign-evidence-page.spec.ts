import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cjkFontBytes, corpusFile, makeNssDb, pdfsig, qpdfCheck, requireTool, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { FontProgram } from '../font/font-program.js';
import { derToPem } from '../pki/index.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import { PdfDict, PdfName, PdfRef } from '../pdf/objects.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import { buildEvidencePage } from './evidence-page.js';
import { signEvidencePage } from './sign-evidence-page.js';
import { auditChainFor, evidenceInputFor, makeEvidenceWorld, signContract, type EvidenceWorld, type SignedContract } from './test-fixtures.js';

describe('evidence/signEvidencePage()', function () {
  this.timeout(120_000);
  const font = FontProgram.load(cjkFontBytes());
  let world: EvidenceWorld;
  let contract: SignedContract;
  let page: Uint8Array;
  let bt: Uint8Array;
  let blt: Uint8Array;

  before(async () => {
    world = makeEvidenceWorld();
    contract = await signContract(world, corpusFile('unsigned.pdf'));
    page = buildEvidencePage(evidenceInputFor(contract, auditChainFor('ct_1')), { font });
    bt = await signEvidencePage(page, { signer: world.platform, timestamper: world.timestamper });
    blt = await signEvidencePage(page, { signer: world.platform, timestamper: world.timestamper, validationData: world.validationData });
  });

  it('signs the page as the platform at B-T, certified with no changes allowed, in one new revision', () => {
    assert.ok(Buffer.from(bt.subarray(0, page.length)).equals(Buffer.from(page)), 'the page bytes are kept as they are');
    const r = verifyPdf(bt, { trustAnchors: world.trustAnchors });
    assert.equal(r.valid, true, JSON.stringify(r.signatures.map((s) => s.problems)));
    assert.equal(r.signatureCount, 1);
    const s = r.signatures[0];
    assert.equal(s.signer?.commonName, 'Signet 签约平台');
    assert.equal(s.padesLevel, 'B-T');
    assert.equal(s.timestamp?.valid, true);
    assert.equal(s.certification?.p, 1);
    assert.equal(s.coversWholeDocument, true);
  });

  it('signs at B-LT, with revocation data embedded, when validation data is given', () => {
    const r = verifyPdf(blt, { trustAnchors: world.trustAnchors });
    assert.equal(r.valid, true);
    assert.equal(r.signatures[0].padesLevel, 'B-LT');
    assert.equal(r.signatures[0].ltv, true);
  });

  it('refuses a PDF that is not an evidence page, such as the contract itself', async () => {
    await assert.rejects(signEvidencePage(contract.signed, { signer: world.platform, timestamper: world.timestamper }),
      (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT') && /not an evidence page/.test(e.message));
  });

  it('refuses to sign an evidence page twice', async () => {
    await assert.rejects(signEvidencePage(bt, { signer: world.platform, timestamper: world.timestamper }),
      (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT') && /already signed/.test(e.message));
  });

  it('keeps the page apart from the contract: a page appended to a signed contract is an illegal modification', () => {
    const reader = PdfReader.load(contract.signed);
    const writer = new IncrementalWriter(reader);
    const pagesRef = reader.catalog.get('Pages') as PdfRef;
    const pages = (reader.resolve(pagesRef) as PdfDict).clone();
    const extra = writer.allocate();
    writer.set(extra, new PdfDict({ Type: PdfName.of('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842], Resources: new PdfDict() }));
    pages.set('Kids', [...(pages.getArray('Kids') ?? []), extra]);
    pages.set('Count', (pages.getNumber('Count') ?? 0) + 1);
    writer.set(pagesRef, pages);
    const r = verifyPdf(writer.write().bytes, { trustAnchors: world.trustAnchors });
    assert.equal(r.valid, false);
    assert.ok(r.signatures.every((s) => !s.modifications.allowed));
  });

  describe('checked by independent tools', () => {
    let dir: string;
    let cleanup: () => void;
    let nss: { nssDir: string; cleanup: () => void } | undefined;
    before(function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      requireTool(this, 'qpdf', 'qpdf');
      ({ dir, cleanup } = tempDir('evidence-sign-'));
      writeFileSync(join(dir, 'bt.pdf'), bt);
      writeFileSync(join(dir, 'blt.pdf'), blt);
      nss = makeNssDb([derToPem(world.pki.root.certificate)]);
    });
    after(() => {
      nss?.cleanup();
      cleanup?.();
    });

    it('pdfsig reports the platform signature valid and its certificate trusted', () => {
      for (const f of ['bt.pdf', 'blt.pdf']) {
        const out = pdfsig(join(dir, f), nss!.nssDir);
        assert.equal(out.signatures.length, 1, out.stdout);
        const s = out.signatures[0];
        assert.equal(s.validation, 'Signature is Valid.', s.raw);
        assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
        assert.equal(s.signerName, 'Signet 签约平台');
        if (f === 'bt.pdf') assert.match(s.raw, /- Total document signed/); // B-LT appends a DSS revision after it
      }
    });

    it('qpdf --check is clean', () => {
      for (const f of ['bt.pdf', 'blt.pdf']) {
        const q = qpdfCheck(join(dir, f));
        assert.ok(q.clean, `${f}: ${q.output}`);
      }
    });
  });
});
