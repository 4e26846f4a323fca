/**
 * Handwriting ink in the browser, modelled on the core's `handwriting()` (core/src/seal/
 * handwriting.ts) so that what the signer sees is what the PDF will show: the pen's width follows
 * the pressure when the device reports one (not 0 and not a mouse's constant 0.5), and otherwise
 * the smoothed speed, as signature_pad does (faster is thinner; velocity filter weight 0.7); widths
 * run from 1 to 4 units of 1/500 of the signature's larger extent, and each stroke is smoothed with
 * a centripetal Catmull-Rom spline.
 */

/** One sampled pen position, in CSS pixels of the pad, y down; `t` in ms since the stroke began. */
export interface InkPoint {
  x: number;
  y: number;
  t: number;
  pressure?: number;
}

/** A stroke: the points of one pen-down … pen-up. */
export type InkStroke = InkPoint[];

interface W {
  x: number;
  y: number;
  w: number;
}

/** True when any point carries real pressure data. */
export function hasPressure(strokes: readonly InkStroke[]): boolean {
  return strokes.some((s) => s.some((p) => p.pressure !== undefined && p.pressure > 0 && p.pressure !== 0.5));
}

/** The ink's bounding box, or undefined for no points. */
export function inkBounds(strokes: readonly InkStroke[]): { x1: number; y1: number; x2: number; y2: number } | undefined {
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (const s of strokes) for (const p of s) {
    x1 = Math.min(x1, p.x); x2 = Math.max(x2, p.x);
    y1 = Math.min(y1, p.y); y2 = Math.max(y2, p.y);
  }
  return x1 === Infinity ? undefined : { x1, y1, x2, y2 };
}

/** Pen widths per point, in input units (the core's model; `unit` is 1/500 of the extent). */
export function strokeWidths(stroke: InkStroke, unit: number, pressured: boolean): W[] {
  const minW = unit, maxW = 4 * unit;
  const out: W[] = [];
  let v = 0;
  let last: (W & { t: number }) | undefined;
  stroke.forEach((p, i) => {
    const t = p.t ?? i * 16;
    if (last && Math.hypot(p.x - last.x, p.y - last.y) < unit * 0.5) return;
    let w: number;
    if (pressured) w = minW + (maxW - minW) * Math.min(1, Math.max(0, p.pressure ?? 0.5));
    else if (!last) w = stroke.length === 1 ? maxW : (minW + maxW) / 2;
    else {
      const dt = Math.max(1, t - last.t);
      const speed = Math.hypot(p.x - last.x, p.y - last.y) / dt / unit;
      v = 0.7 * speed + 0.3 * v;
      w = Math.max(maxW / (v + 1), minW);
    }
    if (last && !pressured && out.length === 1) out[0].w = w;
    last = { x: p.x, y: p.y, t, w };
    out.push({ x: p.x, y: p.y, w });
  });
  return out;
}

/** Samples of the centripetal Catmull-Rom spline through `pts`, with widths eased between points. */
export function smoothStroke(pts: readonly W[], step: number): W[] {
  if (pts.length < 2) return [...pts];
  const out: W[] = [{ ...pts[0] }];
  const n = pts.length;
  for (let i = 0; i < n - 1; i++) {
    const p0 = pts[Math.max(0, i - 1)], p1 = pts[i], p2 = pts[i + 1], p3 = pts[Math.min(n - 1, i + 2)];
    const d1 = Math.sqrt(Math.hypot(p1.x - p0.x, p1.y - p0.y));
    const d2 = Math.sqrt(Math.hypot(p2.x - p1.x, p2.y - p1.y));
    const d3 = Math.sqrt(Math.hypot(p3.x - p2.x, p3.y - p2.y));
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
      const e = t * t * (3 - 2 * t);
      out.push({
        x: u * u * u * p1.x + 3 * u * u * t * c1[0] + 3 * u * t * t * c2[0] + t * t * t * p2.x,
        y: u * u * u * p1.y + 3 * u * u * t * c1[1] + 3 * u * t * t * c2[1] + t * t * t * p2.y,
        w: p1.w + (p2.w - p1.w) * e,
      });
    }
  }
  return out;
}

/** Draws strokes on a 2D context (input units scaled by `k` and shifted by `dx`, `dy`). */
export function drawInk(ctx: CanvasRenderingContext2D, strokes: readonly InkStroke[], opts: { unit: number; k?: number; dx?: number; dy?: number; color?: string }): void {
  const k = opts.k ?? 1, dx = opts.dx ?? 0, dy = opts.dy ?? 0;
  const pressured = hasPressure(strokes);
  ctx.fillStyle = ctx.strokeStyle = opts.color ?? '#111827';
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    const w = strokeWidths(s, opts.unit, pressured);
    if (w.length === 1) {
      ctx.beginPath();
      ctx.arc(w[0].x * k + dx, w[0].y * k + dy, (w[0].w * k) / 2, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    const pts = smoothStroke(w, Math.max(opts.unit * 1.5, 0.5));
    for (let i = 1; i < pts.length; i++) {
      ctx.beginPath();
      ctx.lineWidth = Math.max(0.5, ((pts[i - 1].w + pts[i].w) / 2) * k);
      ctx.moveTo(pts[i - 1].x * k + dx, pts[i - 1].y * k + dy);
      ctx.lineTo(pts[i].x * k + dx, pts[i].y * k + dy);
      ctx.stroke();
    }
  }
}

/**
 * The strokes as a PNG data URL of `width` × `height` CSS pixels (drawn at `scale` device pixels
 * each), fitted and centred the way the core fits handwriting into its widget.
 */
export function inkImage(strokes: readonly InkStroke[], width: number, height: number, scale = 2, color?: string): string | undefined {
  const b = inkBounds(strokes);
  if (!b) return undefined;
  const extent = Math.max(b.x2 - b.x1, b.y2 - b.y1);
  const unit = extent > 0 ? extent / 500 : 1;
  const pad = 2 * unit;
  const iw = b.x2 - b.x1 + 2 * pad, ih = b.y2 - b.y1 + 2 * pad;
  const k = Math.min(width / iw, height / ih) * scale;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) return undefined;
  const dx = (canvas.width - iw * k) / 2 + (pad - b.x1) * k, dy = (canvas.height - ih * k) / 2 + (pad - b.y1) * k;
  drawInk(ctx, strokes, { unit, k, dx, dy, color });
  return canvas.toDataURL('image/png');
}
