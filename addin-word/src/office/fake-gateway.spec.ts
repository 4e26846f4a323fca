import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { isAddinError } from '../addin-error.js';
import { paymentClause, sampleAgreement } from '../testing/sample-document.js';
import { FakeOfficeGateway } from './fake-gateway.js';

/** Words of pdftotext -bbox (points, origin top-left). */
function words(pdf: string): { text: string; x0: number; y0: number; x1: number; y1: number }[] {
  const html = run('pdftotext', ['-bbox', pdf, '-']).stdout;
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]), text: m[5],
  }));
}

/** The darkest grey level (0 black … 255 white) in a box of a PGM page rendered at `dpi`. */
function darkest(pgm: Buffer, box: { x0: number; y0: number; x1: number; y1: number }, dpi: number): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.toString('latin1', 0, 64))!;
  const [w, h] = [Number(header[1]), Number(header[2])];
  const data = pgm.subarray(header[0].length);
  const s = dpi / 72;
  let min = 255;
  for (let y = Math.floor(box.y0 * s); y <= Math.min(h - 1, Math.ceil(box.y1 * s)); y++) {
    for (let x = Math.floor(box.x0 * s); x <= Math.min(w - 1, Math.ceil(box.x1 * s)); x++) min = Math.min(min, data[y * w + x]);
  }
  return min;
}

describe('FakeOfficeGateway', () => {
  describe('the PDF export, checked with poppler', () => {
    let dir: string;
    let cleanup: () => void;
    let pdfPath: string;
    before(async function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      requireTool(this, 'pdftoppm', 'poppler-utils');
      ({ dir, cleanup } = tempDir('signet-fake-pdf-'));
      const g = new FakeOfficeGateway(sampleAgreement());
      g.placeCursorAfter('Party A (signature): ');
      await g.insertPartyMarker('sign', 'partyA');
      g.placeCursorAfter('Party B (signature): ');
      await g.insertPartyMarker('seal', 'partyB');
      const out = await g.exportDocument();
      assert.equal(out.format, 'pdf');
      pdfPath = join(dir, 'agreement.pdf');
      writeFileSync(pdfPath, out.bytes);
    });
    after(() => cleanup?.());

    it('is a well-formed PDF (qpdf --check) starting with %PDF-', function () {
      requireTool(this, 'qpdf', 'qpdf');
      assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
      const q = qpdfCheck(pdfPath);
      assert.ok(q.clean, q.output);
    });

    it('carries each marker\'s anchor text in its text layer, where a text search finds it', () => {
      const w = words(pdfPath);
      const anchors = w.filter((x) => x.text.startsWith('signet:'));
      assert.deepEqual(anchors.map((a) => a.text), ['signet:sign:partyA', 'signet:seal:partyB']);
      assert.ok(w.some((x) => x.text === 'Acme'), 'the body text is there too');
    });

    it('draws the anchors at 1 pt, right after the text they follow', () => {
      const w = words(pdfPath);
      const a = w.find((x) => x.text === 'signet:sign:partyA')!;
      assert.ok(a.y1 - a.y0 <= 1.5, `anchor height ${a.y1 - a.y0} pt`);
      const label = w.find((x, i) => x.text === '(signature):' && w[i - 2]?.text === 'Party' && w[i - 1]?.text === 'A')!;
      assert.ok(a.x0 >= label.x1 && a.x0 - label.x1 < 10, 'the anchor sits just after "Party A (signature):"');
      assert.ok(Math.abs(a.y1 - label.y1) < 3, 'on the same line');
    });

    it('draws the anchors in white, so the page shows nothing where they are, while body text is black', () => {
      const dpi = 288;
      run('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', pdfPath, join(dir, 'page')]);
      const pgm = readFileSync(join(dir, 'page-1.pgm'));
      const w = words(pdfPath);
      for (const text of ['signet:sign:partyA', 'signet:seal:partyB']) {
        const a = w.find((x) => x.text === text)!;
        assert.ok(darkest(pgm, a, dpi) >= 250, `${text} is invisible`);
      }
      const visible = w.find((x) => x.text === 'Acme')!;
      assert.ok(darkest(pgm, visible, dpi) < 100, 'a visible word renders dark (so the check above can fail)');
    });
  });

  it('wraps the selected text in a variable control, and fills every variable', async () => {
    const g = new FakeOfficeGateway(sampleAgreement());
    g.select('Acme Trading Ltd');
    const c = await g.makeVariableFromSelection('partyAName');
    assert.deepEqual(c.tag, { kind: 'var', name: 'partyAName' });
    assert.equal(c.text, 'Acme Trading Ltd');
    assert.match(g.text(), /between Acme Trading Ltd \(Party A\)/, 'the text reads the same');
    const out = await g.fillVariables({ partyAName: 'Shanghai Example Tech Co' });
    assert.deepEqual(out, { filledControls: 1, unfilled: [] });
    assert.match(g.text(), /between Shanghai Example Tech Co \(Party A\)/);
  });

  it('refuses to make a variable without a selection', async () => {
    const g = new FakeOfficeGateway(sampleAgreement());
    g.placeCursorAfter('Acme');
    await assert.rejects(g.makeVariableFromSelection('x'), (e: unknown) => isAddinError(e, 'OFFICE_SELECTION_EMPTY'));
  });

  it('inserts an OOXML clause at the cursor with the variable control it carries', async () => {
    const g = new FakeOfficeGateway(sampleAgreement());
    g.placeCursorAfter('Party A pays a monthly fee of 10000 CNY.');
    await g.insertClause(paymentClause());
    const lines = g.text().split('\n');
    assert.equal(lines[3], 'Payment. Party A pays each invoice within 30 days of receiving it.');
    assert.equal(lines[4], 'Party A (signature): ');
    const vars = (await g.listControls()).filter((c) => c.tag.kind === 'var');
    assert.deepEqual(vars.map((v) => [v.tagText, v.text]), [['signet:var:paymentDays', '30']]);
  });

  it('replaces the selection with an HTML clause split into paragraphs', async () => {
    const g = new FakeOfficeGateway({ title: 'T', paragraphs: ['Before PLACEHOLDER after'] });
    g.select('PLACEHOLDER');
    await g.insertClause({ format: 'html', content: '<p>One &amp; two</p><p><b>Three</b></p>' });
    assert.deepEqual(g.text().split('\n'), ['Before ', 'One & two', 'Three', ' after']);
  });

  it('exports an (empty) DOCX and says why when PDF export is off', async () => {
    const out = await new FakeOfficeGateway(sampleAgreement(), { pdfExport: false }).exportDocument();
    assert.equal(out.format, 'docx');
    assert.equal(Buffer.from(out.bytes.subarray(0, 4)).toString('latin1'), 'PK\x05\x06');
    assert.match(out.fallbackReason!, /DOCX/);
  });

  it('refuses to render text its standard font cannot draw, saying so', async () => {
    const g = new FakeOfficeGateway({ title: '合同', paragraphs: ['甲方'] });
    await assert.rejects(g.exportDocument(), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT') && /WinAnsi/.test(e.message));
  });

  it('keeps custom properties case-insensitively and caps them at 255 characters', async () => {
    const g = new FakeOfficeGateway(sampleAgreement());
    await g.setCustomProperty('SignetContractIds', 'c1');
    await g.setCustomProperty('signetcontractids', 'c2,c1');
    assert.equal(await g.getCustomProperty('SIGNETCONTRACTIDS'), 'c2,c1');
    assert.equal(g.properties.size, 1);
    await assert.rejects(g.setCustomProperty('k', 'x'.repeat(256)), (e: unknown) => isAddinError(e, 'INVALID_ARGUMENT'));
  });
});
