import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { PdfDict, PdfName, PdfRef, PdfStream } from './objects.js';
import { PdfReader } from './reader.js';
import { IncrementalWriter } from './writer.js';
import { PdfDocumentBuilder } from './document-builder.js';
import {
  PageContentEditor, displayRectToUser, formatMatrix, pageFrame, userRectToDisplay, type PdfMatrix,
} from './page-content.js';

const helvetica = () => new PdfDict({ Type: PdfName.of('Font'), Subtype: PdfName.of('Type1'), BaseFont: PdfName.of('Helvetica') });

/** A document whose page 1 content is `content`, with extra page entries. */
function onePage(content: string, extra: Record<string, import('./objects.js').PdfObject> = {}, size: [number, number] = [300, 200]): Uint8Array {
  const b = new PdfDocumentBuilder({ compress: false });
  const font = b.allocate();
  b.set(font, helvetica());
  b.addPage({ width: size[0], height: size[1], content, resources: new PdfDict({ Font: new PdfDict({ F1: font, SgF1: font }) }), extra });
  b.addPage({ width: size[0], height: size[1], content: 'BT /F1 12 Tf 20 20 Td (second) Tj ET', resources: new PdfDict({ Font: new PdfDict({ F1: font }) }) });
  return b.build();
}

/** Moves page 1's /Resources up to the /Pages node, so that both pages inherit them (§7.7.3.4). */
function inheritResources(pdf: Uint8Array): Uint8Array {
  const r = PdfReader.load(pdf);
  const w = new IncrementalWriter(r);
  const page = r.getPage(0);
  const pagesRef = page.dict.get('Parent') as PdfRef;
  const pages = (r.resolve(pagesRef) as PdfDict).clone();
  pages.set('Resources', page.dict.get('Resources')!);
  w.set(pagesRef, pages);
  for (const i of [0, 1]) {
    const p = r.getPage(i);
    const d = p.dict.clone();
    d.delete('Resources');
    w.set(p.ref, d);
  }
  return w.write().bytes;
}

/** Draws a filled black square in display coordinates on page `index`. */
function drawSquare(pdf: Uint8Array, index: number, x: number, y: number, s: number): Uint8Array {
  const r = PdfReader.load(pdf);
  const w = new IncrementalWriter(r);
  const ed = new PageContentEditor(r, w);
  const m: PdfMatrix = ed.frame(index).toUser;
  ed.append(index, `q ${formatMatrix(m)} cm 0 g ${x} ${y} ${s} ${s} re f Q`);
  ed.finish();
  return w.write().bytes;
}

describe('pdf/page-content', () => {
  describe('pageFrame()', () => {
    const box: [number, number, number, number] = [100, 200, 700, 1000];
    for (const rotate of [0, 90, 180, 270]) {
      it(`maps display coordinates to user space and back on a page rotated ${rotate}° with a non-zero origin`, () => {
        const f = pageFrame({ mediaBox: box, cropBox: box, rotate });
        const turned = rotate % 180 !== 0;
        assert.equal(f.width, turned ? 800 : 600);
        assert.equal(f.height, turned ? 600 : 800);
        const d = { x: 10, y: 20, w: 30, h: 40 };
        const u = displayRectToUser(f, d);
        // The rectangle stays on the page, with its sides swapped when the page is turned.
        assert.ok(u.x >= 100 && u.y >= 200 && u.x + u.w <= 700 && u.y + u.h <= 1000, JSON.stringify(u));
        assert.deepEqual([u.w, u.h], turned ? [40, 30] : [30, 40]);
        const back = userRectToDisplay(f, u);
        for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(back[k] - d[k]) < 1e-9);
      });
    }

    it('puts display (0,0) at the bottom-left corner a reader sees: for /Rotate 90 that is the user-space lower-right', () => {
      const f = pageFrame({ mediaBox: [0, 0, 600, 800], cropBox: [0, 0, 600, 800], rotate: 90 });
      const u = displayRectToUser(f, { x: 0, y: 0, w: 1, h: 1 });
      assert.deepEqual([u.x, u.y], [599, 0]);
    });

    it('uses the CropBox within the MediaBox as the visible page', () => {
      const f = pageFrame({ mediaBox: [0, 0, 600, 800], cropBox: [50, 60, 650, 700], rotate: 0 });
      assert.deepEqual(f.box, [50, 60, 600, 700]);
      assert.deepEqual([f.width, f.height], [550, 640]);
    });
  });

  describe('PageContentEditor', () => {
    it('appends a content stream and merges a new font into inherited resources without touching the other page', () => {
      const base = inheritResources(onePage('BT /F1 12 Tf 20 150 Td (first) Tj ET'));
      const r = PdfReader.load(base);
      assert.equal(r.getPage(0).dict.has('Resources'), false);
      const w = new IncrementalWriter(r);
      const ed = new PageContentEditor(r, w);
      const font = w.allocate();
      w.set(font, helvetica());
      const name = ed.resource(0, 'Font', font);
      assert.equal(ed.resource(0, 'Font', font), name, 'the same object keeps its name');
      assert.equal(name, 'SgF2', 'SgF1 is taken by an existing font');
      ed.append(0, `BT /${name} 10 Tf 20 100 Td (added) Tj ET`);
      ed.finish();
      const out = w.write().bytes;
      assert.ok(Buffer.from(out.subarray(0, base.length)).equals(Buffer.from(base)), 'the original bytes are kept');
      const r2 = PdfReader.load(out);
      const fonts = r2.resolve(r2.getPage(0).resources!.get('Font')) as PdfDict;
      assert.deepEqual(fonts.keys().sort(), ['F1', 'SgF1', 'SgF2']);
      const other = r2.resolve(r2.getPage(1).resources!.get('Font')) as PdfDict;
      assert.deepEqual(other.keys().sort(), ['F1', 'SgF1'], 'page 2 still inherits the unchanged resources');
      const contents = r2.resolve(r2.getPage(0).dict.get('Contents')) as PdfRef[];
      assert.equal(contents.length, 3);
      const text = contents.map((c) => Buffer.from((r2.resolve(c) as PdfStream).decode()).toString('latin1'));
      assert.match(text[0], /^\s*q\s*$/);
      assert.match(text[2], /^\s*Q\s+BT \/SgF2 10 Tf/);
    });

    it('closes q/Q the old content left unbalanced so that the new drawing starts from the default state', () => {
      const cases: [string, number, number][] = [
        ['q 2 0 0 2 0 0 cm q', 1, 3], // two q left open: one wrapper q, three Q
        ['Q Q 3 0 0 3 0 0 cm', 3, 1], // two extra Q: three q first, so the last Q closes the wrapper
        ['(a q in a string) Tj % q in a comment\nBI /W 1 /H 1 /BPC 8 /CS /G ID q EI', 1, 1],
      ];
      for (const [content, opens, closes] of cases) {
        const base = onePage(content);
        const r = PdfReader.load(base);
        const w = new IncrementalWriter(r);
        const ed = new PageContentEditor(r, w);
        ed.append(0, '0 g 0 0 1 1 re f');
        ed.finish();
        const r2 = PdfReader.load(w.write().bytes);
        const contents = r2.resolve(r2.getPage(0).dict.get('Contents')) as PdfRef[];
        const first = Buffer.from((r2.resolve(contents[0]) as PdfStream).decode()).toString('latin1');
        const last = Buffer.from((r2.resolve(contents[contents.length - 1]) as PdfStream).decode()).toString('latin1');
        assert.equal((first.match(/q/g) ?? []).length, opens, `${content}: opening q`);
        assert.equal((last.match(/Q/g) ?? []).length, closes, `${content}: closing Q`);
      }
    });

    describe('rendered by pdftoppm', () => {
      let dir: string;
      let cleanup: () => void;
      before(function () {
        requireTool(this, 'pdftoppm', 'poppler-utils');
        requireTool(this, 'qpdf', 'qpdf');
        ({ dir, cleanup } = tempDir('page-content-'));
      });
      after(() => cleanup?.());

      /** Renders page `page` at 72 dpi (1 px = 1 pt) and returns a darkness test in top-left pixel coordinates. */
      const render = (pdf: Uint8Array, name: string, page = 1) => {
        const file = join(dir, `${name}.pdf`);
        writeFileSync(file, pdf);
        const res = run('pdftoppm', ['-r', '72', '-f', String(page), '-l', String(page), '-png', '-singlefile', file, join(dir, name)]);
        assert.equal(res.status, 0, res.stderr);
        const png = PNG.sync.read(readFileSync(join(dir, `${name}.png`)));
        const dark = (x: number, y: number) => png.data[(Math.floor(y) * png.width + Math.floor(x)) * 4] < 100;
        return { png, dark, file };
      };

      it('draws where it says even when the old content leaves the CTM scaled and unbalanced', () => {
        const out = drawSquare(onePage('q 3 0 0 3 0 0 cm q'), 0, 100, 100, 40);
        const { dark, png, file } = render(out, 'unbalanced');
        assert.equal(png.height, 200);
        // display (100,100)-(140,140) with y up is pixels x 100..140, rows 60..100
        assert.ok(dark(120, 80), 'inside the square');
        assert.ok(!dark(120, 50) && !dark(150, 80) && !dark(120, 110) && !dark(90, 80), 'nothing around it');
        assert.ok(qpdfCheck(file).clean, qpdfCheck(file).output);
      });

      it('draws upright in display coordinates on a page with /Rotate 90 and a non-zero MediaBox origin', () => {
        const base = onePage('', { Rotate: 90, MediaBox: [50, 100, 350, 300] }, [300, 200]);
        const out = drawSquare(base, 0, 20, 30, 40);
        const { dark, png, file } = render(out, 'rotated');
        assert.deepEqual([png.width, png.height], [200, 300], 'the page is displayed turned');
        // display (20,30)-(60,70), y up, on a 300 pt tall display: rows 230..270
        assert.ok(dark(40, 250), 'inside the square');
        assert.ok(!dark(10, 250) && !dark(70, 250) && !dark(40, 220) && !dark(40, 280), 'nothing around it');
        assert.ok(qpdfCheck(file).clean, qpdfCheck(file).output);
      });
    });
  });
});
