import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import { cjkFontBytes, makeNssDb, pdfsig, qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { FontProgram } from '../font/font-program.js';
import { PdfDict, PdfName } from '../pdf/objects.js';
import { PdfReader } from '../pdf/reader.js';
import { IncrementalWriter } from '../pdf/writer.js';
import { TextAppearance } from '../pdf/appearance.js';
import { pageFrame, userRectToDisplay } from '../pdf/page-content.js';
import { createEmbeddedPki, derToPem, generateKeyPair, issuePersonCertificate, NodeCryptoKeySigner } from '../pki/index.js';
import { sampleIdCardNumber } from '../identity/samples.js';
import { signPdf } from '../pades/sign-pdf.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import { sampleLaborContract } from './sample-template.js';
import { fillTemplate, type FillResult } from './fill-template.js';
import type { TemplateDefinition, TemplateField } from './template-definition.js';

const font = cjkFontBytes();

describe('template/fillTemplate()', function () {
  this.timeout(120_000);
  const sample = sampleLaborContract(font);
  let filled: FillResult;
  let dir: string;
  let cleanup: () => void;
  before(async () => {
    ({ dir, cleanup } = tempDir('fill-template-'));
    filled = await fillTemplate(sample.template, sample.basePdf, sample.vars, { font });
    writeFileSync(join(dir, 'base.pdf'), sample.basePdf);
    writeFileSync(join(dir, 'filled.pdf'), filled.pdf);
  });
  after(() => cleanup?.());

  it('returns an unsigned PDF that appends one revision to the base, with every value drawn', () => {
    assert.ok(Buffer.from(filled.pdf.subarray(0, sample.basePdf.length)).equals(Buffer.from(sample.basePdf)));
    const r = PdfReader.load(filled.pdf);
    assert.equal(r.revisions.length, 2);
    assert.equal(r.pageCount(), 3);
    // 13 values on page 1, two ticked boxes and the other terms on page 2, the date on page 3.
    assert.equal(filled.fields.length, 17);
    assert.ok(!filled.fields.some((f) => f.field === 'flexibleHours'), 'an unticked box draws nothing');
    assert.ok(filled.pdf.length - sample.basePdf.length < 80_000, `the update is ${filled.pdf.length - sample.basePdf.length} bytes`);
  });

  it('resolves the seal and the signature positions from their anchors, with page fractions', () => {
    assert.deepEqual(filled.positions.map((p) => [p.field, p.role, p.kind, p.page, p.anchored]), [
      ['companySeal', 'company', 'seal', 3, true],
      ['employeeSignature', 'employee', 'signature', 3, true],
    ]);
    const [seal, sig] = filled.positions;
    // Right of `甲方（盖章）：` (7 em at 12 pt from x = 72), 30 pt lower, 113 pt square.
    assert.ok(Math.abs(seal.rect.x - 156) < 1 && seal.rect.w === 113 && seal.rect.h === 113, JSON.stringify(seal.rect));
    // Centred on the 1 pt white tag at (410, 560).
    assert.ok(Math.abs(sig.rect.x + sig.rect.w / 2 - 415) < 6 && Math.abs(sig.rect.y + sig.rect.h / 2 - 560.4) < 1, JSON.stringify(sig.rect));
    assert.ok(Math.abs(sig.fractions.x - sig.rect.x / 595) < 1e-3);
    assert.ok(Math.abs(sig.fractions.y - (842 - sig.rect.y - sig.rect.h) / 842) < 1e-3);
  });

  it('reports the font size each value was set at, shrinking only what does not fit', () => {
    const size = (name: string) => filled.fields.find((f) => f.field === name)!.fontSize!;
    assert.equal(size('employee'), 12);
    assert.equal(size('salaryUpper'), 12);
    assert.ok(filled.fields.find((f) => f.field === 'otherTerms')!.lines! >= 2);
  });

  describe('checked by poppler and qpdf', () => {
    before(function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      requireTool(this, 'pdftoppm', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
    });
    it('pdftotext recovers the Chinese values through the subset font', () => {
      const r = run('pdftotext', ['-layout', join(dir, 'filled.pdf'), '-']);
      assert.equal(r.status, 0, r.stderr);
      for (const s of ['张三', '上海示例科技有限公司', '壹万贰仟伍佰元整', '¥12,500.00', '2026年01月05日', '2029-01-04', '高级软件工程师 Senior engineer', '乙方应遵守甲方依法制定的规章制度']) {
        assert.ok(r.stdout.includes(s), `${s} in:\n${r.stdout}`);
      }
    });

    it('qpdf --check is clean', () => {
      const q = qpdfCheck(join(dir, 'filled.pdf'));
      assert.ok(q.clean, q.output);
    });

    it('pdftoppm shows each value inside its field: dark pixels inside, nothing changed outside', () => {
      for (const page of [1, 2, 3]) {
        const before = renderPage(dir, 'base.pdf', page);
        const after = renderPage(dir, 'filled.pdf', page);
        const rects = filled.fields.filter((f) => f.page === page).map((f) => f.rect);
        assert.ok(rects.length > 0);
        let changedOutside = 0;
        const inside = new Map(rects.map((r) => [r, 0]));
        for (let y = 0; y < after.height; y++) {
          for (let x = 0; x < after.width; x++) {
            if (Math.abs(after.gray(x, y) - before.gray(x, y)) < 40) continue;
            // pixel centre in user space (72 dpi, unrotated pages)
            const ux = x + 0.5, uy = after.height - y - 0.5;
            const hit = rects.find((r) => ux >= r.x - 1 && ux <= r.x + r.w + 1 && uy >= r.y - 1 && uy <= r.y + r.h + 1);
            if (hit) { if (after.gray(x, y) < 128) inside.set(hit, inside.get(hit)! + 1); } else changedOutside++;
          }
        }
        assert.equal(changedOutside, 0, `page ${page}: pixels changed outside the fields`);
        for (const [r, n] of inside) assert.ok(n > 5, `page ${page}: the field at ${JSON.stringify(r)} has ${n} dark pixels`);
      }
    });

    it('draws upright, inside the field, on a page with /Rotate 90 and a non-zero MediaBox origin', async () => {
      const doc = await PDFDocument.create();
      const helv = await doc.embedFont(StandardFonts.Helvetica);
      const page = doc.addPage([595, 842]);
      page.setMediaBox(50, 100, 595, 842);
      page.setRotation(degrees(90));
      page.drawText('Name:', { x: 300, y: 300, size: 12, font: helv, rotate: degrees(90) });
      const base = await doc.save();
      const frame = pageFrame(PdfReader.load(base).getPage(0));
      const template: TemplateDefinition = {
        id: 'rotated', name: 'rotated', basePdf: 'rotated.pdf',
        fields: [
          { name: 'name', type: 'text', anchor: { text: 'Name:', width: 200, height: 24 } },
          { name: 'ok', type: 'checkbox', page: 1, rect: { x: 100, y: 200, w: 20, h: 20 } },
        ],
      };
      const out = await fillTemplate(template, base, { name: '李四 Li Si', ok: true }, { font });
      writeFileSync(join(dir, 'rotated-base.pdf'), base);
      writeFileSync(join(dir, 'rotated.pdf'), out.pdf);
      const text = run('pdftotext', [join(dir, 'rotated.pdf'), '-']).stdout;
      assert.match(text, /李四 Li Si/);
      const before = renderPage(dir, 'rotated-base.pdf', 1);
      const after = renderPage(dir, 'rotated.pdf', 1);
      assert.deepEqual([after.width, after.height], [842, 595], 'rendered turned');
      for (const f of out.fields) {
        // The field in display coordinates (y up) → pixel rows from the top.
        const d = userRectToDisplay(frame, f.rect);
        let dark = 0, outside = 0;
        for (let y = 0; y < after.height; y++) {
          for (let x = 0; x < after.width; x++) {
            if (Math.abs(after.gray(x, y) - before.gray(x, y)) < 40) continue;
            const dx = x + 0.5, dy = after.height - y - 0.5;
            const inField = dx >= d.x - 1 && dx <= d.x + d.w + 1 && dy >= d.y - 1 && dy <= d.y + d.h + 1;
            if (inField) dark++;
            else if (!out.fields.some((g) => { const e = userRectToDisplay(frame, g.rect); return dx >= e.x - 1 && dx <= e.x + e.w + 1 && dy >= e.y - 1 && dy <= e.y + e.h + 1; })) outside++;
          }
        }
        assert.ok(dark > 10, `${f.field}: ${dark} changed pixels inside`);
        assert.equal(outside, 0, `${f.field}: pixels changed outside every field`);
      }
      // The text is upright: a line of text is wider than tall on screen.
      const name = out.fields.find((f) => f.field === 'name')!;
      const d = userRectToDisplay(frame, name.rect);
      assert.ok(d.w > d.h);
    });
  });

  describe('signed at the resolved position', () => {
    let signed: Uint8Array;
    let rootPem: string;
    before(async () => {
      const pki = createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' });
      const { privateKey, publicKey } = generateKeyPair('rsa-2048');
      const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(7) }, { publicKey, baseUrl: 'http://127.0.0.1:1', ocsp: false });
      const signer = new NodeCryptoKeySigner(privateKey, cert, [pki.issuing.certificate]);
      const pos = filled.positions.find((p) => p.role === 'employee')!;
      signed = await signPdf(filled.pdf, { signer, level: 'B-B', page: pos.page, rect: pos.rect, appearance: new TextAppearance() });
      rootPem = derToPem(pki.root.certificate);
      writeFileSync(join(dir, 'signed.pdf'), signed);
      const report = verifyPdf(signed, { trustAnchors: [pki.root.certificate] });
      assert.equal(report.valid, true, JSON.stringify(report.signatures[0]?.problems));
      assert.equal(report.signatures[0].page, pos.page);
    });

    it('verifies with verifyPdf at the template position (checked in the hook) and passes pdfsig', function () {
      requireTool(this, 'pdfsig', 'poppler-utils');
      requireTool(this, 'certutil', 'libnss3-tools');
      const nss = makeNssDb([rootPem]);
      try {
        const out = pdfsig(join(dir, 'signed.pdf'), nss.nssDir);
        assert.equal(out.signatures.length, 1, out.stdout);
        assert.equal(out.signatures[0].validation, 'Signature is Valid.', out.stdout);
        assert.equal(out.signatures[0].certificate, 'Certificate is Trusted.', out.stdout);
      } finally {
        nss.cleanup();
      }
    });
  });

  describe('refusals, before anything is drawn', () => {
    it('lists every problem of the variables in one TEMPLATE_INVALID', async () => {
      const vars = { ...sample.vars, employee: undefined, startDate: '2026-02-30', salary: 'lots', standardHours: 'yes', nickname: 'x' };
      await assert.rejects(fillTemplate(sample.template, sample.basePdf, vars, { font }), (e: unknown) => {
        assert.ok(isSignetError(e, 'TEMPLATE_INVALID'));
        const problems = e.details!.problems as { variable: string; code: string; template: string }[];
        assert.deepEqual(problems.map((p) => [p.variable, p.code]).sort(), [
          ['employee', 'missing-variable'], ['nickname', 'unknown-variable'], ['salary', 'invalid-number'], ['standardHours', 'wrong-type'], ['startDate', 'invalid-date'],
        ]);
        assert.ok(problems.every((p) => p.template === 'labor-contract'));
        assert.match(e.message, /^The variables do not fit the template \(5 problems\)/);
        return true;
      });
    });

    it('reports fields the base PDF cannot hold: a missing page, a rect off the page, an anchor not found', async () => {
      const fields: TemplateField[] = [
        { name: 'p9', type: 'text', page: 9, rect: { x: 10, y: 10, w: 100, h: 20 } },
        { name: 'off', type: 'text', page: 1, rect: { x: 500, y: 10, w: 200, h: 20 } },
        { name: 'lost', type: 'signature', role: 'x', anchor: { text: '丙方（签字）' } },
      ];
      const t: TemplateDefinition = { ...sample.template, fields };
      await assert.rejects(fillTemplate(t, sample.basePdf, { p9: 'a', off: 'b' }, { font }), (e: unknown) => {
        assert.ok(isSignetError(e, 'TEMPLATE_INVALID'));
        const problems = e.details!.problems as { field: string; code: string }[];
        assert.deepEqual(problems.map((p) => [p.field, p.code]), [['p9', 'page-out-of-range'], ['off', 'rect-off-page'], ['lost', 'anchor-not-found']]);
        return true;
      });
    });

    it('names the field whose value does not fit even at the minimum size (TEMPLATE_TEXT_OVERFLOW)', async () => {
      const vars = { ...sample.vars, workplace: '上海市浦东新区张江高科技园区'.repeat(6), employee: '张三'.repeat(40) };
      await assert.rejects(fillTemplate(sample.template, sample.basePdf, vars, { font }), (e: unknown) => {
        assert.ok(isSignetError(e, 'TEMPLATE_TEXT_OVERFLOW'));
        assert.deepEqual((e.details!.fields as { field: string }[]).map((f) => f.field), ['employee', 'workplace']);
        assert.match(e.message, /labor-contract › employee \(page 1\)/);
        return true;
      });
    });

    it('refuses characters the font cannot draw', async () => {
      await assert.rejects(fillTemplate(sample.template, sample.basePdf, { ...sample.vars, employee: '张三 \u{1F600}' }, { font }), (e: unknown) =>
        isSignetError(e, 'TEMPLATE_INVALID') && (e.details!.problems as { code: string }[])[0].code === 'unsupported-character');
    });

    it('refuses a base PDF that is already signed (TEMPLATE_BASE_SIGNED) or encrypted (PDF_ENCRYPTED)', async () => {
      const pki = createEmbeddedPki({ baseUrl: 'http://127.0.0.1:1' });
      const { privateKey, publicKey } = generateKeyPair('ecdsa-p256');
      const cert = issuePersonCertificate(pki.issuing, { name: '王五', idNumber: sampleIdCardNumber(8) }, { publicKey, baseUrl: 'http://127.0.0.1:1', ocsp: false });
      const signedBase = await signPdf(sample.basePdf, { signer: new NodeCryptoKeySigner(privateKey, cert, [pki.issuing.certificate]), level: 'B-B' });
      await assert.rejects(fillTemplate(sample.template, signedBase, sample.vars, { font }), (e: unknown) => isSignetError(e, 'TEMPLATE_BASE_SIGNED') && /unsigned original/.test((e as Error).message));
      const r = PdfReader.load(sample.basePdf);
      const w = new IncrementalWriter(r);
      w.setTrailerEntry('Encrypt', new PdfDict({ Filter: PdfName.of('Standard'), V: 2, R: 3 }));
      await assert.rejects(fillTemplate(sample.template, w.write().bytes, sample.vars, { font }), (e: unknown) => isSignetError(e, 'PDF_ENCRYPTED'));
    });

    it('refuses an invalid definition with its field-level problems, and a missing font', async () => {
      const bad = { ...sample.template, fields: [{ name: 'x', type: 'text' }] } as unknown as TemplateDefinition;
      await assert.rejects(fillTemplate(bad, sample.basePdf, {}, { font }), (e: unknown) => isSignetError(e, 'TEMPLATE_INVALID') && /^The template definition is invalid/.test((e as Error).message));
      await assert.rejects(fillTemplate(sample.template, sample.basePdf, sample.vars, {} as never), (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT'));
    });
  });

  it('accepts a loaded FontProgram as well as font bytes', async () => {
    const r = await fillTemplate(sample.template, sample.basePdf, sample.vars, { font: FontProgram.load(font) });
    assert.equal(r.fields.length, filled.fields.length);
  });
});

/** Renders one page at 72 dpi (1 px = 1 pt) and gives gray levels by pixel (0 = black). */
function renderPage(dir: string, file: string, page: number): { width: number; height: number; gray(x: number, y: number): number } {
  const base = join(dir, `${file}-p${page}`);
  const r = run('pdftoppm', ['-r', '72', '-f', String(page), '-l', String(page), '-png', '-singlefile', join(dir, file), base]);
  assert.equal(r.status, 0, r.stderr);
  const png = PNG.sync.read(readFileSync(`${base}.png`));
  return {
    width: png.width,
    height: png.height,
    gray: (x, y) => {
      const i = (y * png.width + x) * 4;
      return (png.data[i] + png.data[i + 1] + png.data[i + 2]) / 3;
    },
  };
}
