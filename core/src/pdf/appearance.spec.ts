import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  cjkFontBytes, makeNssDb, pdfsig, qpdfCheck, repoRoot, requireTool, run, tempDir,
} from '@signet/test-support';
import {
  createEmbeddedPki, derToPem, generateKeyPair, issuePersonCertificate, NodeCryptoKeySigner, TimestampAuthority, EmbeddedTimestamper,
  sampleIdCardNumber, type EmbeddedPki,
} from '../index.js';
import { signPdf } from '../pades/sign-pdf.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import { PdfReader } from './reader.js';
import { PdfDocumentBuilder } from './document-builder.js';
import { PdfDict, PdfName, PdfStream } from './objects.js';
import { SignatureAppearance, TextAppearance } from './appearance.js';
import { imageGraphic } from './image.js';
import { roundSeal } from '../seal/round-seal.js';
import { squareSeal } from '../seal/square-seal.js';
import { handwriting } from '../seal/handwriting.js';
import { drawingGraphic } from '../seal/drawing-to-pdf.js';
import { drawingToSvg } from '../seal/drawing-to-svg.js';
import { sealImage } from '../seal/seal-image.js';
import { mm } from '../seal/drawing.js';

const PAGE_W = 595, PAGE_H = 842;
const DPI = 144; // 2 px per point
const PX = DPI / 72;
const artifacts = join(repoRoot, 'test-artifacts', 'appearance');

/** A fresh unsigned document: `pages` A4 pages of black Helvetica text, no red anywhere. */
function contract(pages: number): Uint8Array {
  const b = new PdfDocumentBuilder();
  const font = b.allocate();
  b.set(font, new PdfDict({ Type: PdfName.of('Font'), Subtype: PdfName.of('Type1'), BaseFont: PdfName.of('Helvetica') }));
  for (let i = 0; i < pages; i++) {
    let content = 'BT /F1 11 Tf 0 g\n';
    for (let l = 0; l < 40; l++) content += `1 0 0 1 60 ${780 - l * 16} Tm (Page ${i + 1} line ${l + 1}: the parties agree to the terms below.) Tj\n`;
    b.addPage({ width: PAGE_W, height: PAGE_H, content: content + 'ET\n', resources: new PdfDict({ Font: new PdfDict({ F1: font }) }) });
  }
  return b.build();
}

/** Renders one page with pdftoppm at {@link DPI} and decodes it. */
function render(file: string, page: number): PNG {
  const out = file.replace(/\.pdf$/, `-p${page}`);
  const r = run('pdftoppm', ['-f', String(page), '-l', String(page), '-r', String(DPI), '-png', '-singlefile', file, out]);
  assert.equal(r.status, 0, r.stderr);
  return PNG.sync.read(readFileSync(`${out}.png`));
}

const isRed = (p: PNG, i: number) => p.data[i] > 170 && p.data[i + 1] < 110 && p.data[i + 2] < 110;
const isInk = (p: PNG, i: number) => p.data[i] < 90 && p.data[i + 1] < 90 && p.data[i + 2] < 90;

/** Bounding box (in points, y up) and count of the pixels that pass `test`. */
function extent(p: PNG, test: (p: PNG, i: number) => boolean): { count: number; x1: number; x2: number; y1: number; y2: number } {
  let count = 0, x1 = Infinity, x2 = -Infinity, y1 = Infinity, y2 = -Infinity;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      if (!test(p, (y * p.width + x) * 4)) continue;
      count++;
      x1 = Math.min(x1, x); x2 = Math.max(x2, x + 1);
      y1 = Math.min(y1, y); y2 = Math.max(y2, y + 1);
    }
  }
  // Pixel rows count from the top; PDF y from the bottom.
  return { count, x1: x1 / PX, x2: x2 / PX, y1: PAGE_H - y2 / PX, y2: PAGE_H - y1 / PX };
}

function saveArtifact(name: string, file: string, page: number): void {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, name), readFileSync(file.replace(/\.pdf$/, `-p${page}.png`)));
}

describe('pdf/appearance: seals, handwriting and images in signature appearances', function () {
  this.timeout(120_000);
  let pki: EmbeddedPki;
  let signer: NodeCryptoKeySigner;
  // poppler 22.12 reports "Unknown issue with Certificate" for a second signature by the same
  // certificate in one file (a stale NSS error code), so files with two signatures use two signers.
  let other: NodeCryptoKeySigner;
  let timestamper: EmbeddedTimestamper;
  const font = cjkFontBytes('bold');
  const text = cjkFontBytes('regular');
  const company = roundSeal({ font, name: '上海示例科技有限公司', sealType: '合同专用章', code: '3101150012345' });

  before(() => {
    pki = createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' });
    const { privateKey, publicKey } = generateKeyPair('ecdsa-p256');
    const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(5) }, { publicKey, baseUrl: 'http://127.0.0.1:1', ocsp: false });
    signer = new NodeCryptoKeySigner(privateKey, cert, [pki.issuing.certificate]);
    const k2 = generateKeyPair('rsa-2048');
    const cert2 = issuePersonCertificate(pki.issuing, { name: '李四', idNumber: sampleIdCardNumber(6) }, { publicKey: k2.publicKey, baseUrl: 'http://127.0.0.1:1', ocsp: false });
    other = new NodeCryptoKeySigner(k2.privateKey, cert2, [pki.issuing.certificate]);
    timestamper = new EmbeddedTimestamper(new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey }));
  });

  const verify = (pdf: Uint8Array) => verifyPdf(pdf, { trustAnchors: [pki.root.certificate] });

  describe('SignatureAppearance', () => {
    it('sets the name and time in one embedded subset font per revision, with a ToUnicode map', async () => {
      const pdf = await signPdf(contract(1), {
        signer, rect: { x: 300, y: 80, w: 260, h: 100 }, appearance: new SignatureAppearance({ graphic: drawingGraphic(company), font: text }),
      });
      const r = PdfReader.load(pdf);
      const fonts = [...r.lastRevision.entries.keys()].map((n) => r.getObject(n)).filter((o) => o instanceof PdfDict && o.getName('Type') === 'Font' && o.getName('Subtype') === 'Type0') as PdfDict[];
      assert.equal(fonts.length, 1, 'one Type0 font in the signature revision');
      assert.match(fonts[0].getName('BaseFont')!, /^[A-Z]{6}\+NotoSerifSC-Regular$/);
      assert.ok(fonts[0].get('ToUnicode'), 'the font has a ToUnicode map');
      const cid = r.resolve((fonts[0].getArray('DescendantFonts') ?? [])[0]) as PdfDict;
      const file = r.resolve((r.resolve(cid.get('FontDescriptor')) as PdfDict).get('FontFile2')) as PdfStream;
      assert.ok(file.decode().length < 30_000, `the subset is small (${file.decode().length} bytes)`);
      assert.ok(!new TextDecoder('latin1').decode(pdf.subarray(contract(1).length)).includes('STSong-Light'), 'no STSong-Light fallback when a font is given');
      assert.equal(verify(pdf).valid, true);
    });

    it('falls back to the non-embedded STSong-Light when no font is given', async () => {
      const pdf = await signPdf(contract(1), { signer, rect: { x: 300, y: 80, w: 200, h: 60 }, appearance: new TextAppearance() });
      assert.ok(new TextDecoder('latin1').decode(pdf).includes('/STSong-Light'));
      assert.equal(verify(pdf).valid, true);
    });

    it('keeps a graphic alone in a square widget and puts the text beside it in a wide one', async () => {
      const seal = drawingGraphic(company);
      const hasText: boolean[] = [];
      for (const rect of [{ x: 300, y: 80, w: 120, h: 120 }, { x: 250, y: 80, w: 300, h: 120 }]) {
        const pdf = await signPdf(contract(1), { signer, rect, appearance: new SignatureAppearance({ graphic: seal, font: text }) });
        const r = PdfReader.load(pdf);
        const hasFont = [...r.lastRevision.entries.keys()].some((n) => { const o = r.getObject(n); return o instanceof PdfDict && o.getName('Type') === 'Font'; });
        hasText.push(hasFont);
      }
      assert.deepEqual(hasText, [false, true]);
    });
  });

  describe('rendered by pdftoppm and checked by pdfsig and qpdf', () => {
    let dir: string;
    let cleanup: () => void;
    let nss: { nssDir: string; cleanup: () => void };
    before(function () {
      requireTool(this, 'pdftoppm', 'poppler-utils');
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      requireTool(this, 'qpdf', 'qpdf');
      ({ dir, cleanup } = tempDir('signet-appearance-'));
      nss = makeNssDb([derToPem(pki.root.certificate)]);
    });
    after(() => {
      nss?.cleanup();
      cleanup?.();
    });

    const checkedByTools = (file: string, signatures = 1) => {
      const out = pdfsig(file, nss.nssDir);
      assert.equal(out.signatures.length, signatures, out.stdout);
      for (const s of out.signatures) {
        assert.equal(s.validation, 'Signature is Valid.', s.raw);
        assert.equal(s.certificate, 'Certificate is Trusted.', s.raw);
      }
      const q = qpdfCheck(file);
      assert.ok(q.clean, q.output);
    };

    it('draws a round seal in red inside the field, and nothing red outside it', async () => {
      const rect = { x: 380, y: 90, w: mm(42), h: mm(42) };
      const pdf = await signPdf(contract(1), { signer, level: 'B-T', timestamper, rect, appearance: new SignatureAppearance({ graphic: drawingGraphic(company) }) });
      const file = join(dir, 'round.pdf');
      writeFileSync(file, pdf);
      const red = extent(render(file, 1), isRed);
      saveArtifact('round-seal-signature.png', file, 1);
      assert.ok(red.count > 4000, `red pixels: ${red.count}`);
      assert.ok(red.x1 >= rect.x - 0.5 && red.x2 <= rect.x + rect.w + 0.5, `red x ${red.x1}..${red.x2}`);
      assert.ok(red.y1 >= rect.y - 0.5 && red.y2 <= rect.y + rect.h + 0.5, `red y ${red.y1}..${red.y2}`);
      // The border ring touches the field on all four sides.
      assert.ok(red.x1 - rect.x < 1.5 && rect.x + rect.w - red.x2 < 1.5 && red.y1 - rect.y < 1.5 && rect.y + rect.h - red.y2 < 1.5);
      checkedByTools(file);
    });

    it('draws a handwritten signature as dark ink inside the field', async () => {
      const strokes = [Array.from({ length: 120 }, (_, i) => {
        const t = (i / 119) * Math.PI * 6;
        return { x: 20 + 12 * t - 20 * Math.sin(t), y: 100 - 30 * Math.cos(t), time: i * 16, pressure: 0.3 + 0.6 * Math.abs(Math.sin(t / 2)) };
      })];
      const rect = { x: 60, y: 100, w: 200, h: 70 };
      const pdf = await signPdf(contract(1), { signer, rect, appearance: new SignatureAppearance({ graphic: drawingGraphic(handwriting(strokes)), text: false }) });
      const file = join(dir, 'handwriting.pdf');
      writeFileSync(file, pdf);
      // Only ink inside the field counts: the page's own text is black too.
      const page = render(file, 1);
      const inField = (p: PNG, i: number) => {
        const x = (i / 4) % p.width, y = Math.floor(i / 4 / p.width);
        return isInk(p, i) && x / PX >= rect.x - 20 && x / PX <= rect.x + rect.w + 20 && PAGE_H - y / PX >= rect.y - 20 && PAGE_H - y / PX <= rect.y + rect.h + 20 && PAGE_H - y / PX < 140;
      };
      const ink = extent(page, inField);
      saveArtifact('handwriting-signature.png', file, 1);
      assert.ok(ink.count > 800, `ink pixels: ${ink.count}`);
      assert.ok(ink.x1 >= rect.x - 0.5 && ink.x2 <= rect.x + rect.w + 0.5 && ink.y1 >= rect.y - 0.5, JSON.stringify(ink));
      checkedByTools(file);
    });

    it('draws an uploaded SVG seal (our own export, imported back) and a PNG with alpha', async () => {
      const personal = squareSeal({ font, text: '张三之印' });
      const svg = sealImage(Buffer.from(drawingToSvg(personal)));
      const png = new PNG({ width: 64, height: 64 });
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) {
        const i = (y * 64 + x) * 4;
        const inside = Math.hypot(x - 31.5, y - 31.5) < 30;
        png.data.set(inside ? [230, 0, 18, 255] : [255, 255, 255, 0], i);
      }
      const first = await signPdf(contract(1), { signer, rect: { x: 60, y: 300, w: 80, h: 80 }, appearance: new SignatureAppearance({ graphic: svg }) });
      const second = await signPdf(first, { signer: other, rect: { x: 200, y: 300, w: 80, h: 80 }, appearance: new SignatureAppearance({ graphic: imageGraphic(PNG.sync.write(png)) }) });
      const file = join(dir, 'uploads.pdf');
      writeFileSync(file, second);
      const page = render(file, 1);
      writeFileSync(join(dir, 'plain.pdf'), contract(1));
      const plain = render(join(dir, 'plain.pdf'), 1);
      saveArtifact('uploaded-seals.png', file, 1);
      const red = extent(page, isRed);
      assert.ok(red.x1 >= 59.5 && red.x2 <= 280.5 && red.y1 >= 299.5 && red.y2 <= 380.5, JSON.stringify(red));
      // Transparency survives: the PNG's transparent corners show the page unchanged, its disc is red.
      const at = (x: number, y: number) => (Math.round((PAGE_H - y) * PX) * page.width + Math.round(x * PX)) * 4;
      assert.ok(isRed(page, at(240, 340)));
      for (const [x, y] of [[201, 379], [203, 377], [279, 301], [278, 378]]) {
        assert.deepEqual([...page.data.subarray(at(x, y), at(x, y) + 3)], [...plain.data.subarray(at(x, y), at(x, y) + 3)], `pixel at ${x},${y}`);
      }
      checkedByTools(file, 2);
      assert.equal(verify(second).valid, true);
    });

    describe('a cross-page seal (骑缝章)', () => {
      // 120 pt: slices of 40 pt, whole pixels at 144 dpi, so slices and the whole seal line up exactly.
      const width = 120;
      let file: string;
      let pdf: Uint8Array;
      before(async () => {
        pdf = await signPdf(contract(3), { signer, level: 'B-T', timestamper, crossPage: { graphic: drawingGraphic(company), width, y: 400 } });
        file = join(dir, 'cross-page.pdf');
        writeFileSync(file, pdf);
      });

      it('is one signature with one widget per page, valid, with nothing illegal after it', () => {
        const r = verify(pdf);
        assert.equal(r.signatureCount, 1);
        assert.equal(r.valid, true, JSON.stringify(r.signatures[0].problems));
        const s = r.signatures[0];
        assert.equal(s.modifications.allowed, true);
        assert.deepEqual(s.widgets?.map((w) => w.page), [1, 2, 3]);
        for (const w of s.widgets!) assert.ok(Math.abs(w.position!.x + w.position!.w - 1) < 1e-3, 'each slice ends at the right edge');
        checkedByTools(file);
      });

      it('shows slices at the right edge at the same height that add up to the whole seal', async () => {
        const slices = [1, 2, 3].map((p) => extent(render(file, p), isRed));
        saveArtifact('cross-page-p1.png', file, 1);
        saveArtifact('cross-page-p2.png', file, 2);
        saveArtifact('cross-page-p3.png', file, 3);
        const slice = width / 3;
        for (const s of slices) {
          assert.ok(s.count > 500, `red pixels ${s.count}`);
          assert.ok(s.x1 >= PAGE_W - slice - 0.5 && s.x2 >= PAGE_W - 1, `slice x ${s.x1}..${s.x2}`);
          assert.ok(s.y1 >= 399.5 && s.y2 <= 400 + width + 0.5, `slice y ${s.y1}..${s.y2}`);
          // Symmetric about the seal's centre line: every slice is centred on the same height.
          assert.ok(Math.abs((s.y1 + s.y2) / 2 - (400 + width / 2)) < 1.5, `slice centre ${(s.y1 + s.y2) / 2}`);
        }
        assert.ok(Math.abs(slices[1].y2 - slices[1].y1 - width) < 1.5, 'the middle slice spans the full diameter');
        const sum = slices.reduce((s, e) => s + (e.x2 - e.x1), 0);
        assert.ok(Math.abs(sum - width) < 2, `slice widths add up to ${sum}, the seal is ${width}`);

        // Side by side, the slices make the same picture as the seal drawn whole.
        const whole = await signPdf(contract(1), { signer, rect: { x: PAGE_W - width, y: 400, w: width, h: width }, appearance: new SignatureAppearance({ graphic: drawingGraphic(company) }) });
        const wholeFile = join(dir, 'whole.pdf');
        writeFileSync(wholeFile, whole);
        const w = render(wholeFile, 1);
        const pages = [1, 2, 3].map((p) => render(file, p));
        let diff = 0, total = 0;
        const sw = Math.round(slice * PX);
        const x0 = w.width - Math.round(width * PX);
        for (let y = 0; y < w.height; y++) {
          for (let x = x0; x < w.width; x++) {
            const k = Math.min(2, Math.floor((x - x0) / sw));
            const px = w.width - sw + (x - x0 - k * sw);
            if (px >= w.width) continue;
            const a = isRed(w, (y * w.width + x) * 4), b = isRed(pages[k], (y * w.width + px) * 4);
            if (a) total++;
            if (a !== b) diff++;
          }
        }
        assert.ok(total > 4000);
        assert.ok(diff / total < 0.03, `${diff} of ${total} red pixels differ`);
      });

      it('can be an organization\'s only signature, or come with a normal seal in the same field', async () => {
        const both = await signPdf(contract(3), {
          signer, page: 3, rect: { x: 300, y: 100, w: width, h: width },
          appearance: new SignatureAppearance({ graphic: drawingGraphic(company) }),
          crossPage: { graphic: drawingGraphic(company), width, pages: { first: 1, last: 3 } },
        });
        const r = verify(both);
        assert.equal(r.signatureCount, 1);
        assert.equal(r.valid, true);
        assert.deepEqual(r.signatures[0].widgets?.map((w) => w.page), [3, 1, 2, 3]);
        const f = join(dir, 'both.pdf');
        writeFileSync(f, both);
        checkedByTools(f);
        // The seal XObject is written once and shared by the four widgets.
        const reader = PdfReader.load(both);
        const forms = [...reader.lastRevision.entries.keys()].map((n) => reader.getObject(n)).filter((o) => o instanceof PdfStream && o.dict.getName('Subtype') === 'Form' && (o.decode().length > 5000));
        assert.equal(forms.length, 1);
      });

      it('comes after a normal signature without breaking it, and both stay valid', async () => {
        const first = await signPdf(contract(3), { signer, certify: 2, page: 3, rect: { x: 60, y: 100, w: 100, h: 100 }, appearance: new SignatureAppearance({ graphic: drawingGraphic(company) }) });
        const second = await signPdf(first, { signer: other, crossPage: { graphic: drawingGraphic(company), width, pages: { first: 2, last: 3 } } });
        const r = verify(second);
        assert.equal(r.signatureCount, 2);
        assert.equal(r.valid, true, JSON.stringify(r.signatures.map((s) => [s.problems, s.modifications.disallowed])));
        assert.equal(r.signatures[0].modifications.level, 'form-filling');
        // The slices added to the pages' /Annots are counted as parts of the new signature, not as form filling.
        const kinds = new Set(r.signatures[0].modifications.revisions.flatMap((rv) => rv.changes.map((c) => c.kind)));
        assert.ok(kinds.has('signature') && !kinds.has('form-fill') && !kinds.has('other'), [...kinds].join());
        const f = join(dir, 'after.pdf');
        writeFileSync(f, second);
        checkedByTools(f, 2);
      });
    });
  });

  it('refuses a cross-page seal over one page and a range outside the document', async () => {
    const g = drawingGraphic(company);
    await assert.rejects(signPdf(contract(1), { signer, crossPage: { graphic: g } }), /at least two pages/);
    await assert.rejects(signPdf(contract(2), { signer, crossPage: { graphic: g, pages: { first: 1, last: 5 } } }), (e: Error & { code?: string }) => e.code === 'PDF_PAGE_OUT_OF_RANGE');
  });

  it('slices the seal against the displayed right edge of a rotated page', async () => {
    const b = new PdfDocumentBuilder();
    for (let i = 0; i < 2; i++) b.addPage({ width: PAGE_W, height: PAGE_H, content: '', extra: { Rotate: 90 } });
    const pdf = await signPdf(b.build(), { signer, crossPage: { graphic: drawingGraphic(company), width: 120 } });
    const r = verify(pdf);
    assert.equal(r.valid, true);
    // Rotated 90° clockwise, the top of the page in user space is the right edge on screen.
    for (const w of r.signatures[0].widgets!) assert.ok(Math.abs(w.position!.y + w.position!.h - 1) < 1e-3, JSON.stringify(w));
    const widget = PdfReader.load(pdf).lastRevision;
    const matrices = [...widget.entries.keys()].map((n) => PdfReader.load(pdf).getObject(n)).filter((o) => o instanceof PdfStream && o.dict.has('Matrix')) as PdfStream[];
    assert.equal(matrices.length, 2);
    assert.deepEqual(matrices[0].dict.getArray('Matrix'), [0, 1, -1, 0, 0, 0]);
  });
});

