/**
 * The date stamp (日期章): a date in a rounded rectangle, or a round date seal with the date between
 * two rules across the middle and optional texts along the top and bottom arcs. The day is the
 * China Standard Time (UTC+8) calendar day.
 */
import { SignetError } from '../errors.js';
import { PathBuilder, mm, type Drawing } from './drawing.js';
import { GlyphWriter, textLine, textOnArc } from './glyph-writer.js';
import { ellipseRing, rectRing } from './seal-shapes.js';
import { checkMm, jitterOf, resolveStyle, type SealStyle } from './seal-style.js';

/** Options of {@link dateStamp}; sizes in millimetres. */
export interface DateStampOptions extends SealStyle {
  date: Date;
  /** `rect` (default): a rounded rectangle; `round`: a round date seal. */
  shape?: 'rect' | 'round';
  /** `dots` 2026.11.23 (default), `cjk` 2026年11月23日, `iso` 2026-11-23. */
  format?: 'dots' | 'cjk' | 'iso';
  /** Round only: the text along the top arc (e.g. the company or department). */
  text?: string;
  /** Round only: the text along the bottom arc (e.g. 收讫, 受理). */
  bottomText?: string;
  /** `rect`: the height (default 9); `round`: the diameter (default 36). */
  size?: number;
  /** Border width; default 0.7 (rect) or 1 (round). */
  border?: number;
}

/** Formats a date as a date stamp shows it, on the China Standard Time calendar day. */
export function formatStampDate(date: Date, format: DateStampOptions['format'] = 'dots'): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new SignetError('INVALID_ARGUMENT', 'A date stamp needs a valid date, e.g. 2026-11-23');
  const cst = new Date(date.getTime() + 8 * 3600_000);
  const y = cst.getUTCFullYear(), m = cst.getUTCMonth() + 1, d = cst.getUTCDate();
  const p = (n: number) => String(n).padStart(2, '0');
  if (format === 'cjk') return `${y}年${m}月${d}日`;
  if (format === 'iso') return `${y}-${p(m)}-${p(d)}`;
  return `${y}.${p(m)}.${p(d)}`;
}

/** Draws a date stamp. */
export function dateStamp(o: DateStampOptions): Drawing {
  const st = resolveStyle(o);
  const text = formatStampDate(o.date, o.format);
  const g = new GlyphWriter(st.fonts, text);
  const opacity = st.strength ? 1 - 0.08 * st.strength : undefined;
  const ink = new PathBuilder();
  const marks = new PathBuilder();
  let W: number, H: number;
  if ((o.shape ?? 'rect') === 'rect') {
    const hmm = checkMm(o.size ?? 9, 'height', 4, 40);
    H = mm(hmm);
    const border = mm(checkMm(o.border ?? 0.7 * (hmm / 9), 'border', 0.1, hmm / 5));
    const th = H * 0.5;
    const natural = [...text].reduce((s, ch) => s + g.aspect(ch) * th * 0.9, 0) + th * 0.06 * ([...text].length - 1);
    W = natural + 2 * (border + H * 0.35);
    rectRing(ink, 0, 0, W, H, border, H * 0.28, st);
    textLine(marks, g, text, { cx: W / 2, cy: H / 2, height: th, widthRatio: 0.9, gap: 0.06, maxWidth: W, what: 'the date', jitter: jitterOf(st, mm(hmm / 9)) });
  } else {
    const D = checkMm(o.size ?? 36, 'diameter', 12, 80);
    W = H = mm(D);
    const R = W / 2, c = R;
    const border = mm(checkMm(o.border ?? D / 36, 'border', 0.1, D / 8));
    ellipseRing(ink, c, c, R, R, border, st);
    const unit = mm(D / 36);
    const th = mm(D * 0.12);
    const ruleY = th * 0.5 + mm(D * 0.035), lw = Math.max(mm(0.25), border * 0.5);
    const half = Math.sqrt((R - border) ** 2 - (ruleY + lw) ** 2) - mm(D * 0.03);
    marks.rect(c - half, c + ruleY, 2 * half, lw);
    marks.rect(c - half, c - ruleY - lw, 2 * half, lw);
    textLine(marks, g, text, { cx: c, cy: c, height: th, widthRatio: 0.85, gap: 0.04, maxWidth: 2 * half * 0.92, what: 'the date', jitter: jitterOf(st, unit) });
    const arcH = mm(D * 0.105);
    const r = R - border - mm(D * 0.02) - arcH / 2;
    for (const [t, side] of [[o.text, 'top'], [o.bottomText, 'bottom']] as const) {
      const s = (t ?? '').trim();
      if (!s) continue;
      const n = [...s].length;
      const spanDeg = side === 'top' ? Math.min(120, Math.max(60, 26 * (n - 1))) : Math.min(100, Math.max(30, 26 * (n - 1)));
      textOnArc(marks, new GlyphWriter(st.fonts, s), s, {
        cx: c, cy: c, rx: r, ry: r, side, spanDeg, height: arcH, widthRatio: 0.85, what: side === 'top' ? 'the top text' : 'the bottom text', jitter: jitterOf(st, unit),
      });
    }
  }
  return {
    blend: 'multiply',
    width: W,
    height: H,
    title: [o.text, text, o.bottomText].filter(Boolean).join(' '),
    paths: [
      ink.toPath({ fill: st.color, fillRule: 'evenodd', fillOpacity: opacity }),
      marks.toPath({ fill: st.color, fillOpacity: opacity }),
    ],
  };
}
