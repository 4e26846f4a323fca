import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { pathBounds } from './drawing.js';
import { handwriting, normalizeStrokes, type StrokePoint } from './handwriting.js';

/** A horizontal wave sampled every 16 ms, as a pointer would give it. */
function wave(n: number, opts: { speed?: number; pressure?: (i: number) => number } = {}): StrokePoint[] {
  return Array.from({ length: n }, (_, i) => ({
    x: i * 4 * (opts.speed ?? 1),
    y: 100 + 30 * Math.sin(i / 6),
    time: i * 16,
    pressure: opts.pressure?.(i),
  }));
}

/** The outline's area by the shoelace formula over its end points (curves flattened): enough to compare widths. */
function area(ops: string, coords: number[]): number {
  let a = 0, sx = 0, sy = 0, lx = 0, ly = 0, j = 0;
  for (const op of ops) {
    if (op === 'Z') { a += lx * sy - sx * ly; lx = sx; ly = sy; continue; }
    const n = op === 'C' ? 6 : 2;
    const x = coords[j + n - 2], y = coords[j + n - 1];
    j += n;
    if (op === 'M') { sx = lx = x; sy = ly = y; continue; }
    a += lx * y - x * ly;
    lx = x;
    ly = y;
  }
  return Math.abs(a / 2);
}

describe('seal/handwriting()', () => {
  it('fits the signature into the box keeping its aspect ratio, centred', () => {
    const d = handwriting([wave(60)], { box: { width: 300, height: 60 } });
    assert.equal(d.width, 300);
    assert.equal(d.height, 60);
    const [x1, y1, x2, y2] = pathBounds(d.paths[0]);
    assert.ok(x1 >= -0.01 && x2 <= 300.01 && y1 >= -0.01 && y2 <= 60.01, `${x1},${y1},${x2},${y2}`);
    // The wave is 236 units wide and 60 high (plus the pen): height-bound, so narrower than the box, centred.
    assert.ok(y2 - y1 > 57, 'it uses the full height');
    assert.ok(Math.abs((x1 + x2) / 2 - 150) < 0.5, 'centred horizontally');
    assert.ok(x2 - x1 < 280);
  });

  it('is a filled outline, not a hairline: one closed ribbon per smooth piece, painted like ink', () => {
    const d = handwriting([wave(40)]);
    const p = d.paths[0];
    assert.deepEqual(p.paint, { fill: [0, 0, 0] });
    assert.equal(d.blend, 'multiply');
    assert.ok(p.ops.startsWith('M') && p.ops.endsWith('Z'));
    assert.equal(p.ops.split('M').length - 1, p.ops.split('Z').length - 1, 'every piece is closed');
    assert.ok(/C/.test(p.ops), 'the edges are smooth curves');
  });

  it('takes widths from pressure when the pen reports it: harder is thicker', () => {
    const light = handwriting([wave(60, { pressure: () => 0.1 })], { box: { width: 200, height: 80 } });
    const heavy = handwriting([wave(60, { pressure: () => 0.9 })], { box: { width: 200, height: 80 } });
    const a = area(light.paths[0].ops, light.paths[0].coords), b = area(heavy.paths[0].ops, heavy.paths[0].coords);
    assert.ok(b > a * 2, `heavy ${b} vs light ${a}`);
  });

  it('takes widths from speed without pressure (or with a mouse\'s constant 0.5): faster is thinner', () => {
    const slow = handwriting([wave(60, { pressure: () => 0.5 })], { box: { width: 200, height: 80 } });
    const fast = wave(60).map((p) => ({ ...p, time: (p.time ?? 0) / 6 }));
    const quick = handwriting([fast], { box: { width: 200, height: 80 } });
    const a = area(slow.paths[0].ops, slow.paths[0].coords), b = area(quick.paths[0].ops, quick.paths[0].coords);
    assert.ok(a > b * 1.3, `slow ${a} vs fast ${b}`);
  });

  it('draws a single tap as a dot, and accepts signature_pad\'s {points} strokes and {strokes} wrappers', () => {
    const d = handwriting({ strokes: [{ points: [{ x: 5, y: 5, time: 0 }] }, { points: wave(10) }] });
    assert.ok(d.paths[0].ops.startsWith('MCCCCZ'), 'the dot is a circle');
    assert.deepEqual(normalizeStrokes([[{ x: 1, y: 2, t: 5 }]]), [[{ x: 1, y: 2, time: 5, pressure: undefined }]]);
  });

  it('refuses empty and broken stroke data with a message naming the stroke and point', () => {
    const bad = (input: unknown, re: RegExp) => assert.throws(() => handwriting(input), (e) => isSignetError(e, 'INVALID_ARGUMENT') && re.test(e.message), String(re));
    bad([], /no strokes/);
    bad({}, /array of strokes/);
    bad([[]], /stroke 1 has no points/);
    bad([[{ x: 1, y: 1 }], [{ x: NaN, y: 2 }]], /stroke 2, point 1 needs finite numbers/);
    bad([[{ x: 1, y: 1, pressure: 2 }]], /pressure outside 0..1/);
    bad([[{ x: 1, y: 1, time: 'soon' }]], /time/);
    bad([[1, 2, 3]], /not an \{x, y\} object/);
    assert.throws(() => handwriting([wave(5)], { box: { width: 0, height: 10 } }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });
});
