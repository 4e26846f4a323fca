import assert from 'node:assert/strict';
import { hasPressure, inkBounds, smoothStroke, strokeWidths, type InkStroke } from './ink.js';

describe('handwriting ink in the browser (the core\'s width model)', () => {
  const line = (pressure?: (i: number) => number, dt = 16): InkStroke => Array.from({ length: 20 }, (_, i) => ({ x: i * 10, y: 50, t: i * dt, ...(pressure ? { pressure: pressure(i) } : {}) }));

  it('treats a mouse\'s constant 0.5 and a zero as no pressure, and a pen\'s varying pressure as pressure', () => {
    assert.equal(hasPressure([line(() => 0.5)]), false);
    assert.equal(hasPressure([line(() => 0)]), false);
    assert.equal(hasPressure([line()]), false);
    assert.equal(hasPressure([line((i) => i / 20)]), true);
  });

  it('widens the pen with the pressure, from 1 to 4 units', () => {
    const w = strokeWidths(line((i) => i / 19), 1, true).map((p) => p.w);
    assert.ok(w.every((x, i) => i === 0 || x >= w[i - 1]), 'monotonic in pressure');
    assert.ok(Math.abs(w[0] - 1) < 1e-9 && Math.abs(w[w.length - 1] - 4) < 1e-9);
  });

  it('without pressure, draws a fast stroke thinner than a slow one', () => {
    const avg = (s: InkStroke) => { const w = strokeWidths(s, 1, false).map((p) => p.w); return w.reduce((a, b) => a + b, 0) / w.length; };
    assert.ok(avg(line(undefined, 2)) < avg(line(undefined, 80)));
  });

  it('smooths through every point it was given and keeps inside the ink\'s bounds', () => {
    const pts = strokeWidths([{ x: 0, y: 0, t: 0 }, { x: 50, y: 40, t: 30 }, { x: 100, y: 0, t: 60 }], 1, false);
    const s = smoothStroke(pts, 2);
    assert.ok(s.length > pts.length);
    assert.deepEqual([s[0].x, s[0].y], [0, 0]);
    assert.deepEqual([s[s.length - 1].x, s[s.length - 1].y], [100, 0]);
    assert.deepEqual(inkBounds([[{ x: 3, y: 9, t: 0 }, { x: -1, y: 4, t: 5 }]]), { x1: -1, y1: 4, x2: 3, y2: 9 });
  });
});
