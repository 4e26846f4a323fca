/**
 * Places a field relative to a located anchor or keyword. Offsets and sizes are taken in the page's
 * display frame (what a reader sees, after CropBox and /Rotate), so "right of the anchor" means
 * right on the screen; the result is a rectangle in user space, ready for a widget's /Rect.
 */
import { SignetError } from '../errors.js';
import type { Rect } from '../pdf/acroform.js';
import { displayRectToUser, userRectToDisplay, type PageFrame } from '../pdf/page-content.js';

/**
 * Where the field goes relative to the anchor:
 * - `right`: its left edge at the anchor's right edge, vertically centred on the anchor (a field
 *   after a label such as `甲方（签章）：`);
 * - `center`: centred on the anchor (keyword signing: the seal covers the keyword);
 * - `below`: its top edge at the anchor's bottom edge, left edges aligned.
 */
export type AnchorPlacement = 'right' | 'center' | 'below';

/** Options of {@link placeAtAnchor}. */
export interface PlaceAtAnchorOptions {
  /** Width and height of the field in points, as displayed. */
  width: number;
  height: number;
  /** Default `right`. */
  placement?: AnchorPlacement;
  /** Shift in points after placing: x to the right, y up, as displayed. Default 0. */
  offsetX?: number;
  offsetY?: number;
  /**
   * When the field would stick out of the page: `true` (default) moves it back inside; `false`
   * throws PDF_RECT_OFF_PAGE. A field larger than the page always throws.
   */
  clamp?: boolean;
}

/** What {@link placeAtAnchor} needs of a hit: the anchor's rectangle and the page it is on. */
export interface AnchorLike {
  page: number;
  rect: Rect;
  frame: PageFrame;
}

/** Returns the field rectangle (user space) for an anchor hit; see {@link AnchorPlacement}. */
export function placeAtAnchor(hit: AnchorLike, opts: PlaceAtAnchorOptions): Rect {
  const { width: w, height: h } = opts;
  if (!(Number.isFinite(w) && w > 0 && Number.isFinite(h) && h > 0)) {
    throw new SignetError('INVALID_ARGUMENT', `A field placed at an anchor needs a positive width and height in points, not ${w}×${h}.`);
  }
  const dx = opts.offsetX ?? 0;
  const dy = opts.offsetY ?? 0;
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) throw new SignetError('INVALID_ARGUMENT', `The anchor offset must be two finite numbers, not ${dx},${dy}.`);
  const { frame } = hit;
  const a = userRectToDisplay(frame, hit.rect);
  let x: number, y: number;
  switch (opts.placement ?? 'right') {
    case 'center': x = a.x + a.w / 2 - w / 2; y = a.y + a.h / 2 - h / 2; break;
    case 'below': x = a.x; y = a.y - h; break;
    case 'right': x = a.x + a.w; y = a.y + a.h / 2 - h / 2; break;
    default: throw new SignetError('INVALID_ARGUMENT', `Unknown placement "${String(opts.placement)}"; use right, center or below.`);
  }
  x += dx;
  y += dy;
  const eps = 0.01;
  if (w > frame.width + eps || h > frame.height + eps) {
    throw new SignetError('PDF_RECT_OFF_PAGE', `A ${w}×${h} pt field does not fit on page ${hit.page} (${round(frame.width)}×${round(frame.height)} pt as displayed); give a smaller size.`);
  }
  const outside = x < -eps || y < -eps || x + w > frame.width + eps || y + h > frame.height + eps;
  if (outside) {
    if (opts.clamp === false) {
      throw new SignetError('PDF_RECT_OFF_PAGE', `The field placed at the anchor on page ${hit.page} would lie outside the page (at ${round(x)},${round(y)} of ${round(frame.width)}×${round(frame.height)} pt as displayed); change the offset or the size.`);
    }
    x = Math.min(Math.max(x, 0), frame.width - w);
    y = Math.min(Math.max(y, 0), frame.height - h);
  }
  const r = displayRectToUser(frame, { x, y, w, h });
  return { x: round(r.x), y: round(r.y), w: round(r.w), h: round(r.h) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
