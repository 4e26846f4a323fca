/**
 * Renders a {@link Drawing} as a standalone SVG 1.1 document (SVG 1.1 §5.1): glyphs are already
 * outlines, so the viewer needs no font. The document is sized in millimetres by default, so a
 * browser shows a seal at its real size.
 */
import { colorHex, formatNumber, type Drawing, type DrawingPath } from './drawing.js';

/** Options of {@link drawingToSvg}. */
export interface SvgOptions {
  /** The unit of the width and height attributes; default `mm`. The viewBox is always in points. */
  unit?: 'mm' | 'pt' | 'px';
  /** Decimals of coordinates; default 2 (0.01 pt). */
  decimals?: number;
}

const UNIT_PER_PT = { mm: 25.4 / 72, pt: 1, px: 96 / 72 } as const;

/** Escapes text for XML character data and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Formats a path's commands as SVG path data (SVG 1.1 §8.3). */
export function svgPathData(p: Pick<DrawingPath, 'ops' | 'coords'>, decimals = 2): string {
  const c = p.coords;
  const f = (v: number) => formatNumber(v, decimals);
  const parts: string[] = [];
  let j = 0;
  for (const op of p.ops) {
    if (op === 'Z') parts.push('Z');
    else if (op === 'C') {
      parts.push(`C${f(c[j])} ${f(c[j + 1])} ${f(c[j + 2])} ${f(c[j + 3])} ${f(c[j + 4])} ${f(c[j + 5])}`);
      j += 6;
    } else {
      parts.push(`${op}${f(c[j])} ${f(c[j + 1])}`);
      j += 2;
    }
  }
  return parts.join('');
}

function paintAttributes(p: DrawingPath, decimals: number): string {
  const a = p.paint;
  let s = ` fill="${a.fill ? colorHex(a.fill) : 'none'}"`;
  if (a.fill && a.fillRule === 'evenodd') s += ' fill-rule="evenodd"';
  if (a.fill && a.fillOpacity !== undefined && a.fillOpacity < 1) s += ` fill-opacity="${formatNumber(a.fillOpacity, 3)}"`;
  if (a.stroke) {
    s += ` stroke="${colorHex(a.stroke)}" stroke-width="${formatNumber(a.strokeWidth ?? 1, decimals + 1)}"`;
    if (a.strokeOpacity !== undefined && a.strokeOpacity < 1) s += ` stroke-opacity="${formatNumber(a.strokeOpacity, 3)}"`;
    if (a.lineCap && a.lineCap !== 'butt') s += ` stroke-linecap="${a.lineCap}"`;
    if (a.lineJoin && a.lineJoin !== 'miter') s += ` stroke-linejoin="${a.lineJoin}"`;
    if (a.miterLimit !== undefined) s += ` stroke-miterlimit="${formatNumber(a.miterLimit, 3)}"`;
    if (a.dash?.length) s += ` stroke-dasharray="${a.dash.map((v) => formatNumber(v, decimals)).join(' ')}"`;
  }
  if (p.transform) s += ` transform="matrix(${p.transform.map((v) => formatNumber(v, 6)).join(' ')})"`;
  return s;
}

/** Renders `d` as an SVG document (UTF-8 text). */
export function drawingToSvg(d: Drawing, opts: SvgOptions = {}): string {
  const unit = opts.unit ?? 'mm';
  const dec = opts.decimals ?? 2;
  const k = UNIT_PER_PT[unit];
  const w = formatNumber(d.width, dec), h = formatNumber(d.height, dec);
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${formatNumber(d.width * k, 3)}${unit}" height="${formatNumber(d.height * k, 3)}${unit}" viewBox="0 0 ${w} ${h}">\n`;
  if (d.title) out += `<title>${xmlEscape(d.title)}</title>\n`;
  // The drawing is y-up (PDF); one flip puts it in SVG's y-down space without touching coordinates.
  out += `<g transform="matrix(1 0 0 -1 0 ${h})"${d.blend === 'multiply' ? ' style="mix-blend-mode:multiply"' : ''}>\n`;
  for (const p of d.paths) {
    if (!p.ops) continue;
    out += `<path d="${svgPathData(p, dec)}"${paintAttributes(p, dec)}/>\n`;
  }
  return out + '</g>\n</svg>\n';
}
