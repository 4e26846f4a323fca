/**
 * Positions on a displayed PDF page and rectangles in PDF user space (ISO 32000-1 §8.3.2.3: points,
 * origin at the bottom-left of the page, y up), through the page's viewport transform: the matrix
 * pdf.js computes from the crop box and `/Rotate` (§7.7.3.3, §14.11.2) that maps user space to the
 * displayed page at scale 1, 1 CSS px per point, y down. Pure functions, so the field designer's
 * drop positions can be checked without a browser.
 */

/** An affine matrix `[a, b, c, d, e, f]`: x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type Matrix = readonly number[];

/** A rectangle in PDF user space (points, y up): lower-left corner and size. */
export interface PdfRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A box on the displayed page at scale 1 (CSS px = points, y down): top-left corner and size. */
export interface ViewBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Applies `m` to the point (x, y). */
export function applyMatrix(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** The inverse of `m`; throws for a singular matrix. */
export function invertMatrix(m: Matrix): number[] {
  const det = m[0] * m[3] - m[1] * m[2];
  if (!det) throw new Error('singular matrix');
  return [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det, (m[2] * m[5] - m[3] * m[4]) / det, (m[1] * m[4] - m[0] * m[5]) / det];
}

/** The axis-aligned bounds of the four corners of a box mapped by `m`. */
function bounds(m: Matrix, x1: number, y1: number, x2: number, y2: number): [number, number, number, number] {
  const pts = [applyMatrix(m, x1, y1), applyMatrix(m, x2, y1), applyMatrix(m, x1, y2), applyMatrix(m, x2, y2)];
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Rounds to 1/100 point, which is finer than any widget needs. */
const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The user-space rectangle under a box of the displayed page. `transform` is the page viewport's
 * transform at scale 1 (`page.getViewport({ scale: 1 }).transform`). On a page rotated by 90° or
 * 270° the box's width becomes the rectangle's height.
 */
export function viewBoxToPdfRect(transform: Matrix, box: ViewBox): PdfRect {
  const [x1, y1, x2, y2] = bounds(invertMatrix(transform), box.left, box.top, box.left + box.width, box.top + box.height);
  return { x: r2(x1), y: r2(y1), w: r2(x2 - x1), h: r2(y2 - y1) };
}

/** The box of the displayed page (scale 1) that shows a user-space rectangle. */
export function pdfRectToViewBox(transform: Matrix, rect: PdfRect): ViewBox {
  const [l, t, r, b] = bounds(transform, rect.x, rect.y, rect.x + rect.w, rect.y + rect.h);
  return { left: l, top: t, width: r - l, height: b - t };
}

/** The user-space point under a point of the displayed page (scale 1). */
export function viewPointToPdf(transform: Matrix, x: number, y: number): [number, number] {
  const [px, py] = applyMatrix(invertMatrix(transform), x, y);
  return [r2(px), r2(py)];
}

/**
 * A box of `width` × `height` centred on (cx, cy) and kept inside a page of `pageWidth` ×
 * `pageHeight` (all at scale 1, as displayed).
 */
export function boxAround(cx: number, cy: number, width: number, height: number, pageWidth: number, pageHeight: number): ViewBox {
  const w = Math.min(width, pageWidth), h = Math.min(height, pageHeight);
  return clampBox({ left: cx - w / 2, top: cy - h / 2, width: w, height: h }, pageWidth, pageHeight);
}

/** `box` moved (never resized beyond the page) so that it lies inside the page. */
export function clampBox(box: ViewBox, pageWidth: number, pageHeight: number): ViewBox {
  const width = Math.max(4, Math.min(box.width, pageWidth));
  const height = Math.max(4, Math.min(box.height, pageHeight));
  return {
    left: Math.min(Math.max(0, box.left), pageWidth - width),
    top: Math.min(Math.max(0, box.top), pageHeight - height),
    width,
    height,
  };
}
