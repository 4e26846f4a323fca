/**
 * The field designer's geometry against pdf.js itself: real PDFs (built with Signet's
 * PdfDocumentBuilder) with pages rotated by 0°, 90°, 180° and 270° and a media box that does not
 * start at the origin are opened with pdf.js, and a drop position on the displayed page must land
 * where pdf.js's own viewport puts it in user space, and come back to the same place.
 */
import assert from 'node:assert/strict';
import { PdfDocumentBuilder } from '@signet/core';
import { boxAround, clampBox, invertMatrix, pdfRectToViewBox, viewBoxToPdfRect, viewPointToPdf, type Matrix } from './pdf-geometry.js';

interface Viewport { width: number; height: number; transform: number[]; convertToPdfPoint(x: number, y: number): number[] }
interface PdfjsPage { getViewport(o: { scale: number }): Viewport }
interface Pdfjs { getDocument(src: Record<string, unknown>): { promise: Promise<{ numPages: number; getPage(n: number): Promise<PdfjsPage>; destroy(): Promise<void> }> } }

async function pdfjs(): Promise<Pdfjs> {
  // The worker runs in-process (it sets globalThis.pdfjsWorker), as core's text layer loads it.
  const worker = 'pdfjs-dist/legacy/build/pdf.worker.min.mjs';
  const lib = 'pdfjs-dist/legacy/build/pdf.min.mjs';
  await import(worker);
  return (await import(lib)) as Pdfjs;
}

/** An A4 portrait page with a media box offset by (30, 40), rotated by each angle. */
function rotatedPdf(): Uint8Array {
  const b = new PdfDocumentBuilder();
  for (const rotate of [0, 90, 180, 270]) b.addPage({ width: 595, height: 842, content: '0 g 100 100 50 50 re f\n', extra: { MediaBox: [30, 40, 625, 882], Rotate: rotate } });
  return b.build();
}

describe('console/pdf-geometry', () => {
  let viewports: Viewport[];

  before(async () => {
    const lib = await pdfjs();
    const doc = await lib.getDocument({ data: new Uint8Array(rotatedPdf()), isEvalSupported: false, verbosity: 0 }).promise;
    viewports = [];
    for (let i = 1; i <= doc.numPages; i++) viewports.push((await doc.getPage(i)).getViewport({ scale: 1 }));
    await doc.destroy();
  });

  it('maps a point of the displayed page to the user-space point pdf.js gives, on every rotation', () => {
    for (const vp of viewports) {
      for (const [x, y] of [[0, 0], [120.5, 77.25], [vp.width, vp.height], [vp.width / 2, vp.height / 3]]) {
        const [ex, ey] = vp.convertToPdfPoint(x, y);
        const [px, py] = viewPointToPdf(vp.transform, x, y);
        assert.ok(Math.abs(px - ex) < 0.01 && Math.abs(py - ey) < 0.01, `(${x}, ${y}) → (${px}, ${py}), pdf.js says (${ex}, ${ey})`);
      }
    }
  });

  it('turns a box near the top-left of the displayed page into the rectangle where it lies in user space', () => {
    const box = { left: 50, top: 60, width: 150, height: 50 };
    const [r0, r90, r180, r270] = viewports.map((vp) => viewBoxToPdfRect(vp.transform, box));
    // Unrotated: y counts up from the bottom of the media box, which starts at (30, 40).
    assert.deepEqual(r0, { x: 80, y: 882 - 60 - 50, w: 150, h: 50 });
    // Rotated by 90° clockwise for display: the displayed top-left is the user-space bottom-left.
    assert.deepEqual(r90, { x: 30 + 60, y: 40 + 50, w: 50, h: 150 });
    assert.deepEqual(r180, { x: 625 - 50 - 150, y: 40 + 60, w: 150, h: 50 });
    assert.deepEqual(r270, { x: 625 - 60 - 50, y: 882 - 50 - 150, w: 50, h: 150 });
    assert.deepEqual(viewports.map((vp) => [vp.width, vp.height]), [[595, 842], [842, 595], [595, 842], [842, 595]]);
  });

  it('shows a rectangle back where it was dropped (round trip), for every rotation', () => {
    for (const vp of viewports) {
      const box = { left: 211.5, top: 333.25, width: 113, height: 113 };
      const back = pdfRectToViewBox(vp.transform, viewBoxToPdfRect(vp.transform, box));
      for (const k of ['left', 'top', 'width', 'height'] as const) assert.ok(Math.abs(back[k] - box[k]) < 0.02, `${k}: ${back[k]} vs ${box[k]}`);
    }
  });

  it('scales with the zoom: the transform at scale 2 is the one at scale 1, doubled', () => {
    const m: Matrix = viewports[1].transform;
    const doubled = m.map((v) => v * 2);
    const at1 = viewBoxToPdfRect(m, { left: 10, top: 20, width: 30, height: 40 });
    const at2 = viewBoxToPdfRect(doubled, { left: 20, top: 40, width: 60, height: 80 });
    assert.deepEqual(at1, at2);
    assert.deepEqual(invertMatrix([2, 0, 0, 2, 10, 20]), [0.5, -0, -0, 0.5, -5, -10]);
  });

  it('centres a dropped field on the pointer and keeps it on the page', () => {
    assert.deepEqual(boxAround(300, 400, 150, 50, 595, 842), { left: 225, top: 375, width: 150, height: 50 });
    assert.deepEqual(boxAround(10, 835, 150, 50, 595, 842), { left: 0, top: 792, width: 150, height: 50 }, 'a drop at the corner is pushed inside');
    assert.deepEqual(clampBox({ left: 560, top: -5, width: 113, height: 113 }, 595, 842), { left: 482, top: 0, width: 113, height: 113 });
    assert.deepEqual(clampBox({ left: 0, top: 0, width: 900, height: 2 }, 595, 842), { left: 0, top: 0, width: 595, height: 4 }, 'never wider than the page, never thinner than 4 pt');
  });
});
