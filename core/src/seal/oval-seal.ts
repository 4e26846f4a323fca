/**
 * The oval seal of finance and invoicing (发票专用章, 财务专用章), in the proportions of the
 * national invoice seal pattern: a 40 × 30 mm ellipse with a 1 mm border, the company name along
 * the upper elliptical arc, the taxpayer number (纳税人识别号) in narrow digits across the middle,
 * and the seal type on a line below it.
 */
import { SignetError } from '../errors.js';
import { PathBuilder, mm, type Drawing } from './drawing.js';
import { GlyphWriter, textLine, textOnArc } from './glyph-writer.js';
import { ellipseRing } from './seal-shapes.js';
import { checkMm, jitterOf, resolveStyle, type SealStyle } from './seal-style.js';

/** Options of {@link ovalSeal}; sizes in millimetres. */
export interface OvalSealOptions extends SealStyle {
  /** The company name, along the upper arc. */
  name: string;
  /** The line below the middle; default 发票专用章. */
  sealType?: string;
  /** The taxpayer number (usually the 18-character USCC), across the middle; default none. */
  taxNumber?: string;
  /** Default 40. */
  width?: number;
  /** Default 30. */
  height?: number;
  /** Default 1. */
  border?: number;
  /** Height of the name's characters; default 4.2 at 40 × 30. */
  nameHeight?: number;
  /** The angle the name spreads over, in degrees, measured at the centre; default 200 for long names. */
  nameSpan?: number;
  /** Height of the taxpayer number; default 3.7. */
  taxHeight?: number;
  /** Width of each character of the taxpayer number; default 1.3. */
  taxCharWidth?: number;
  /** Height of the seal type; default 4.6. */
  typeHeight?: number;
}

/** Draws an oval seal. Throws SEAL_TEXT_TOO_LONG when a text does not fit. */
export function ovalSeal(o: OvalSealOptions): Drawing {
  const st = resolveStyle(o);
  const name = (o.name ?? '').trim();
  if (!name) throw new SignetError('INVALID_ARGUMENT', 'An oval seal needs the company name (the text along the upper arc)');
  const Wmm = checkMm(o.width ?? 40, 'width', 10, 120);
  const Hmm = checkMm(o.height ?? (Wmm * 3) / 4, 'height', 8, Wmm);
  const k = Wmm / 40; // proportions of the standard 40 × 30 mm seal
  const W = mm(Wmm), H = mm(Hmm);
  const border = mm(checkMm(o.border ?? 1 * k, 'border', 0.1, Hmm / 6));
  const cx = W / 2, cy = H / 2;
  const unit = mm(k);
  const ink = new PathBuilder();
  ellipseRing(ink, cx, cy, W / 2, H / 2, border, st);
  const marks = new PathBuilder();

  const nameH = mm(o.nameHeight ?? 4.2 * k);
  const gap = mm(0.9 * k);
  const n = [...name].length;
  const span = o.nameSpan ?? Math.min(200, Math.max(100, 28 * (n - 1)));
  textOnArc(marks, new GlyphWriter(st.fonts, name), name, {
    cx, cy, rx: W / 2 - border - gap - nameH / 2, ry: H / 2 - border - gap - nameH / 2, side: 'top', spanDeg: span, height: nameH,
    widthRatio: 0.8, what: 'the company name', jitter: jitterOf(st, unit),
  });

  const tax = (o.taxNumber ?? '').trim();
  if (tax) {
    const h = mm(o.taxHeight ?? 3.7 * k);
    textLine(marks, new GlyphWriter(st.fonts, tax), tax, {
      cx, cy, height: h, charWidth: mm(o.taxCharWidth ?? 1.3 * k), gap: 0.03, maxWidth: W * 0.68, what: 'the taxpayer number', jitter: jitterOf(st, unit),
    });
  }

  const type = (o.sealType ?? '发票专用章').trim();
  if (type) {
    const h = mm(o.typeHeight ?? 4.6 * k);
    const y = cy - H * 0.29;
    textLine(marks, new GlyphWriter(st.fonts, type), type, {
      cx, cy: y, height: h, charWidth: mm(3 * k), gap: 0.12, maxWidth: W * 0.5, what: 'the seal type', jitter: jitterOf(st, unit),
    });
  }

  const opacity = st.strength ? 1 - 0.08 * st.strength : undefined;
  return {
    blend: 'multiply',
    width: W,
    height: H,
    title: [name, tax, type].filter(Boolean).join(' '),
    paths: [
      ink.toPath({ fill: st.color, fillRule: 'evenodd', fillOpacity: opacity }),
      marks.toPath({ fill: st.color, fillOpacity: opacity }),
    ],
  };
}
