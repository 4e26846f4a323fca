/**
 * Positions as fractions of the displayed page, measured from its top-left corner, as the evidence
 * page (签约存证页, DESIGN §3) shows each signature's position.
 */
import type { Rect } from '../pdf/acroform.js';
import { userRectToDisplay, type PageFrame } from '../pdf/page-content.js';

/** A rectangle as fractions (0..1) of the displayed page: x, y of its top-left corner from the page's top-left, and its size. */
export interface FractionRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Converts a user-space rectangle to fractions of the displayed page (CropBox and /Rotate applied), rounded to 4 decimals. */
export function toPageFractions(frame: PageFrame, rect: Rect): FractionRect {
  const d = userRectToDisplay(frame, rect);
  const W = frame.width;
  const H = frame.height;
  return { x: round4(d.x / W), y: round4((H - (d.y + d.h)) / H), w: round4(d.w / W), h: round4(d.h / H) };
}

function round4(n: number): number {
  const r = Math.round(n * 10000) / 10000;
  return r === 0 ? 0 : r;
}
