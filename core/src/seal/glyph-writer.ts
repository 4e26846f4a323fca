/**
 * Draws text as glyph outlines (no font in the output): characters placed one by one, condensed,
 * rotated, along a circular or elliptical arc or on a line, the way seal engravers lay them out.
 * Outlines come from {@link FontProgram.outline}, cached per font, so a warm seal costs little.
 */
import { SignetError } from '../errors.js';
import { FontProgram } from '../font/font-program.js';
import { multiply, rotate, scale, translate, type Matrix, type PathBuilder } from './drawing.js';

/** The fonts a seal is drawn with: a CJK font, and optionally another for Latin letters and digits. */
export interface SealFonts {
  cjk: FontProgram;
  latin?: FontProgram;
}

/** Parses (once per byte array) the fonts a seal is drawn with. */
export function sealFonts(font: Uint8Array, latinFont?: Uint8Array): SealFonts {
  return { cjk: FontProgram.load(font), latin: latinFont ? FontProgram.load(latinFont) : undefined };
}

function isCjk(cp: number): boolean {
  return cp >= 0x2e80;
}

interface FontBox {
  /** The font's ideographic em box bottom and height (CJK), or 0 and the cap height (Latin), in font units. */
  bottom: number;
  height: number;
}

const boxes = new WeakMap<FontProgram, { em: FontBox; cap: FontBox }>();

function fontBoxes(p: FontProgram): { em: FontBox; cap: FontBox } {
  let b = boxes.get(p);
  if (!b) {
    const os2 = (p.font as unknown as { 'OS/2'?: { typoAscender?: number; typoDescender?: number } })['OS/2'];
    const asc = os2?.typoAscender ?? p.metrics.ascent;
    const desc = os2?.typoDescender ?? p.metrics.descent;
    const em = asc - desc > 0 ? { bottom: desc, height: asc - desc } : { bottom: -0.12 * p.unitsPerEm, height: p.unitsPerEm };
    const capH = p.metrics.capHeight > 0 && p.metrics.capHeight < p.unitsPerEm ? p.metrics.capHeight : 0.72 * p.unitsPerEm;
    b = { em, cap: { bottom: 0, height: capH } };
    boxes.set(p, b);
  }
  return b;
}

/** A character to draw: its box (advance × em or cap height) is mapped onto `w` × `h` around (cx, cy). */
export interface GlyphPlacement {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** Counter-clockwise rotation in radians; 0 is upright. */
  angle?: number;
}

/** Writes characters of one text run as glyph outlines into a {@link PathBuilder}. */
export class GlyphWriter {
  /** True when Latin characters are sized by their cap height to `h` (codes, numbers); else to 72 % of `h`. */
  private readonly latinFull: boolean;

  constructor(
    private readonly fonts: SealFonts,
    /** The text run; it decides how Latin characters are sized (see {@link aspect}). */
    readonly text: string,
  ) {
    let cjk = false;
    for (const ch of text) if (isCjk(ch.codePointAt(0)!)) cjk = true;
    this.latinFull = !cjk;
    this.assertCovered(text);
  }

  private pick(ch: string): { p: FontProgram; gid: number; box: FontBox; latin: boolean } {
    const cp = ch.codePointAt(0)!;
    const latin = !isCjk(cp);
    const f = latin && this.fonts.latin?.covers(ch) ? this.fonts.latin : this.fonts.cjk;
    const b = fontBoxes(f);
    return { p: f, gid: f.glyphIds(ch)[0], box: latin ? b.cap : b.em, latin };
  }

  /** Throws INVALID_ARGUMENT naming the characters no font has. */
  private assertCovered(text: string): void {
    const missing = [...new Set([...text].filter((ch) => ch.trim() && !this.fonts.cjk.covers(ch) && !(this.fonts.latin?.covers(ch))))];
    if (missing.length) {
      throw new SignetError('INVALID_ARGUMENT', `The seal font has no glyph for ${missing.map((c) => `"${c}"`).join(', ')}; remove those characters or give a font that has them`);
    }
  }

  /** The natural width of a character's box relative to the height it is drawn at. */
  aspect(ch: string): number {
    const { p, gid, box, latin } = this.pick(ch);
    const k = latin && !this.latinFull ? 0.72 : 1;
    return (p.advance(gid) / box.height) * k;
  }

  /** Draws one character. */
  draw(b: PathBuilder, ch: string, at: GlyphPlacement): void {
    if (!ch.trim()) return;
    const { p, gid, box, latin } = this.pick(ch);
    const k = latin && !this.latinFull ? 0.72 : 1;
    const adv = p.advance(gid) || p.unitsPerEm;
    const sy = (at.h * k) / box.height, sx = at.w / adv;
    // The box (em box for CJK, cap box for Latin) is centred on (cx, cy), so mixed runs line up.
    let m: Matrix = multiply(translate(-adv / 2, -(box.bottom + box.height / 2)), scale(sx, sy));
    if (at.angle) m = multiply(m, rotate(at.angle));
    m = multiply(m, translate(at.cx, at.cy));
    const saved = b.matrix;
    b.matrix = m;
    for (const c of p.outline(gid)) {
      switch (c.op) {
        case 'M': b.moveTo(c.x, c.y); break;
        case 'L': b.lineTo(c.x, c.y); break;
        case 'Q': b.quadTo(c.cx, c.cy, c.x, c.y); break;
        case 'C': b.curveTo(c.c1x, c.c1y, c.c2x, c.c2y, c.x, c.y); break;
        case 'Z': b.close(); break;
      }
    }
    b.matrix = saved;
  }
}

/** Where an arc of text goes: an ellipse (a circle when rx = ry) through the characters' centres. */
export interface ArcLayout {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** `top` reads left to right over the top, tops outward; `bottom` reads left to right under the bottom, tops inward. */
  side: 'top' | 'bottom';
  /** The angle the text covers, in degrees, measured at the centre. */
  spanDeg: number;
  /** Character height. */
  height: number;
  /** Character width as a fraction of its natural width (below 1 condenses). Default 1. */
  widthRatio?: number;
  /** Characters never get narrower than this fraction of their natural width; below it the text is too long. Default 0.4. */
  minWidthRatio?: number;
  /** The text's name in the error when it does not fit, e.g. `the company name`. */
  what: string;
  /** Jitter for the aged look: returns a small extra rotation (radians) and offset per character. */
  jitter?: () => [number, number, number];
}

/**
 * Lays `text` along an arc, the character centres evenly spaced by arc length from one end of the
 * span to the other. Characters are condensed to fit their spacing; throws SEAL_TEXT_TOO_LONG when
 * they would be narrower than `minWidthRatio` of their natural width.
 */
export function textOnArc(b: PathBuilder, g: GlyphWriter, text: string, a: ArcLayout): void {
  const chars = [...text];
  const n = chars.length;
  if (n === 0) return;
  const span = (a.spanDeg * Math.PI) / 180;
  const [t0, t1] = a.side === 'top' ? [-span / 2, span / 2] : [Math.PI + span / 2, Math.PI - span / 2];
  // Arc-length table over the parameter t (x = rx·sin t, y = ry·cos t; t = 0 at the top, clockwise).
  const N = 256;
  const len = new Float64Array(N + 1);
  const pt = (t: number): [number, number] => [a.cx + a.rx * Math.sin(t), a.cy + a.ry * Math.cos(t)];
  let [px, py] = pt(t0);
  for (let i = 1; i <= N; i++) {
    const [x, y] = pt(t0 + ((t1 - t0) * i) / N);
    len[i] = len[i - 1] + Math.hypot(x - px, y - py);
    px = x;
    py = y;
  }
  const total = len[N];
  const spacing = n > 1 ? total / (n - 1) : Infinity;
  const tAt = (s: number): number => {
    let lo = 0, hi = N;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (len[mid] < s) lo = mid;
      else hi = mid;
    }
    const f = len[hi] > len[lo] ? (s - len[lo]) / (len[hi] - len[lo]) : 0;
    return t0 + ((t1 - t0) * (lo + f)) / N;
  };
  const ratio = a.widthRatio ?? 1;
  const minRatio = a.minWidthRatio ?? 0.4;
  const widths = chars.map((ch) => g.aspect(ch) * a.height);
  const widest = Math.max(...widths);
  // Keep a little gap between neighbours: a character may use 95 % of the spacing.
  const fit = Math.min(ratio, (spacing * 0.95) / widest);
  if (fit < minRatio * Math.min(1, ratio) || fit <= 0) {
    const maxN = Math.max(1, Math.floor((total * 0.95) / (widest * minRatio)) + 1);
    throw new SignetError('SEAL_TEXT_TOO_LONG', `${capitalize(a.what)} has ${n} characters; at most ${maxN} fit this seal. Shorten it or give a larger seal size`, { length: n, max: maxN });
  }
  chars.forEach((ch, i) => {
    const t = tAt(n > 1 ? (total * i) / (n - 1) : total / 2);
    const [x, y] = pt(t);
    // Outward normal of the ellipse at t.
    const nx = a.ry * Math.sin(t), ny = a.rx * Math.cos(t);
    let angle = a.side === 'top' ? Math.atan2(-nx, ny) : Math.atan2(nx, -ny);
    let ox = 0, oy = 0;
    if (a.jitter) {
      const [da, jx, jy] = a.jitter();
      angle += da;
      ox = jx;
      oy = jy;
    }
    g.draw(b, ch, { cx: x + ox, cy: y + oy, w: widths[i] * fit, h: a.height, angle });
  });
}

/** Where a line of text goes. */
export interface LineLayout {
  /** Centre of the line. */
  cx: number;
  cy: number;
  height: number;
  /** The widest the line may be. */
  maxWidth: number;
  /** Character width as a fraction of the natural width; default 1. */
  widthRatio?: number;
  /** Fixed width of every character's box (overrides the natural width), e.g. 1.3 mm for a tax number. */
  charWidth?: number;
  /** Gap between characters as a fraction of the height; default 0.08. */
  gap?: number;
  /** Default 0.35; see {@link ArcLayout.minWidthRatio}. */
  minWidthRatio?: number;
  what: string;
  jitter?: () => [number, number, number];
}

/**
 * Sets `text` on a horizontal line centred at (cx, cy), condensing it to `maxWidth` when needed;
 * throws SEAL_TEXT_TOO_LONG when it would be condensed beyond `minWidthRatio`.
 */
export function textLine(b: PathBuilder, g: GlyphWriter, text: string, l: LineLayout): number {
  const chars = [...text];
  if (chars.length === 0) return 0;
  const ratio = l.widthRatio ?? 1;
  const widths = chars.map((ch) => (l.charWidth ?? g.aspect(ch) * l.height * ratio));
  const gap = (l.gap ?? 0.08) * l.height;
  const natural = widths.reduce((s, w) => s + w, 0) + gap * (chars.length - 1);
  let k = 1;
  if (natural > l.maxWidth) {
    k = l.maxWidth / natural;
    if (k < (l.minWidthRatio ?? 0.35)) {
      throw new SignetError('SEAL_TEXT_TOO_LONG', `${capitalize(l.what)} "${text}" is too long for this seal; shorten it or give a larger seal size`, { length: chars.length });
    }
  }
  let x = l.cx - (natural * k) / 2;
  chars.forEach((ch, i) => {
    const w = widths[i] * k;
    let angle = 0, ox = 0, oy = 0;
    if (l.jitter) [angle, ox, oy] = l.jitter();
    g.draw(b, ch, { cx: x + w / 2 + ox, cy: l.cy + oy, w, h: l.height, angle });
    x += w + gap * k;
  });
  return natural * k;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
