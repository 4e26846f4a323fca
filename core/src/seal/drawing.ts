/**
 * The one geometry model of seals, handwriting and imported SVG: filled and stroked vector paths
 * in points, y up, origin at the lower-left corner. It is rendered two ways, as standalone SVG
 * ({@link drawingToSvg}) and as PDF content operators ({@link drawingToPdf}); no raster anywhere.
 */
import { SignetError } from '../errors.js';

/** A colour as red, green and blue from 0 to 1. */
export type Rgb = readonly [number, number, number];

/** An affine matrix `[a b c d e f]`: x' = a·x + c·y + e, y' = b·x + d·y + f (ISO 32000-1 §8.3.3). */
export type Matrix = readonly [number, number, number, number, number, number];

/** The identity matrix. */
export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** How a path is painted (ISO 32000-1 §8.5.3; SVG 1.1 §11). */
export interface Paint {
  fill?: Rgb;
  /** Default `nonzero`. */
  fillRule?: 'nonzero' | 'evenodd';
  /** 0 to 1; default 1. */
  fillOpacity?: number;
  stroke?: Rgb;
  /** In the path's own coordinates (before {@link DrawingPath.transform}); default 1. */
  strokeWidth?: number;
  strokeOpacity?: number;
  lineCap?: 'butt' | 'round' | 'square';
  lineJoin?: 'miter' | 'round' | 'bevel';
  miterLimit?: number;
  /** Dash lengths, in the path's own coordinates. */
  dash?: number[];
}

/**
 * One path. `ops` holds one letter per command: `M` and `L` take 2 numbers from `coords`, `C`
 * (a cubic Bézier) takes 6, `Z` none. Quadratic curves and arcs are converted to cubics on input.
 */
export interface DrawingPath {
  ops: string;
  coords: number[];
  paint: Paint;
  /** Maps the path's coordinates into the drawing's; the identity when absent. */
  transform?: Matrix;
}

/** A vector drawing: its size in points and its paths, painted in order. */
export interface Drawing {
  width: number;
  height: number;
  paths: DrawingPath[];
  /** Shown as the SVG `<title>` (e.g. the seal's text). */
  title?: string;
  /**
   * `multiply` paints the whole drawing like ink (ISO 32000-1 §11.3.5; CSS mix-blend-mode): text
   * under a seal stays readable, as it does under a real stamp. Default: normal painting.
   */
  blend?: 'multiply';
}

/** Points per millimetre (72 / 25.4). */
export const PT_PER_MM = 72 / 25.4;

/** Converts millimetres to points. */
export function mm(v: number): number {
  return v * PT_PER_MM;
}

/** Multiplies two matrices: the result applies `m` first, then `n`. */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

/** A translation matrix. */
export function translate(tx: number, ty: number): Matrix {
  return [1, 0, 0, 1, tx, ty];
}

/** A scaling matrix. */
export function scale(sx: number, sy = sx): Matrix {
  return [sx, 0, 0, sy, 0, 0];
}

/** A counter-clockwise rotation by `rad` radians (y up). */
export function rotate(rad: number): Matrix {
  const c = Math.cos(rad), s = Math.sin(rad);
  return [c, s, -s, c, 0, 0];
}

/** The mean scale factor of a matrix (the square root of its determinant's magnitude). */
export function matrixScale(m: Matrix): number {
  return Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));
}

/**
 * Parses a colour: `#rgb`, `#rrggbb`, `rgb(r, g, b)` (numbers or percentages) or one of the CSS
 * named colours Signet knows. Returns undefined for `none` and `transparent`; throws
 * INVALID_ARGUMENT for anything else, naming the accepted forms.
 */
export function parseColor(text: string): Rgb | undefined {
  const s = text.trim().toLowerCase();
  if (s === 'none' || s === 'transparent') return undefined;
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16) / 255) as unknown as Rgb;
  m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16) / 255) as unknown as Rgb;
  m = /^rgba?\(\s*([^,\s]+)\s*[,\s]\s*([^,\s]+)\s*[,\s]\s*([^,\s)]+)\s*(?:[,/]\s*[^)]+)?\)$/.exec(s);
  if (m) {
    const ch = (v: string) => {
      const n = v.endsWith('%') ? (parseFloat(v) / 100) * 255 : parseFloat(v);
      if (!Number.isFinite(n)) throw colorError(text);
      return Math.min(1, Math.max(0, n / 255));
    };
    return [ch(m[1]), ch(m[2]), ch(m[3])];
  }
  const named = NAMED_COLORS[s];
  if (named !== undefined) return [((named >> 16) & 255) / 255, ((named >> 8) & 255) / 255, (named & 255) / 255];
  throw colorError(text);
}

function colorError(text: string): SignetError {
  return new SignetError('INVALID_ARGUMENT', `"${text}" is not a colour; use #rrggbb (e.g. #e60012), #rgb, rgb(r,g,b) or a CSS colour name`);
}

/** Formats a colour as `#rrggbb`. */
export function colorHex(c: Rgb): string {
  let out = '#';
  for (const v of c) out += Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0');
  return out;
}

// The CSS colour names seal images and hand-written SVG commonly use.
const NAMED_COLORS: Record<string, number> = {
  black: 0x000000, white: 0xffffff, red: 0xff0000, green: 0x008000, blue: 0x0000ff, yellow: 0xffff00,
  gray: 0x808080, grey: 0x808080, silver: 0xc0c0c0, maroon: 0x800000, purple: 0x800080, fuchsia: 0xff00ff,
  lime: 0x00ff00, olive: 0x808000, navy: 0x000080, teal: 0x008080, aqua: 0x00ffff, orange: 0xffa500,
  crimson: 0xdc143c, darkred: 0x8b0000, firebrick: 0xb22222, indianred: 0xcd5c5c, brown: 0xa52a2a,
  pink: 0xffc0cb, gold: 0xffd700, darkgray: 0xa9a9a9, darkgrey: 0xa9a9a9, lightgray: 0xd3d3d3,
  lightgrey: 0xd3d3d3, dimgray: 0x696969, dimgrey: 0x696969, darkblue: 0x00008b, darkgreen: 0x006400,
  orangered: 0xff4500, tomato: 0xff6347, magenta: 0xff00ff, cyan: 0x00ffff, whitesmoke: 0xf5f5f5,
};

const KAPPA = 0.5522847498307936; // 4/3·(√2−1): the cubic that best fits a quarter circle

/**
 * Builds one path, transforming every point by a matrix as it goes, so that glyph outlines and
 * shapes are placed (rotated, condensed) without a per-path transform.
 */
export class PathBuilder {
  ops = '';
  readonly coords: number[] = [];
  private lx = 0;
  private ly = 0;
  private sx = 0;
  private sy = 0;

  constructor(
    /** The matrix applied to every point given from now on. */
    public matrix: Matrix = IDENTITY,
  ) {}

  private put(x: number, y: number): void {
    const m = this.matrix;
    this.coords.push(m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]);
  }

  /** Starts a subpath. */
  moveTo(x: number, y: number): this {
    this.ops += 'M';
    this.put(x, y);
    this.lx = this.sx = x;
    this.ly = this.sy = y;
    return this;
  }

  /** A straight segment. */
  lineTo(x: number, y: number): this {
    this.ops += 'L';
    this.put(x, y);
    this.lx = x;
    this.ly = y;
    return this;
  }

  /** A cubic Bézier segment. */
  curveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): this {
    this.ops += 'C';
    this.put(x1, y1);
    this.put(x2, y2);
    this.put(x, y);
    this.lx = x;
    this.ly = y;
    return this;
  }

  /** A quadratic Bézier segment, stored as the equivalent cubic. */
  quadTo(cx: number, cy: number, x: number, y: number): this {
    const x0 = this.lx, y0 = this.ly;
    return this.curveTo(x0 + (2 / 3) * (cx - x0), y0 + (2 / 3) * (cy - y0), x + (2 / 3) * (cx - x), y + (2 / 3) * (cy - y), x, y);
  }

  /** Closes the current subpath. */
  close(): this {
    this.ops += 'Z';
    this.lx = this.sx;
    this.ly = this.sy;
    return this;
  }

  /** The current point, in the coordinates given (before the matrix). */
  get current(): [number, number] {
    return [this.lx, this.ly];
  }

  /** The start of the current subpath, in the coordinates given. */
  get subpathStart(): [number, number] {
    return [this.sx, this.sy];
  }

  /** An ellipse as four cubics; counter-clockwise unless `clockwise`. */
  ellipse(cx: number, cy: number, rx: number, ry: number, clockwise = false): this {
    const kx = rx * KAPPA, ky = (clockwise ? -ry : ry) * KAPPA, ryd = clockwise ? -ry : ry;
    this.moveTo(cx + rx, cy);
    this.curveTo(cx + rx, cy + ky, cx + kx, cy + ryd, cx, cy + ryd);
    this.curveTo(cx - kx, cy + ryd, cx - rx, cy + ky, cx - rx, cy);
    this.curveTo(cx - rx, cy - ky, cx - kx, cy - ryd, cx, cy - ryd);
    this.curveTo(cx + kx, cy - ryd, cx + rx, cy - ky, cx + rx, cy);
    return this.close();
  }

  /** A circle as four cubics; counter-clockwise unless `clockwise`. */
  circle(cx: number, cy: number, r: number, clockwise = false): this {
    return this.ellipse(cx, cy, r, r, clockwise);
  }

  /** A rectangle (lower-left x, y, width, height); counter-clockwise unless `clockwise`. */
  rect(x: number, y: number, w: number, h: number, clockwise = false): this {
    this.moveTo(x, y);
    if (clockwise) this.lineTo(x, y + h).lineTo(x + w, y + h).lineTo(x + w, y);
    else this.lineTo(x + w, y).lineTo(x + w, y + h).lineTo(x, y + h);
    return this.close();
  }

  /** A rectangle with corners rounded to radius `r`; counter-clockwise unless `clockwise`. */
  roundedRect(x: number, y: number, w: number, h: number, r: number, clockwise = false): this {
    r = Math.max(0, Math.min(r, w / 2, h / 2));
    if (clockwise) return this.mirrored(y + h / 2, () => this.roundedRect(x, y, w, h, r));
    if (r === 0) return this.rect(x, y, w, h);
    const k = r * KAPPA;
    this.moveTo(x + r, y);
    this.lineTo(x + w - r, y).curveTo(x + w - r + k, y, x + w, y + r - k, x + w, y + r);
    this.lineTo(x + w, y + h - r).curveTo(x + w, y + h - r + k, x + w - r + k, y + h, x + w - r, y + h);
    this.lineTo(x + r, y + h).curveTo(x + r - k, y + h, x, y + h - r + k, x, y + h - r);
    this.lineTo(x, y + r).curveTo(x, y + r - k, x + r - k, y, x + r, y);
    return this.close();
  }

  /** Draws `fn` mirrored about the line y = `axis`, which reverses its orientation. */
  private mirrored(axis: number, fn: () => void): this {
    const saved = this.matrix;
    this.matrix = multiply([1, 0, 0, -1, 0, 2 * axis], saved);
    try {
      fn();
    } finally {
      this.matrix = saved;
    }
    return this;
  }

  /** A closed polygon through `points` ([x0, y0, x1, y1, …]). */
  polygon(points: number[]): this {
    if (points.length < 4) return this;
    this.moveTo(points[0], points[1]);
    for (let i = 2; i + 1 < points.length; i += 2) this.lineTo(points[i], points[i + 1]);
    return this.close();
  }

  /**
   * An elliptical arc from the current point to (x, y), SVG-style (SVG 1.1 §F.6.5): radii, x-axis
   * rotation in degrees, and the large-arc and sweep flags. Stored as cubics of at most 90° each.
   */
  arcTo(rx: number, ry: number, rotationDeg: number, largeArc: boolean, sweep: boolean, x: number, y: number): this {
    const x1 = this.lx, y1 = this.ly;
    if (x1 === x && y1 === y) return this;
    rx = Math.abs(rx);
    ry = Math.abs(ry);
    if (rx === 0 || ry === 0) return this.lineTo(x, y);
    const phi = (rotationDeg * Math.PI) / 180;
    const cos = Math.cos(phi), sin = Math.sin(phi);
    const dx = (x1 - x) / 2, dy = (y1 - y) / 2;
    const x1p = cos * dx + sin * dy, y1p = -sin * dx + cos * dy;
    const lambda = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry);
    if (lambda > 1) {
      rx *= Math.sqrt(lambda);
      ry *= Math.sqrt(lambda);
    }
    const num = rx * rx * ry * ry - rx * rx * y1p * y1p - ry * ry * x1p * x1p;
    const den = rx * rx * y1p * y1p + ry * ry * x1p * x1p;
    let coef = Math.sqrt(Math.max(0, num / den));
    if (largeArc === sweep) coef = -coef;
    const cxp = (coef * rx * y1p) / ry, cyp = (-coef * ry * x1p) / rx;
    const cx = cos * cxp - sin * cyp + (x1 + x) / 2, cy = sin * cxp + cos * cyp + (y1 + y) / 2;
    const ang = (ux: number, uy: number, vx: number, vy: number) => {
      const a = Math.atan2(ux * vy - uy * vx, ux * vx + uy * vy);
      return a;
    };
    const t1 = ang(1, 0, (x1p - cxp) / rx, (y1p - cyp) / ry);
    let dt = ang((x1p - cxp) / rx, (y1p - cyp) / ry, (-x1p - cxp) / rx, (-y1p - cyp) / ry);
    if (!sweep && dt > 0) dt -= 2 * Math.PI;
    else if (sweep && dt < 0) dt += 2 * Math.PI;
    const segs = Math.max(1, Math.ceil(Math.abs(dt) / (Math.PI / 2) - 1e-9));
    const step = dt / segs;
    const k = (4 / 3) * Math.tan(step / 4);
    let t = t1;
    for (let i = 0; i < segs; i++) {
      const c1 = Math.cos(t), s1 = Math.sin(t), c2 = Math.cos(t + step), s2 = Math.sin(t + step);
      const p = (ex: number, ey: number): [number, number] => [cx + rx * ex * cos - ry * ey * sin, cy + rx * ex * sin + ry * ey * cos];
      const [ax, ay] = p(c1 - k * s1, s1 + k * c1);
      const [bx, by] = p(c2 + k * s2, s2 - k * c2);
      const [ex, ey] = i === segs - 1 ? [x, y] : p(c2, s2);
      this.curveTo(ax, ay, bx, by, ex, ey);
      t += step;
    }
    return this;
  }

  /** Appends another path's commands (already in drawing coordinates), untransformed. */
  append(ops: string, coords: readonly number[]): this {
    this.ops += ops;
    for (const c of coords) this.coords.push(c);
    return this;
  }

  /** True when nothing has been drawn. */
  get empty(): boolean {
    return this.ops.length === 0;
  }

  /** Finishes the path with its paint. */
  toPath(paint: Paint): DrawingPath {
    return { ops: this.ops, coords: this.coords, paint };
  }
}

/** The bounding box of a path's points (control points included), in drawing coordinates. */
export function pathBounds(p: DrawingPath): [number, number, number, number] {
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  const m = p.transform ?? IDENTITY;
  const c = p.coords;
  for (let i = 0; i + 1 < c.length; i += 2) {
    const x = m[0] * c[i] + m[2] * c[i + 1] + m[4], y = m[1] * c[i] + m[3] * c[i + 1] + m[5];
    if (x < x1) x1 = x;
    if (x > x2) x2 = x;
    if (y < y1) y1 = y;
    if (y > y2) y2 = y;
  }
  return [x1, y1, x2, y2];
}

/** Returns a copy of the drawing scaled uniformly by `k` (size and every path). */
export function scaleDrawing(d: Drawing, k: number): Drawing {
  return {
    ...d,
    width: d.width * k,
    height: d.height * k,
    paths: d.paths.map((p) => ({ ...p, transform: multiply(p.transform ?? IDENTITY, scale(k)) })),
  };
}

/** Formats a coordinate for SVG or PDF output: at most `decimals` decimals, no trailing zeros, no `-0`. */
export function formatNumber(v: number, decimals = 2): string {
  // Integer arithmetic and string building: several times faster than String(Math.round(v·f)/f),
  // and drawings hold thousands of numbers.
  const f = POW10[decimals] ?? 10 ** decimals;
  let n = Math.round(v * f);
  if (n === 0 || !Number.isFinite(n)) return '0';
  const neg = n < 0;
  if (neg) n = -n;
  if (n >= 2 ** 52) return String(Math.round(v * f) / f);
  const int = Math.floor(n / f);
  let frac = n - int * f;
  let s = neg ? '-' + int : '' + int;
  if (frac) {
    let d = decimals;
    while (frac % 10 === 0) {
      frac /= 10;
      d--;
    }
    const t = '' + frac;
    s += '.' + (t.length < d ? '0'.repeat(d - t.length) + t : t);
  }
  return s;
}

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000];
