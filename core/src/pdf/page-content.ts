/**
 * Drawing on the pages of an existing PDF through the incremental writer: new content streams are
 * appended to a page's /Contents (ISO 32000-1 §7.8.2), the old content is wrapped in `q … Q` so the
 * new drawing starts from the default graphics state (§8.4.2), and the resources the drawing needs
 * are merged into a copy of the page's (possibly inherited, §7.7.3.4) resource dictionary (§7.8.3).
 *
 * Also the page geometry a viewer applies: the visible box (CropBox within MediaBox, §14.11.2) and
 * /Rotate (§7.7.3.3), as a matrix between "display" coordinates and user space.
 */
import { SignetError } from '../errors.js';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from './objects.js';
import type { PageInfo, PdfReader } from './reader.js';
import type { IncrementalWriter } from './writer.js';
import type { Rect } from './acroform.js';
import { formatNumber } from './serialize.js';

/** An affine matrix `[a b c d e f]` as PDF writes it (§8.3.3): x' = a·x + c·y + e, y' = b·x + d·y + f. */
export type PdfMatrix = [number, number, number, number, number, number];

/**
 * A page as a viewer displays it. Display coordinates have their origin at the bottom-left corner of
 * the displayed (cropped and rotated) page, x to the right and y up, in points.
 */
export interface PageFrame {
  /** The visible box in user space: the CropBox clipped to the MediaBox, [x1, y1, x2, y2]. */
  box: [number, number, number, number];
  /** The page's /Rotate: the page is turned clockwise by this many degrees when displayed. */
  rotate: 0 | 90 | 180 | 270;
  /** Displayed width in points (the box's height when rotated by 90 or 270). */
  width: number;
  /** Displayed height in points. */
  height: number;
  /** Maps display coordinates to user space; `cm` with it lets a drawing use display coordinates. */
  toUser: PdfMatrix;
}

/** Computes how a page is displayed: its visible box (§14.11.2) and rotation (§7.7.3.3). */
export function pageFrame(page: Pick<PageInfo, 'mediaBox' | 'cropBox' | 'rotate'>): PageFrame {
  const [mx1, my1, mx2, my2] = page.mediaBox;
  const [cx1, cy1, cx2, cy2] = page.cropBox;
  let box: [number, number, number, number] = [Math.max(mx1, cx1), Math.max(my1, cy1), Math.min(mx2, cx2), Math.min(my2, cy2)];
  // A CropBox outside the MediaBox is an error in the file; viewers then show the MediaBox.
  if (box[2] <= box[0] || box[3] <= box[1]) box = [mx1, my1, mx2, my2];
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  const rotate = ((((Math.round(page.rotate / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
  let toUser: PdfMatrix;
  switch (rotate) {
    case 90: toUser = [0, 1, -1, 0, x2, y1]; break;
    case 180: toUser = [-1, 0, 0, -1, x2, y2]; break;
    case 270: toUser = [0, -1, 1, 0, x1, y2]; break;
    default: toUser = [1, 0, 0, 1, x1, y1];
  }
  const turned = rotate === 90 || rotate === 270;
  return { box, rotate, width: turned ? h : w, height: turned ? w : h, toUser };
}

/** Applies matrix `m` to the point (x, y). */
export function applyMatrix(m: PdfMatrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** Inverts an invertible matrix; throws INVALID_ARGUMENT for a singular one. */
export function invertMatrix(m: PdfMatrix): PdfMatrix {
  const [a, b, c, d, e, f] = m;
  const det = a * d - b * c;
  if (Math.abs(det) < 1e-12) throw new SignetError('INVALID_ARGUMENT', 'The matrix cannot be inverted (its determinant is 0). Give a non-degenerate matrix.');
  return [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det];
}

function mapRect(m: PdfMatrix, r: Rect): Rect {
  const pts = [applyMatrix(m, r.x, r.y), applyMatrix(m, r.x + r.w, r.y), applyMatrix(m, r.x, r.y + r.h), applyMatrix(m, r.x + r.w, r.y + r.h)];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** Converts a rectangle in user space to display coordinates of the page (rotations are multiples of 90°, so it stays a rectangle). */
export function userRectToDisplay(frame: PageFrame, rect: Rect): Rect {
  return mapRect(invertMatrix(frame.toUser), rect);
}

/** Converts a rectangle in display coordinates to user space. */
export function displayRectToUser(frame: PageFrame, rect: Rect): Rect {
  return mapRect(frame.toUser, rect);
}

/** Formats a matrix as the six operands of `cm` (§8.4.4). */
export function formatMatrix(m: PdfMatrix): string {
  return m.map(formatNumber).join(' ');
}

/** Resource categories a drawing can add to a page (§7.8.3 Table 33). */
export type ResourceCategory = 'Font' | 'XObject' | 'ExtGState' | 'ColorSpace' | 'Pattern' | 'Shading';

const PREFIX: Record<ResourceCategory, string> = { Font: 'SgF', XObject: 'SgX', ExtGState: 'SgG', ColorSpace: 'SgC', Pattern: 'SgP', Shading: 'SgS' };

interface PendingPage {
  resources: PdfDict;
  /** Resource dictionaries already copied for this page, by category. */
  categories: Map<ResourceCategory, PdfDict>;
  /** ref.num → name, so the same object gets the same name. */
  names: Map<string, string>;
  ops: (string | Uint8Array)[];
}

/**
 * Collects drawings for pages of a document and appends them in one incremental update. Ask
 * {@link resource} for the name of each font or XObject the operators use, {@link append} the
 * operators, then {@link finish} before writing.
 */
export class PageContentEditor {
  private readonly pages = new Map<number, PendingPage>();
  private finished = false;

  constructor(
    /** The document being drawn on. */
    readonly reader: PdfReader,
    /** The update the drawings go into. */
    readonly writer: IncrementalWriter,
  ) {}

  /** How page `pageIndex` (0-based) is displayed; see {@link pageFrame}. */
  frame(pageIndex: number): PageFrame {
    return pageFrame(this.reader.getPage(pageIndex));
  }

  /**
   * Returns the name under which `obj` (usually a reference) is available in the page's resources
   * of `category`, adding it under a fresh name that no existing resource uses (§7.8.3). The same
   * reference asked for twice gets the same name.
   */
  resource(pageIndex: number, category: ResourceCategory, obj: PdfObject): string {
    const p = this.pending(pageIndex);
    const key = obj instanceof PdfRef ? `${category}:${obj.num} ${obj.gen}` : undefined;
    if (key && p.names.has(key)) return p.names.get(key)!;
    let sub = p.categories.get(category);
    if (!sub) {
      const existing = this.reader.resolve(p.resources.get(category));
      sub = existing instanceof PdfDict ? existing.clone() : new PdfDict();
      p.categories.set(category, sub);
      p.resources.set(category, sub);
    }
    let i = 1;
    while (sub.has(`${PREFIX[category]}${i}`)) i++;
    const name = `${PREFIX[category]}${i}`;
    sub.set(name, obj);
    if (key) p.names.set(key, name);
    return name;
  }

  /** Appends content-stream operators to page `pageIndex`, drawn over the existing content, in user space, from the default graphics state. */
  append(pageIndex: number, ops: string | Uint8Array): void {
    this.pending(pageIndex).ops.push(ops);
  }

  /** Writes the new content streams and the updated page dictionaries to the writer. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const [pageIndex, p] of this.pages) {
      if (p.ops.length === 0 && p.categories.size === 0) continue;
      const page = this.reader.getPage(pageIndex);
      const pending = this.writer.get(page.ref);
      const dict = (pending instanceof PdfDict ? pending : page.dict).clone();
      const existing = this.contentRefs(dict.get('Contents'));
      const { before, after } = existing.length > 0 ? this.balance(existing) : { before: 0, after: 0 };
      const parts: Uint8Array[] = [Buffer.from('Q\n'.repeat(after) + '\n', 'latin1')];
      for (const op of p.ops) {
        parts.push(typeof op === 'string' ? Buffer.from(op, 'latin1') : op);
        parts.push(Buffer.from('\n', 'latin1'));
      }
      const added = this.writer.allocate();
      this.writer.set(added, PdfStream.fromData(Buffer.concat(parts), undefined, { compress: true }));
      if (existing.length > 0) {
        const open = this.writer.allocate();
        this.writer.set(open, PdfStream.fromData(Buffer.from('q\n'.repeat(before), 'latin1')));
        dict.set('Contents', [open, ...existing, added]);
      } else {
        dict.set('Contents', added);
      }
      dict.set('Resources', p.resources);
      this.writer.set(page.ref, dict);
    }
  }

  private pending(pageIndex: number): PendingPage {
    if (this.finished) throw new SignetError('INVALID_ARGUMENT', 'The page drawings were already finished; create a new PageContentEditor for another update.');
    let p = this.pages.get(pageIndex);
    if (!p) {
      const page = this.reader.getPage(pageIndex);
      const pending = this.writer.get(page.ref);
      const own = pending instanceof PdfDict ? this.reader.resolve(pending.get('Resources')) : undefined;
      const base = own instanceof PdfDict ? own : page.resources;
      // A copy: the original may be shared with other pages through a reference or the page tree.
      p = { resources: base ? base.clone() : new PdfDict(), categories: new Map(), names: new Map(), ops: [] };
      this.pages.set(pageIndex, p);
    }
    return p;
  }

  /** The page's content streams as references (direct streams are moved into new objects). */
  private contentRefs(contents: PdfObject | undefined): PdfObject[] {
    const resolved = contents instanceof PdfRef ? this.reader.resolve(contents) : contents;
    const items = Array.isArray(resolved) ? resolved : resolved === undefined || resolved === null ? [] : [contents];
    const out: PdfObject[] = [];
    for (const item of items) {
      if (item instanceof PdfRef) {
        if (this.reader.resolve(item) instanceof PdfStream) out.push(item);
      } else if (item instanceof PdfStream) {
        const ref = this.writer.allocate();
        this.writer.set(ref, item);
        out.push(ref);
      }
    }
    return out;
  }

  /**
   * How many `q` to open before the existing content and `Q` to close after it so that the new
   * drawing starts from the default state even when the old content leaves q/Q unbalanced.
   */
  private balance(refs: PdfObject[]): { before: number; after: number } {
    let depth = 0;
    let min = 0;
    for (const ref of refs) {
      const st = this.reader.resolve(ref);
      if (!(st instanceof PdfStream)) continue;
      let data: Uint8Array;
      try {
        data = st.decode();
      } catch {
        continue; // an undecodable stream draws nothing in a viewer either
      }
      const r = countSaveRestore(data, depth, min);
      depth = r.depth;
      min = r.min;
    }
    const before = 1 + Math.max(0, -min);
    return { before, after: before + depth };
  }
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const isDelim = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;

/**
 * Counts `q` (+1) and `Q` (−1) operators in content-stream bytes, skipping strings, comments and
 * inline image data (§8.9.7), and returns the running depth and its minimum.
 */
function countSaveRestore(b: Uint8Array, depth: number, min: number): { depth: number; min: number } {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (isWs(c)) { i++; continue; }
    if (c === 0x25) { while (i < n && b[i] !== 0x0a && b[i] !== 0x0d) i++; continue; }
    if (c === 0x28) {
      let level = 1;
      i++;
      while (i < n && level > 0) {
        if (b[i] === 0x5c) i += 2;
        else { if (b[i] === 0x28) level++; else if (b[i] === 0x29) level--; i++; }
      }
      continue;
    }
    if (c === 0x3c && b[i + 1] !== 0x3c) { while (i < n && b[i] !== 0x3e) i++; i++; continue; }
    if (isDelim(c)) { i++; continue; }
    const s = i;
    while (i < n && !isWs(b[i]) && !isDelim(b[i])) i++;
    const len = i - s;
    if (len === 1 && b[s] === 0x71) depth++;
    else if (len === 1 && b[s] === 0x51) { depth--; if (depth < min) min = depth; }
    else if (len === 2 && b[s] === 0x49 && b[s + 1] === 0x44) {
      // Inline image data runs to a white-space-delimited EI.
      i++;
      while (i < n && !(isWs(b[i - 1]) && b[i] === 0x45 && b[i + 1] === 0x49 && (i + 2 >= n || isWs(b[i + 2]) || isDelim(b[i + 2])))) i++;
      i += 2;
    }
  }
  return { depth, min };
}

