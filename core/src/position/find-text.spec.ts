import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import { cjkFontBytes, corpusFile } from '@signet/test-support';
import { FontProgram } from '../font/font-program.js';
import { FontSubset } from '../font/font-subset.js';
import { PdfDict } from '../pdf/objects.js';
import { PdfDocumentBuilder } from '../pdf/document-builder.js';
import { isSignetError } from '../errors.js';
import { extractTextLayer } from './text-layer.js';
import { findAnchor, findText, searchTextLayer } from './find-text.js';

/** Page 1: `signet:sign:partyA` in three fonts, end to end; page 2: rotated; page 3: offset MediaBox; page 4: a keyword thrice. */
async function latinDocument(): Promise<{ pdf: Uint8Array; anchorEnd: number }> {
  const doc = await PDFDocument.create();
  const fonts = [await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.Courier), await doc.embedFont(StandardFonts.TimesRoman)];
  const p1 = doc.addPage([595, 842]);
  let x = 100;
  (['signet:sign:', 'party', 'A'] as const).forEach((s, i) => {
    p1.drawText(s, { x, y: 500, size: 10, font: fonts[i] });
    x += fonts[i].widthOfTextAtSize(s, 10);
  });
  p1.drawText('Party A (seal):', { x: 72, y: 300, size: 12, font: fonts[0] });
  const p2 = doc.addPage([595, 842]);
  p2.setRotation(degrees(90));
  // Landscape text on a portrait MediaBox turned by /Rotate 90: drawn at 90° so that it reads upright.
  p2.drawText('Rotated anchor', { x: 200, y: 300, size: 12, font: fonts[0], rotate: degrees(90) });
  const p3 = doc.addPage([595, 842]);
  p3.setMediaBox(100, 200, 595, 842);
  p3.drawText('Offset origin', { x: 150, y: 900, size: 12, font: fonts[0] });
  const p4 = doc.addPage([595, 842]);
  for (const y of [700, 500, 300]) p4.drawText('Signature here', { x: 72, y, size: 11, font: fonts[0] });
  return { pdf: await doc.save(), anchorEnd: x };
}

/** A Chinese page with `甲方（盖章）：` drawn in two pieces and tiny white tag text, through FontSubset. */
function chineseDocument(): Uint8Array {
  const b = new PdfDocumentBuilder();
  const font = new FontSubset(FontProgram.load(cjkFontBytes()), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: font.ref }) });
  const content = [
    `BT /F1 14 Tf 72 700 Td ${font.encode('劳动合同')} Tj ET`,
    `BT /F1 12 Tf 72 400 Td ${font.encode('甲方')} Tj ET`,
    `BT /F1 12 Tf 96 400 Td ${font.encode('（盖章）：')} Tj ET`,
    `BT /F1 1 Tf 1 g 300 350 Td ${font.encode('signet:sign:partyB')} Tj ET`,
  ].join('\n');
  b.addPage({ width: 595, height: 842, resources, content });
  font.finish();
  return b.build();
}

const near = (a: number, b: number, tol = 0.5) => Math.abs(a - b) <= tol;

describe('position/findText()', function () {
  this.timeout(60_000);
  let latin: { pdf: Uint8Array; anchorEnd: number };
  before(async () => {
    latin = await latinDocument();
  });

  it('finds a needle split across text runs in different fonts, with its rectangle in user space', async () => {
    const layer = await extractTextLayer(latin.pdf);
    const runs = layer.pages[0].runs.map((r) => r.str);
    assert.ok(!runs.some((s) => s.includes('signet:sign:partyA')), `the needle must span runs: ${JSON.stringify(runs)}`);
    const [hit] = await findText(latin.pdf, 'signet:sign:partyA');
    assert.equal(hit.page, 1);
    assert.equal(hit.text, 'signet:sign:partyA');
    assert.ok(near(hit.rect.x, 100), JSON.stringify(hit.rect));
    assert.ok(near(hit.rect.x + hit.rect.w, latin.anchorEnd), JSON.stringify(hit.rect));
    assert.ok(hit.rect.y < 500 && hit.rect.y > 496 && hit.rect.y + hit.rect.h > 506 && hit.rect.y + hit.rect.h < 510, JSON.stringify(hit.rect));
  });

  it('places a part of a run by the widths of its characters', async () => {
    const [hit] = await findText(latin.pdf, 'origin');
    // Helvetica: "Offset " is 2.946 em, "origin" 2.445 em, at 12 pt from x = 150.
    assert.ok(near(hit.rect.x, 150 + 2.946 * 12, 0.1), JSON.stringify(hit.rect));
    assert.ok(near(hit.rect.w, 2.445 * 12, 0.1), JSON.stringify(hit.rect));
  });

  it('reports user-space coordinates on a page with a non-zero MediaBox origin', async () => {
    const [hit] = await findText(latin.pdf, 'Offset origin');
    assert.equal(hit.page, 3);
    assert.ok(near(hit.rect.x, 150) && hit.rect.y < 900 && hit.rect.y + hit.rect.h > 900, JSON.stringify(hit.rect));
    assert.deepEqual(hit.frame.box, [100, 200, 695, 1042]);
  });

  it('finds text drawn at 90° on a page with /Rotate 90 and gives its upright box', async () => {
    const [hit] = await findText(latin.pdf, 'Rotated anchor');
    assert.equal(hit.page, 2);
    assert.equal(hit.frame.rotate, 90);
    // The text runs up the page from (200, 300): a box tall in user space, ascent to the left of x = 200.
    assert.ok(hit.rect.h > 70 && hit.rect.w < 15, JSON.stringify(hit.rect));
    assert.ok(near(hit.rect.y, 300) && hit.rect.x < 200 && hit.rect.x + hit.rect.w > 200, JSON.stringify(hit.rect));
  });

  it('returns the first, the n-th or every occurrence of a keyword in document order', async () => {
    const all = await findText(latin.pdf, 'Signature here', { occurrence: 'all' });
    assert.deepEqual(all.map((h) => [h.page, Math.round(h.rect.y / 100) * 100, h.occurrence]), [[4, 700, 1], [4, 500, 2], [4, 300, 3]]);
    const first = await findText(latin.pdf, 'Signature here');
    assert.equal(first.length, 1);
    assert.equal(first[0].occurrence, 1);
    const second = await findText(latin.pdf, 'Signature here', { occurrence: 2 });
    assert.equal(second[0].rect.y, all[1].rect.y);
    assert.deepEqual(await findText(latin.pdf, 'Signature here', { occurrence: 4 }), []);
    assert.equal((await findText(latin.pdf, 'Signature here', { occurrence: 'all', page: 1 })).length, 0);
  });

  it('ignores white-space and compares NFKC forms, so full-width punctuation matches ASCII', async () => {
    const pdf = chineseDocument();
    const [a] = await findText(pdf, '甲方(盖章):');
    const [b] = await findText(pdf, '甲 方 （盖章）：');
    assert.ok(a && b);
    assert.deepEqual(a.rect, b.rect);
    assert.equal(a.text, '甲方（盖章）：');
  });

  it('finds Chinese text drawn in two pieces, and the tiny white tag a Word export carries', async () => {
    const pdf = chineseDocument();
    const [label] = await findText(pdf, '甲方（盖章）：');
    // 7 full-width characters at 12 pt from x = 72: one em each.
    assert.ok(near(label.rect.x, 72) && near(label.rect.w, 7 * 12, 1), JSON.stringify(label.rect));
    const [tag] = await findText(pdf, 'signet:sign:partyB');
    assert.ok(near(tag.rect.x, 300) && tag.rect.h < 2, JSON.stringify(tag.rect));
  });

  it('finds Chinese text in the interop corpus', async () => {
    const pdf = corpusFile('unsigned.pdf');
    const hits = await findText(pdf, '第一位签署人：张三', { occurrence: 'all' });
    assert.deepEqual(hits.map((h) => h.page), [1, 2]);
    assert.ok(hits.every((h) => h.rect.w > 50 && h.rect.h > 5), JSON.stringify(hits.map((h) => h.rect)));
  });

  it('returns no hit for absent text, and findAnchor() says which text was not found', async () => {
    assert.deepEqual(await findText(latin.pdf, 'not in this document'), []);
    await assert.rejects(findAnchor(latin.pdf, 'not in this document'), (e: unknown) => isSignetError(e, 'ANCHOR_NOT_FOUND') && /"not in this document"/.test((e as Error).message));
    await assert.rejects(findText(latin.pdf, '   '), (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('reads each file with pdf.js once: equal bytes share one text layer', async () => {
    const a = extractTextLayer(latin.pdf);
    const b = extractTextLayer(Uint8Array.from(latin.pdf));
    assert.equal(a, b);
    assert.equal(searchTextLayer(await a, 'partyA').length, 1);
  });

  it('refuses bytes that are not a PDF with PDF_NOT_PDF', async () => {
    await assert.rejects(findText(new TextEncoder().encode('hello, not a pdf'), 'hello'), (e: unknown) => isSignetError(e, 'PDF_NOT_PDF') || isSignetError(e, 'PDF_MALFORMED'));
  });
});
