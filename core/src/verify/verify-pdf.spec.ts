import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { PDFDocument } from 'pdf-lib';
import { corpusDir } from '@signet/test-support';
import {
  createEmbeddedPki, generateKeyPair, issuePersonCertificate, NodeCryptoKeySigner, TimestampAuthority, EmbeddedTimestamper,
  type EmbeddedPki, type KeyKind, type RevokedEntry,
} from '../index.js';
import { sampleIdCardNumber } from '../identity/samples.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import { PdfDict, PdfName, PdfString, PdfRef } from '../pdf/objects.js';
import { TextAppearance } from '../pdf/appearance.js';
import { signPdf, addDocumentTimestamp, addValidationData } from '../pades/sign-pdf.js';
import { EmbeddedValidationData } from '../pades/embedded-validation-data.js';
import { isSignetError } from '../errors.js';
import { verifyPdf } from './verify-pdf.js';

const unsigned = readFileSync(join(corpusDir, 'unsigned.pdf'));

describe('verifyPdf()', function () {
  this.timeout(60_000);
  let pki: EmbeddedPki;
  let timestamper: EmbeddedTimestamper;
  const revoked: RevokedEntry[] = [];
  let validationData: EmbeddedValidationData;
  const signers = new Map<string, NodeCryptoKeySigner>();
  const signer = (name: string, kind: KeyKind = 'rsa-2048') => {
    const key = `${name}/${kind}`;
    if (!signers.has(key)) {
      const { privateKey, publicKey } = generateKeyPair(kind);
      const cert = issuePersonCertificate(pki.issuing, { name, idNumber: sampleIdCardNumber(signers.size + 11) }, { publicKey, baseUrl: 'http://127.0.0.1:1', ocsp: false });
      signers.set(key, new NodeCryptoKeySigner(privateKey, cert, [pki.issuing.certificate]));
    }
    return signers.get(key)!;
  };
  const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustAnchors: [pki.root.certificate] });

  before(() => {
    pki = createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' });
    timestamper = new EmbeddedTimestamper(new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey }));
    validationData = new EmbeddedValidationData(pki, { revoked: (ca) => (ca === 'issuing' ? revoked : []), get crlNumber() { return 1 + revoked.length; } });
  });

  /** Appends a revision that adds a text annotation (a comment) to page 1. */
  const addComment = (pdf: Uint8Array) => {
    const reader = PdfReader.load(pdf);
    const writer = new IncrementalWriter(reader);
    const page = reader.getPage(0);
    const annot = writer.allocate();
    writer.set(annot, new PdfDict({ Type: PdfName.of('Annot'), Subtype: PdfName.of('Text'), Rect: [10, 10, 30, 30], Contents: PdfString.fromText('看过了 / reviewed') }));
    const dict = page.dict.clone();
    const annots = reader.resolve(dict.get('Annots'));
    dict.set('Annots', [...(Array.isArray(annots) ? annots : []), annot]);
    writer.set(page.ref, dict);
    return writer.write().bytes;
  };

  for (const kind of ['rsa-2048', 'rsa-3072', 'ecdsa-p256'] as KeyKind[]) {
    it(`passes a B-B signature made with ${kind}, invisible, covering the whole document`, async () => {
      const pdf = await signPdf(unsigned, { signer: signer('甲', kind), level: 'B-B' });
      const r = verify(pdf);
      assert.equal(r.valid, true, JSON.stringify(r.signatures[0]?.problems));
      const s = r.signatures[0];
      assert.equal(s.padesLevel, 'B-B');
      assert.equal(s.visible, false);
      assert.equal(s.coversWholeDocument, true);
      assert.equal(s.indication, 'TOTAL_PASSED');
      assert.equal(s.timestamp, undefined);
      assert.equal(r.revisionCount, 2);
    });
  }

  it('reports a visible widget with an image at its page and position as fractions of the page', async () => {
    const png = new PNG({ width: 8, height: 8 });
    for (let i = 0; i < 64; i++) png.data.set([200, 0, 0, i % 2 ? 255 : 0], i * 4);
    const pdf = await signPdf(unsigned, {
      signer: signer('乙'), level: 'B-T', timestamper, page: 2, rect: { x: 100, y: 200, w: 150, h: 50 },
      appearance: new TextAppearance({ image: PNG.sync.write(png) }),
    });
    const s = verify(pdf).signatures[0];
    assert.equal(s.visible, true);
    assert.equal(s.page, 2);
    const box = PdfReader.load(pdf).getPage(1).mediaBox;
    assert.ok(Math.abs(s.position!.x - 100 / (box[2] - box[0])) < 1e-3);
    assert.ok(Math.abs(s.position!.y - 200 / (box[3] - box[1])) < 1e-3);
    assert.equal(s.padesLevel, 'B-T');
  });

  it('reaches B-LT with embedded validation data and B-LTA with a document time-stamp', async () => {
    const lt = await signPdf(unsigned, { signer: signer('丙'), level: 'B-LT', timestamper, validationData });
    const rLt = verify(lt);
    assert.equal(rLt.valid, true);
    assert.equal(rLt.signatures[0].padesLevel, 'B-LT');
    assert.equal(rLt.signatures[0].ltv, true);
    const lta = await addDocumentTimestamp(lt, { timestamper });
    const rLta = verify(lta);
    assert.equal(rLta.valid, true);
    assert.equal(rLta.signatures[0].padesLevel, 'B-LTA');
    assert.equal(rLta.signatures[1].type, 'doc-timestamp');
  });

  it('marks a signature untrusted (INDETERMINATE) when its root is not a trust anchor', async () => {
    const pdf = await signPdf(unsigned, { signer: signer('丁'), level: 'B-B' });
    const other = createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' });
    const r = verifyPdf(pdf, { trustAnchors: [other.root.certificate] });
    assert.equal(r.valid, false);
    assert.equal(r.signatures[0].indication, 'INDETERMINATE');
    assert.equal(r.signatures[0].subIndication, 'NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('fails a signature whose certificate was revoked before it was made (REVOKED)', async () => {
    const s = signer('戊');
    const { parseCertificate } = await import('../pki/index.js');
    revoked.push({ serialHex: parseCertificate(s.certificate).serialHex, revokedAt: new Date(Date.now() - 60_000), reason: 'keyCompromise' });
    try {
      const pdf = await signPdf(unsigned, { signer: s, level: 'B-LT', timestamper, validationData });
      const r = verify(pdf);
      assert.equal(r.valid, false);
      assert.equal(r.signatures[0].indication, 'TOTAL_FAILED');
      assert.equal(r.signatures[0].subIndication, 'REVOKED');
    } finally {
      revoked.length = 0;
    }
  });

  describe('changes after signing', () => {
    it('allows a comment after an ordinary signature', async () => {
      const pdf = addComment(await signPdf(unsigned, { signer: signer('甲'), level: 'B-B' }));
      const s = verify(pdf).signatures[0];
      assert.equal(s.modifications.allowed, true);
      assert.equal(s.modifications.level, 'annotations');
    });

    it('forbids a comment after certification with P=2, and allows it with P=3', async () => {
      const p2 = addComment(await signPdf(unsigned, { signer: signer('甲'), level: 'B-B', certify: 2 }));
      const r2 = verify(p2);
      assert.equal(r2.valid, false);
      assert.equal(r2.signatures[0].subIndication, 'MODIFIED_AFTER_SIGNING');
      const p3 = addComment(await signPdf(unsigned, { signer: signer('甲'), level: 'B-B', certify: 3 }));
      assert.equal(verify(p3).valid, true);
    });

    it('allows countersignatures after P=2 and refuses any signature after P=1, while DSS and time-stamps stay allowed', async () => {
      const p2 = await signPdf(unsigned, { signer: signer('甲'), level: 'B-B', certify: 2 });
      const both = await signPdf(p2, { signer: signer('乙', 'ecdsa-p256'), level: 'B-T', timestamper });
      const r = verify(both);
      assert.equal(r.valid, true);
      assert.equal(r.signatures[0].certification?.p, 2);
      assert.equal(r.signatures[0].modifications.level, 'form-filling');

      const p1 = await signPdf(unsigned, { signer: signer('甲'), level: 'B-T', timestamper, certify: 1 });
      await assert.rejects(signPdf(p1, { signer: signer('乙'), level: 'B-B' }), (e) => isSignetError(e, 'DOCMDP_LOCKED'));
      const ltv = await addDocumentTimestamp(await addValidationData(p1, { provider: validationData, now: new Date() }), { timestamper });
      const r1 = verify(ltv);
      assert.equal(r1.valid, true, JSON.stringify(r1.signatures.map((s) => s.problems)));
      assert.equal(r1.signatures[0].modifications.level, 'lta-updates');
    });

    it('refuses to certify a document that is already signed', async () => {
      const once = await signPdf(unsigned, { signer: signer('甲'), level: 'B-B' });
      await assert.rejects(signPdf(once, { signer: signer('乙'), level: 'B-B', certify: 2 }), (e) => isSignetError(e, 'CERTIFY_NOT_FIRST'));
    });

    it('allows filling a form field after a signature, and reports it as form filling', async () => {
      const doc = await PDFDocument.load(unsigned);
      doc.getForm().createTextField('partyName').addToPage(doc.getPage(0), { x: 50, y: 700, width: 200, height: 20 });
      const withField = await doc.save({ useObjectStreams: false });
      const signed = await signPdf(withField, { signer: signer('甲'), level: 'B-B' });
      const reader = PdfReader.load(signed);
      const acro = reader.resolve(reader.catalog.get('AcroForm')) as PdfDict;
      const fieldRef = (reader.resolve(acro.get('Fields')) as PdfRef[]).find((r) => {
        const d = reader.resolve(r) as PdfDict;
        return d.getName('FT') === 'Tx';
      })!;
      const writer = new IncrementalWriter(reader);
      const field = (reader.resolve(fieldRef) as PdfDict).clone();
      field.set('V', PdfString.fromText('张三'));
      writer.set(fieldRef, field);
      const filled = writer.write().bytes;
      const s = verify(filled).signatures[0];
      assert.equal(s.modifications.allowed, true, JSON.stringify(s.modifications.disallowed));
      assert.equal(s.modifications.level, 'form-filling');
    });
  });
});
