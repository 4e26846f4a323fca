/**
 * The round company seal (公章, 合同专用章, 财务专用章 …), with the proportions of GA 241-2000
 * style seals: a 42 mm circle with a 1.2 mm border, the company name along the top arc (characters
 * spread evenly, upright toward the centre), a five-pointed star in the middle, the seal type as a
 * horizontal line below the star, and an optional 13-digit seal code (印章编码) along the bottom arc.
 */
import { SignetError } from '../errors.js';
import { PathBuilder, mm, type Drawing } from './drawing.js';
import { GlyphWriter, textLine, textOnArc } from './glyph-writer.js';
import { ellipseRing, star } from './seal-shapes.js';
import { checkMm, jitterOf, resolveStyle, type SealStyle } from './seal-style.js';

/** Options of {@link roundSeal}; sizes in millimetres. */
export interface RoundSealOptions extends SealStyle {
  /** The company name, along the top arc. */
  name: string;
  /** The seal type, a horizontal line below the star, e.g. 合同专用章, 财务专用章, 公章; default none. */
  sealType?: string;
  /** The seal code (印章编码, 13 digits), along the bottom arc; default none. */
  code?: string;
  /** Default 42. */
  diameter?: number;
  /** Border width; default 1.2. */
  border?: number;
  /** Star diameter (its circumscribed circle); default a third of the seal, 0 for no star. */
  starSize?: number;
  /** Height of the name's characters; default 0.15 of the diameter (6.3 mm at 42 mm). */
  nameHeight?: number;
  /** The angle the name spreads over, in degrees; default 240 for long names, less for short ones. */
  nameSpan?: number;
  /** Height of the seal type's characters; default 0.11 of the diameter. */
  typeHeight?: number;
  /** Height of the code's digits; default 0.055 of the diameter. */
  codeHeight?: number;
  /** A thin inner circle inside the border, at this gap (mm) from it; default none. */
  innerRing?: number;
}

/** Draws a round company seal. Throws SEAL_TEXT_TOO_LONG when a text does not fit. */
export function roundSeal(o: RoundSealOptions): Drawing {
  const st = resolveStyle(o);
  const name = (o.name ?? '').trim();
  if (!name) throw new SignetError('INVALID_ARGUMENT', 'A round seal needs the company name (the text along the top arc)');
  const D = checkMm(o.diameter ?? 42, 'diameter', 10, 120);
  const border = mm(checkMm(o.border ?? 1.2, 'border', 0.1, D / 6));
  const R = mm(D / 2);
  const size = 2 * R;
  const c = R;
  const ink = new PathBuilder();
  ellipseRing(ink, c, c, R, R, border, st);
  if (o.innerRing) {
    const r1 = R - border - mm(o.innerRing);
    const w = Math.max(mm(0.2), border * 0.3);
    ink.circle(c, c, r1);
    ink.circle(c, c, r1 - w, true);
  }
  const unit = mm(D / 42);
  const marks = new PathBuilder();
  const gap = mm(D * 0.018) + (o.innerRing ? mm(o.innerRing) + border * 0.3 : 0);

  const nameH = mm(o.nameHeight ?? D * 0.15);
  const n = [...name].length;
  const span = o.nameSpan ?? Math.min(240, Math.max(90, 34 * (n - 1)));
  const rName = R - border - gap - nameH / 2;
  textOnArc(marks, new GlyphWriter(st.fonts, name), name, {
    cx: c, cy: c, rx: rName, ry: rName, side: 'top', spanDeg: span, height: nameH, widthRatio: 0.82, what: 'the company name',
    jitter: jitterOf(st, unit),
  });

  const starD = o.starSize ?? D / 3;
  if (starD > 0) star(marks, c, c, mm(starD) / 2, st.strength ? (st.random() - 0.5) * 0.02 * st.strength : 0);

  const code = (o.code ?? '').trim();
  let codeTop = -Infinity;
  if (code) {
    const h = mm(o.codeHeight ?? D * 0.055);
    const r = R - border - mm(D * 0.014) - h / 2;
    const g = new GlyphWriter(st.fonts, code);
    // Digits are condensed and set close, as engraved codes are, within the bottom 90°.
    const natural = [...code].reduce((s, ch) => s + g.aspect(ch) * h, 0) * 0.72 * 1.12;
    const spanDeg = Math.min(90, (natural / r) * (180 / Math.PI));
    textOnArc(marks, g, code, {
      cx: c, cy: c, rx: r, ry: r, side: 'bottom', spanDeg, height: h, widthRatio: 0.72, minWidthRatio: 0.3, what: 'the seal code', jitter: jitterOf(st, unit),
    });
    codeTop = c - r + h / 2;
  }

  const type = (o.sealType ?? '').trim();
  if (type) {
    const h = mm(o.typeHeight ?? D * 0.11);
    let cy = c - mm(D * 0.27);
    if (code) cy = Math.max(cy, codeTop + h / 2 + mm(D * 0.04));
    const half = Math.sqrt(Math.max(0, (R - border - gap) ** 2 - (c - cy + h / 2) ** 2));
    textLine(marks, new GlyphWriter(st.fonts, type), type, {
      cx: c, cy, height: h, widthRatio: 0.85, maxWidth: Math.min(2 * half * 0.8, size * 0.5), what: 'the seal type', jitter: jitterOf(st, unit),
    });
  }

  const opacity = st.strength ? 1 - 0.08 * st.strength : undefined;
  return {
    blend: 'multiply',
    width: size,
    height: size,
    title: [name, type, code].filter(Boolean).join(' '),
    paths: [
      ink.toPath({ fill: st.color, fillRule: 'evenodd', fillOpacity: opacity }),
      marks.toPath({ fill: st.color, fillOpacity: opacity }),
    ],
  };
}
