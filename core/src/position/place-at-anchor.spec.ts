import assert from 'node:assert/strict';
import { pageFrame, userRectToDisplay } from '../pdf/page-content.js';
import { isSignetError } from '../errors.js';
import { placeAtAnchor } from './place-at-anchor.js';
import { toPageFractions } from './page-fractions.js';

const a4 = pageFrame({ mediaBox: [0, 0, 595, 842], cropBox: [0, 0, 595, 842], rotate: 0 });
const anchor = { page: 1, rect: { x: 100, y: 400, w: 80, h: 12 }, frame: a4 };

describe('position/placeAtAnchor()', () => {
  it('puts the field just right of the anchor, centred on its line, by default', () => {
    assert.deepEqual(placeAtAnchor(anchor, { width: 150, height: 50 }), { x: 180, y: 381, w: 150, h: 50 });
  });

  it('centres the field on the anchor for keyword signing, and below it on request', () => {
    assert.deepEqual(placeAtAnchor(anchor, { width: 100, height: 100, placement: 'center' }), { x: 90, y: 356, w: 100, h: 100 });
    assert.deepEqual(placeAtAnchor(anchor, { width: 100, height: 40, placement: 'below' }), { x: 100, y: 360, w: 100, h: 40 });
  });

  it('applies offsets in points, x to the right and y up', () => {
    assert.deepEqual(placeAtAnchor(anchor, { width: 150, height: 50, offsetX: 10, offsetY: -20 }), { x: 190, y: 361, w: 150, h: 50 });
  });

  it('moves a field that would stick out back onto the page, or refuses when asked not to clamp', () => {
    const edge = { ...anchor, rect: { x: 500, y: 820, w: 80, h: 12 } };
    assert.deepEqual(placeAtAnchor(edge, { width: 150, height: 50 }), { x: 445, y: 792, w: 150, h: 50 });
    assert.throws(() => placeAtAnchor(edge, { width: 150, height: 50, clamp: false }), (e: unknown) => isSignetError(e, 'PDF_RECT_OFF_PAGE') && /outside the page/.test((e as Error).message));
    assert.throws(() => placeAtAnchor(anchor, { width: 600, height: 50 }), (e: unknown) => isSignetError(e, 'PDF_RECT_OFF_PAGE') && /does not fit/.test((e as Error).message));
    assert.throws(() => placeAtAnchor(anchor, { width: 0, height: 50 }), (e: unknown) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('places "right of" as a reader sees it on a page with /Rotate 90: up the page in user space', () => {
    const frame = pageFrame({ mediaBox: [0, 0, 595, 842], cropBox: [0, 0, 595, 842], rotate: 90 });
    // Upright text on the turned page: a box tall in user space, as findText reports it.
    const hit = { page: 2, rect: { x: 190, y: 300, w: 12, h: 80 }, frame };
    const r = placeAtAnchor(hit, { width: 150, height: 50 });
    // Displayed 150 wide and 50 high: 50 wide and 150 high in user space, starting where the anchor ends.
    assert.deepEqual([r.w, r.h], [50, 150]);
    assert.equal(r.y, 380);
    const d = userRectToDisplay(frame, r);
    const a = userRectToDisplay(frame, hit.rect);
    assert.ok(Math.abs(d.x - (a.x + a.w)) < 1e-6 && Math.abs(d.y + d.h / 2 - (a.y + a.h / 2)) < 1e-6, JSON.stringify({ d, a }));
  });

  it('works in the visible box of a page whose MediaBox does not start at 0,0', () => {
    const frame = pageFrame({ mediaBox: [100, 200, 695, 1042], cropBox: [100, 200, 695, 1042], rotate: 0 });
    const r = placeAtAnchor({ page: 1, rect: { x: 650, y: 210, w: 40, h: 10 }, frame }, { width: 100, height: 40 });
    assert.deepEqual(r, { x: 595, y: 200, w: 100, h: 40 });
  });
});

describe('position/toPageFractions()', () => {
  it('gives x, y of the top-left corner from the top-left of the page, and the size, as fractions', () => {
    const f = toPageFractions(a4, { x: 59.5, y: 757.8, w: 119, h: 42.1 });
    assert.deepEqual(f, { x: 0.1, y: 0.05, w: 0.2, h: 0.05 });
  });

  it('measures from the visible box of an offset page and from the displayed corner of a rotated one', () => {
    const offset = pageFrame({ mediaBox: [100, 200, 700, 1000], cropBox: [100, 200, 700, 1000], rotate: 0 });
    assert.deepEqual(toPageFractions(offset, { x: 100, y: 960, w: 60, h: 40 }), { x: 0, y: 0, w: 0.1, h: 0.05 });
    const turned = pageFrame({ mediaBox: [0, 0, 600, 800], cropBox: [0, 0, 600, 800], rotate: 90 });
    // The user-space lower-left corner is the displayed top-left of a page turned clockwise.
    assert.deepEqual(toPageFractions(turned, { x: 0, y: 0, w: 60, h: 80 }), { x: 0, y: 0, w: 0.1, h: 0.1 });
  });
});
