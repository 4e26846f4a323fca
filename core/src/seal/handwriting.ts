/**
 * Handwritten signatures from stroke data (points with x, y, time and pressure, as pointer events
 * or a canvas give them) as a filled vector outline: each stroke is smoothed with a centripetal
 * Catmull-Rom spline, its width follows the pressure (or, without pressure, the pen's speed, as
 * signature_pad does: faster is thinner), and the pen's ribbon with round caps becomes the path.
 */
import { SignetError } from '../errors.js';
import { PathBuilder, parseColor, type Drawing, type Rgb } from './drawing.js';

/** One sampled pen position, in input units with y down (screen coordinates). */
export interface StrokePoint {
  x: number;
  y: number;
  /** Milliseconds (any origin); also accepted as `t` or `timeStamp`. */
  time?: number;
  /** 0..1, as PointerEvent.pressure; absent, 0, or a constant 0.5 (a mouse) means no pressure data. */
  pressure?: number;
}

/** Options of {@link handwriting}. */
export interface HandwritingOptions {
  /**
   * The box the signature is fitted into, in points, keeping its aspect ratio; the drawing has
   * exactly this size with the ink centred. Default: 150 pt wide (or 60 pt high for tall input),
   * and just the ink's extent.
   */
  box?: { width: number; height: number };
  /** Thinnest and widest pen, in 1/500 of the signature's larger extent; default 1 and 4. */
  minWidth?: number;
  maxWidth?: number;
  /** Ink colour; default black. */
  color?: string | Rgb;
  /** How much of the previous speed carries over (signature_pad's velocityFilterWeight); default 0.7. */
  velocityFilterWeight?: number;
}

/** A stroke as accepted on input: an array of points, or `{ points }` as signature_pad's toData() gives it. */
export type StrokeInput = StrokePoint[] | { points: StrokePoint[] };

interface P {
  x: number;
  y: number;
  t: number;
  w: number;
}

function invalid(msg: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', `Invalid handwriting strokes: ${msg}`);
}

/**
 * Validates stroke data and returns it as arrays of points. Throws INVALID_ARGUMENT saying which
 * stroke and point is wrong (empty input, missing or non-finite coordinates, bad pressure or time).
 */
export function normalizeStrokes(input: unknown): StrokePoint[][] {
  const list = input && typeof input === 'object' && !Array.isArray(input) && Array.isArray((input as { strokes?: unknown }).strokes)
    ? (input as { strokes: unknown[] }).strokes
    : input;
  if (!Array.isArray(list)) throw invalid('give an array of strokes, each an array of {x, y, time?, pressure?} points');
  if (list.length === 0) throw invalid('there are no strokes; draw a signature first');
  return list.map((s, i) => {
    const pts = Array.isArray(s) ? s : s && typeof s === 'object' && Array.isArray((s as { points?: unknown }).points) ? (s as { points: unknown[] }).points : undefined;
    if (!pts) throw invalid(`stroke ${i + 1} is not an array of points`);
    if (pts.length === 0) throw invalid(`stroke ${i + 1} has no points`);
    return pts.map((p, j) => {
      const where = `stroke ${i + 1}, point ${j + 1}`;
      if (!p || typeof p !== 'object') throw invalid(`${where} is not an {x, y} object`);
      const o = p as Record<string, unknown>;
      const x = o.x, y = o.y;
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
        throw invalid(`${where} needs finite numbers x and y (got ${JSON.stringify(o.x)}, ${JSON.stringify(o.y)})`);
      }
      const time = o.time ?? o.t ?? o.timeStamp;
      if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) throw invalid(`${where} has a time that is not a finite number`);
      const pressure = o.pressure;
      if (pressure !== undefined && (typeof pressure !== 'number' || !(pressure >= 0 && pressure <= 1))) throw invalid(`${where} has a pressure outside 0..1`);
      return { x, y, time: time as number | undefined, pressure: pressure as number | undefined };
    });
  });
}

/** Turns stroke data into a drawing of the signature's filled outline. */
export function handwriting(strokes: StrokeInput[] | unknown, opts: HandwritingOptions = {}): Drawing {
  const input = normalizeStrokes(strokes);
  const color = typeof opts.color === 'string' ? parseColor(opts.color) : opts.color ?? ([0, 0, 0] as const);
  if (!color) throw new SignetError('INVALID_ARGUMENT', 'The ink needs a visible colour, e.g. #000000');
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (const s of input) for (const p of s) {
    x1 = Math.min(x1, p.x); x2 = Math.max(x2, p.x);
    y1 = Math.min(y1, p.y); y2 = Math.max(y2, p.y);
  }
  const extent = Math.max(x2 - x1, y2 - y1);
  const unit = extent > 0 ? extent / 500 : 1; // one signature_pad pixel on a 500 px pad
  const minW = (opts.minWidth ?? 1) * unit, maxW = (opts.maxWidth ?? 4) * unit;
  if (!(minW > 0) || !(maxW >= minW)) throw new SignetError('INVALID_ARGUMENT', 'Pen widths must be positive, with maxWidth ≥ minWidth');
  const pressured = input.some((s) => s.some((p) => p.pressure !== undefined && p.pressure > 0 && p.pressure !== 0.5));
  const vfw = opts.velocityFilterWeight ?? 0.7;

  // Widths per input point: from pressure, or from the smoothed speed (signature_pad).
  const strokesW: P[][] = input.map((s) => {
    const out: P[] = [];
    let v = 0;
    let last: P | undefined;
    s.forEach((p, i) => {
      const t = p.time ?? i * 16;
      if (last && Math.hypot(p.x - last.x, p.y - last.y) < unit * 0.5) return;
      let w: number;
      if (pressured) w = minW + (maxW - minW) * Math.min(1, Math.max(0, p.pressure ?? 0.5));
      else if (!last) w = s.length === 1 ? maxW : (minW + maxW) / 2;
      else {
        const dt = Math.max(1, t - last.t);
        const speed = Math.hypot(p.x - last.x, p.y - last.y) / dt / unit;
        v = vfw * speed + (1 - vfw) * v;
        w = Math.max(maxW / (v + 1), minW);
      }
      if (last && !pressured && out.length === 1) out[0].w = w; // the first point has no speed of its own
      last = { x: p.x, y: p.y, t, w };
      out.push(last);
    });
    return out;
  });

  // Fit into the box: input y down → output y up.
  const pad = maxW / 2;
  const iw = x2 - x1 + 2 * pad, ih = y2 - y1 + 2 * pad;
  let W: number, H: number;
  if (opts.box) {
    if (!(opts.box.width > 0 && opts.box.height > 0)) throw new SignetError('INVALID_ARGUMENT', 'The handwriting box needs a positive width and height');
    W = opts.box.width;
    H = opts.box.height;
  } else if (iw >= ih) {
    W = 150;
    H = (150 * ih) / iw;
  } else {
    H = 60;
    W = (60 * iw) / ih;
  }
  const k = Math.min(W / iw, H / ih);
  const ox = (W - iw * k) / 2, oy = (H - ih * k) / 2;
  const b = new PathBuilder([k, 0, 0, -k, ox + (pad - x1) * k, H - oy - (pad - y1) * k]);
  const step = Math.max(unit * 1.5, 0.4 / k); // sample the spline every ~1.5 pad pixels (≥ 0.4 pt)
  for (const s of strokesW) strokeOutline(b, s, step);
  return { width: W, height: H, paths: [b.toPath({ fill: color })], title: 'Handwritten signature', blend: 'multiply' };
}

/** A sample along the smoothed stroke: position, radius, and unit direction. */
interface Sample {
  x: number;
  y: number;
  r: number;
}

/** Samples the centripetal Catmull-Rom spline through the stroke's points, with widths interpolated. */
function sampleStroke(pts: P[], step: number): Sample[] {
  const out: Sample[] = [{ x: pts[0].x, y: pts[0].y, r: pts[0].w / 2 }];
  const n = pts.length;
  for (let i = 0; i < n - 1; i++) {
    const p0 = pts[Math.max(0, i - 1)], p1 = pts[i], p2 = pts[i + 1], p3 = pts[Math.min(n - 1, i + 2)];
    const d1 = Math.sqrt(Math.hypot(p1.x - p0.x, p1.y - p0.y));
    const d2 = Math.sqrt(Math.hypot(p2.x - p1.x, p2.y - p1.y));
    const d3 = Math.sqrt(Math.hypot(p3.x - p2.x, p3.y - p2.y));
    // Bézier control points of the centripetal (α = ½) Catmull-Rom segment p1 → p2.
    const c1 = d1 > 1e-9
      ? [(d1 * d1 * p2.x - d2 * d2 * p0.x + (2 * d1 * d1 + 3 * d1 * d2 + d2 * d2) * p1.x) / (3 * d1 * (d1 + d2)),
        (d1 * d1 * p2.y - d2 * d2 * p0.y + (2 * d1 * d1 + 3 * d1 * d2 + d2 * d2) * p1.y) / (3 * d1 * (d1 + d2))]
      : [p1.x + (p2.x - p1.x) / 3, p1.y + (p2.y - p1.y) / 3];
    const c2 = d3 > 1e-9
      ? [(d3 * d3 * p1.x - d2 * d2 * p3.x + (2 * d3 * d3 + 3 * d3 * d2 + d2 * d2) * p2.x) / (3 * d3 * (d3 + d2)),
        (d3 * d3 * p1.y - d2 * d2 * p3.y + (2 * d3 * d3 + 3 * d3 * d2 + d2 * d2) * p2.y) / (3 * d3 * (d3 + d2))]
      : [p2.x - (p2.x - p1.x) / 3, p2.y - (p2.y - p1.y) / 3];
    const hull = Math.hypot(c1[0] - p1.x, c1[1] - p1.y) + Math.hypot(c2[0] - c1[0], c2[1] - c1[1]) + Math.hypot(p2.x - c2[0], p2.y - c2[1]);
    const m = Math.min(64, Math.max(1, Math.ceil(hull / step)));
    for (let j = 1; j <= m; j++) {
      const t = j / m, u = 1 - t;
      const x = u * u * u * p1.x + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * p2.x;
      const y = u * u * u * p1.y + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * p2.y;
      const e = t * t * (3 - 2 * t); // ease the width between points
      out.push({ x, y, r: (p1.w + (p2.w - p1.w) * e) / 2 });
    }
  }
  return out;
}

/**
 * Adds a stroke's outline to `b`: the ribbon left of the path forward, a round cap, the right side
 * back, a round cap. Pieces split at sharp turns, each a closed ribbon of the same orientation, so
 * that the nonzero fill unites them without holes.
 */
function strokeOutline(b: PathBuilder, pts: P[], step: number): void {
  // Every piece winds the same way (counter-clockwise in input coordinates), dots included.
  if (pts.length === 1) {
    b.circle(pts[0].x, pts[0].y, pts[0].w / 2);
    return;
  }
  const s = sampleStroke(pts, step);
  let start = 0;
  for (let i = 1; i < s.length - 1; i++) {
    const ax = s[i].x - s[i - 1].x, ay = s[i].y - s[i - 1].y;
    const bx = s[i + 1].x - s[i].x, by = s[i + 1].y - s[i].y;
    const turn = Math.abs(Math.atan2(ax * by - ay * bx, ax * bx + ay * by));
    const seg = Math.min(Math.hypot(ax, ay), Math.hypot(bx, by));
    // A turn tighter than the pen (radius of curvature below its radius) folds the inner edge.
    if (turn > 0.9 || (turn > 0.05 && seg / turn < s[i].r)) {
      ribbon(b, s.slice(start, i + 1));
      start = i;
    }
  }
  ribbon(b, s.slice(start));
}

function ribbon(b: PathBuilder, s: Sample[]): void {
  const n = s.length;
  if (n < 2) {
    if (n === 1) b.circle(s[0].x, s[0].y, s[0].r);
    return;
  }
  const left: number[] = [], right: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = s[Math.max(0, i - 1)], c = s[Math.min(n - 1, i + 1)];
    let dx = c.x - a.x, dy = c.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    dx /= len;
    dy /= len;
    // Input space is y down, so (dy, −dx) is the left normal as drawn on paper.
    left.push(s[i].x + dy * s[i].r, s[i].y - dx * s[i].r);
    right.push(s[i].x - dy * s[i].r, s[i].y + dx * s[i].r);
  }
  smoothLine(b, left, true);
  const e = s[n - 1];
  b.arcTo(e.r, e.r, 0, false, true, right[2 * n - 2], right[2 * n - 1]);
  const back: number[] = [];
  for (let i = n - 1; i >= 0; i--) back.push(right[2 * i], right[2 * i + 1]);
  smoothLine(b, back, false);
  const f = s[0];
  b.arcTo(f.r, f.r, 0, false, true, left[0], left[1]);
  b.close();
}

/** Continues the path through points with a uniform Catmull-Rom spline (as cubics). */
function smoothLine(b: PathBuilder, p: number[], moveFirst: boolean): void {
  const n = p.length / 2;
  if (moveFirst) b.moveTo(p[0], p[1]);
  else b.lineTo(p[0], p[1]);
  for (let i = 0; i < n - 1; i++) {
    const i0 = Math.max(0, i - 1), i3 = Math.min(n - 1, i + 2);
    b.curveTo(
      p[2 * i] + (p[2 * (i + 1)] - p[2 * i0]) / 6, p[2 * i + 1] + (p[2 * (i + 1) + 1] - p[2 * i0 + 1]) / 6,
      p[2 * (i + 1)] - (p[2 * i3] - p[2 * i]) / 6, p[2 * (i + 1) + 1] - (p[2 * i3 + 1] - p[2 * i + 1]) / 6,
      p[2 * (i + 1)], p[2 * (i + 1) + 1],
    );
  }
}
