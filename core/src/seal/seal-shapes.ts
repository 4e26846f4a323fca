/**
 * The shapes seals are built from: an elliptical or circular border ring, a rectangular border,
 * and the five-pointed star. With the aged look, borders get a slightly uneven edge and a few worn
 * spots, all from the seeded random source.
 */
import { PathBuilder } from './drawing.js';
import type { ResolvedStyle } from './seal-style.js';

/**
 * Adds a border ring (an ellipse band `border` wide, inside rx × ry) to `b`, which must be filled
 * with the even-odd rule. Aged, the edges wander a little and worn spots are cut out of the band.
 */
export function ellipseRing(b: PathBuilder, cx: number, cy: number, rx: number, ry: number, border: number, st: ResolvedStyle): void {
  if (!st.strength) {
    b.ellipse(cx, cy, rx, ry);
    b.ellipse(cx, cy, rx - border, ry - border, true);
    return;
  }
  const k = st.strength;
  const wobble = (amp: number) => {
    const phases = Array.from({ length: 6 }, () => st.random() * Math.PI * 2);
    return (t: number) => phases.reduce((s, p, i) => s + Math.sin((i + 3) * t + p) / (i + 3), 0) * amp;
  };
  const outer = wobble(border * 0.12 * k), inner = wobble(border * 0.18 * k);
  const N = 240;
  const ring = (rrx: number, rry: number, f: (t: number) => number, reverse: boolean) => {
    for (let i = 0; i <= N; i++) {
      const t = ((reverse ? N - i : i) / N) * Math.PI * 2;
      const d = f(t);
      const x = cx + (rrx + d) * Math.cos(t), y = cy + (rry + d) * Math.sin(t);
      if (i === 0) b.moveTo(x, y);
      else if (i < N) b.lineTo(x, y);
    }
    b.close();
  };
  ring(rx, ry, outer, false);
  ring(rx - border, ry - border, inner, true);
  wornSpots(b, st, (u, v) => {
    const t = u * Math.PI * 2;
    const r = 1 - (border * (0.25 + 0.5 * v)) / Math.min(rx, ry);
    return [cx + rx * r * Math.cos(t), cy + ry * r * Math.sin(t)];
  }, border * 0.22, Math.round(40 * k));
}

/** Adds a rectangular border band `border` wide inside (x, y, w, h), even-odd, with optional rounded corners. */
export function rectRing(b: PathBuilder, x: number, y: number, w: number, h: number, border: number, radius: number, st: ResolvedStyle): void {
  b.roundedRect(x, y, w, h, radius);
  b.roundedRect(x + border, y + border, w - 2 * border, h - 2 * border, Math.max(0, radius - border), true);
  if (!st.strength) return;
  const perim = 2 * (w + h);
  wornSpots(b, st, (u, v) => {
    let s = u * perim;
    const inset = border * (0.25 + 0.5 * v);
    if (s < w) return [x + s, y + inset];
    s -= w;
    if (s < h) return [x + w - inset, y + s];
    s -= h;
    if (s < w) return [x + w - s, y + h - inset];
    s -= w;
    return [x + inset, y + h - s];
  }, border * 0.22, Math.round(24 * st.strength));
}

/** Small round holes along a band (even-odd fill cuts them out). */
function wornSpots(b: PathBuilder, st: ResolvedStyle, at: (u: number, v: number) => [number, number], maxR: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const [x, y] = at(st.random(), st.random());
    const r = maxR * (0.3 + 0.7 * st.random());
    b.circle(x, y, r, true);
  }
}

/** Adds a five-pointed star, one point up, with outer radius `r` (inner radius r·sin18°/sin54°). */
export function star(b: PathBuilder, cx: number, cy: number, r: number, rotation = 0): void {
  const inner = (r * Math.sin(Math.PI / 10)) / Math.sin((3 * Math.PI) / 10);
  const pts: number[] = [];
  for (let i = 0; i < 10; i++) {
    const a = Math.PI / 2 + rotation + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : inner;
    pts.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
  }
  b.polygon(pts);
}
