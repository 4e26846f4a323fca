/**
 * The square personal seal (个人名章, e.g. 张三之印): characters in a grid read the traditional
 * way (top to bottom, columns right to left) or in one row, with an optional inner border, as
 * 阳文 (red characters) or 阴文 (white characters on red).
 */
import { SignetError } from '../errors.js';
import { PathBuilder, mm, type Drawing } from './drawing.js';
import { GlyphWriter } from './glyph-writer.js';
import { rectRing } from './seal-shapes.js';
import { checkMm, jitterOf, resolveStyle, type SealStyle } from './seal-style.js';

/** Options of {@link squareSeal}; sizes in millimetres. */
export interface SquareSealOptions extends SealStyle {
  /** The characters, e.g. 张三之印 (see {@link personalSealText}). */
  text: string;
  /** Side of the square (the height for `row`); default 18. */
  size?: number;
  /** `grid` (default): columns right to left, top to bottom, e.g. 2 × 2; `row`: 1 × N, left to right. */
  layout?: 'grid' | 'row';
  /** Border width; default 6 % of the size. */
  border?: number;
  /** A thin line inside the border; default off. */
  innerBorder?: boolean;
  /** `yang` (阳文, default): red characters and border; `yin` (阴文): white characters on a red square. */
  style?: 'yang' | 'yin';
}

/** The most characters a personal seal takes. */
const MAX_CHARS = 9;

/**
 * The text of a personal seal for a name, as seal engravers make it: two characters get 之印
 * (张三 → 张三之印), three get 印 (李小明 → 李小明印), others stay as they are.
 */
export function personalSealText(name: string): string {
  const n = [...name.trim()];
  const cjk = n.every((ch) => ch.codePointAt(0)! >= 0x2e80);
  if (!cjk) return name.trim();
  if (n.length === 2) return n.join('') + '之印';
  if (n.length === 3) return n.join('') + '印';
  return n.join('');
}

/** Draws a square (or, with `row`, oblong) personal seal. */
export function squareSeal(o: SquareSealOptions): Drawing {
  const st = resolveStyle(o);
  const chars = [...(o.text ?? '').replace(/\s+/g, '')];
  if (chars.length === 0) throw new SignetError('INVALID_ARGUMENT', 'A square seal needs its text, e.g. 张三之印');
  if (chars.length > MAX_CHARS) {
    throw new SignetError('SEAL_TEXT_TOO_LONG', `A personal seal takes at most ${MAX_CHARS} characters, not ${chars.length}; shorten the text`, { length: chars.length, max: MAX_CHARS });
  }
  const Smm = checkMm(o.size ?? 18, 'size', 5, 80);
  const S = mm(Smm);
  const border = mm(checkMm(o.border ?? Smm * 0.06, 'border', 0.1, Smm / 5));
  const yin = o.style === 'yin';
  const layout = o.layout ?? 'grid';
  const pad = S * 0.05;
  const inner = S - 2 * (border + pad);

  // Cells: [x, y, w, h] of each character, in reading order.
  const cells: [number, number, number, number][] = [];
  let W = S;
  if (layout === 'row') {
    const cw = inner * 0.92;
    W = chars.length * cw + 2 * (border + pad);
    chars.forEach((_, i) => cells.push([border + pad + i * cw, border + pad, cw, inner]));
  } else {
    const rows = Math.ceil(Math.sqrt(chars.length));
    const cols = Math.ceil(chars.length / rows);
    const cw = inner / cols;
    for (let col = 0; col < cols; col++) {
      const inCol = Math.min(rows, chars.length - col * rows);
      const ch = inner / inCol;
      const x = border + pad + inner - (col + 1) * cw; // columns from the right
      for (let r = 0; r < inCol; r++) cells.push([x, border + pad + inner - (r + 1) * ch, cw, ch]);
    }
  }

  const unit = mm(Smm / 18);
  const radius = S * 0.03;
  const g = new GlyphWriter(st.fonts, chars.join(''));
  const jitter = jitterOf(st, unit);
  const opacity = st.strength ? 1 - 0.08 * st.strength : undefined;
  // 阳文: the border band (even-odd) and the characters in ink. 阴文: one nonzero path, a
  // counter-clockwise square with the characters (TrueType outlines run clockwise) and the inner
  // line cut out of it, so the paper shows through them as it does under a real stamp.
  const frame = new PathBuilder();
  const marks = yin ? frame : new PathBuilder();
  if (yin) frame.roundedRect(0, 0, W, S, radius);
  else rectRing(frame, 0, 0, W, S, border, radius, st);
  const lines = yin ? frame : new PathBuilder();
  if (o.innerBorder) {
    const gap = yin ? border * 0.45 : border * 0.8, lw = Math.max(mm(0.15), border * 0.25);
    const e = gap + (yin ? 0 : border);
    lines.rect(e, e, W - 2 * e, S - 2 * e, yin);
    lines.rect(e + lw, e + lw, W - 2 * (e + lw), S - 2 * (e + lw), !yin);
  }
  chars.forEach((c, i) => {
    const [x, y, w, h] = cells[i];
    let angle = 0, ox = 0, oy = 0;
    if (jitter) [angle, ox, oy] = jitter();
    // Seal characters fill their cell: slightly taller than wide cells condense, wider ones expand.
    g.draw(marks, c, { cx: x + w / 2 + ox, cy: y + h / 2 + oy, w: w * 0.96, h: h * 0.96, angle });
  });

  const paths = [frame.toPath({ fill: st.color, fillRule: yin ? 'nonzero' : 'evenodd', fillOpacity: opacity })];
  if (!yin && !lines.empty) paths.push(lines.toPath({ fill: st.color, fillRule: 'evenodd', fillOpacity: opacity }));
  if (!yin) paths.push(marks.toPath({ fill: st.color, fillOpacity: opacity }));
  return { width: W, height: S, title: chars.join(''), paths, blend: 'multiply' };
}
