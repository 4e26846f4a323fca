/**
 * Finds text in a PDF's text layer and reports where it is drawn, as DocuSign anchor tabs and the
 * Chinese platforms' keyword signing (关键字签署) do. A needle may span several text runs: Word
 * exports an anchor such as `signet:sign:partyA` as tiny white text, often in pieces.
 */
import { SignetError } from '../errors.js';
import type { Rect } from '../pdf/acroform.js';
import type { PageFrame } from '../pdf/page-content.js';
import { extractTextLayer, type TextLayer, type TextRun } from './text-layer.js';

/** Which occurrences to return: the first, every one, or the n-th (1-based). */
export type Occurrence = 'first' | 'all' | number;

/** Options of {@link findText}. */
export interface FindTextOptions {
  /** Default `'first'`. */
  occurrence?: Occurrence;
  /** Only search this 1-based page. */
  page?: number;
}

/** One place where the needle is drawn. */
export interface TextHit {
  /** 1-based page. */
  page: number;
  /** The bounding box of the matched glyphs in user space (points), from descent to ascent. */
  rect: Rect;
  /** The matched text as it appears in the PDF (white-space included). */
  text: string;
  /** 1-based number of this occurrence in document order. */
  occurrence: number;
  /** How the page is displayed: needed to place fields relative to the hit and to report fractions. */
  frame: PageFrame;
}

/**
 * Returns where `needle` is drawn in `pdf`: every occurrence, the first, or the n-th, in page order
 * and then content-stream order. Matching ignores white-space and compares Unicode NFKC forms, so
 * `甲方（盖章）` also matches `甲方(盖章)` and text split into runs or spaced out still matches.
 * Rectangles account for the text matrix (§9.4.4), so rotated text and rotated pages are placed
 * correctly. An empty result means the text is not in the text layer.
 */
export async function findText(pdf: Uint8Array, needle: string, opts: FindTextOptions = {}): Promise<TextHit[]> {
  normalizeNeedle(needle); // a bad needle fails before pdf.js is loaded
  return searchTextLayer(await extractTextLayer(pdf), needle, opts);
}

/**
 * Like {@link findText}, but throws ANCHOR_NOT_FOUND naming the text when it is not found, and
 * returns the one hit asked for (the first by default).
 */
export async function findAnchor(pdf: Uint8Array, needle: string, opts: { occurrence?: 'first' | number; page?: number } = {}): Promise<TextHit> {
  const hits = await findText(pdf, needle, { ...opts, occurrence: opts.occurrence ?? 'first' });
  if (hits.length === 0) {
    const where = opts.page ? ` on page ${opts.page}` : '';
    const nth = typeof opts.occurrence === 'number' && opts.occurrence > 1 ? ` (occurrence ${opts.occurrence})` : '';
    throw new SignetError('ANCHOR_NOT_FOUND', `The text "${needle}"${nth} was not found${where} in the PDF's text layer. Check the anchor text (white-space is ignored), or place the field with a page and a rectangle.`);
  }
  return hits[0];
}

/** Searches an extracted text layer; the synchronous core of {@link findText}. */
export function searchTextLayer(layer: TextLayer, needle: string, opts: FindTextOptions = {}): TextHit[] {
  const key = normalizeNeedle(needle);
  const occurrence = opts.occurrence ?? 'first';
  if (typeof occurrence === 'number' && (!Number.isInteger(occurrence) || occurrence < 1)) {
    throw new SignetError('INVALID_ARGUMENT', `The occurrence must be 'first', 'all' or a positive integer, not ${occurrence}.`);
  }
  const hits: TextHit[] = [];
  let count = 0;
  for (const page of layer.pages) {
    if (opts.page !== undefined && page.page !== opts.page) continue;
    const { text, map } = pageText(page.runs);
    for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + key.length)) {
      count++;
      if (typeof occurrence === 'number' && count !== occurrence) continue;
      hits.push(hitAt(page.runs, map, at, at + key.length, page.page, page.frame, count));
      if (occurrence !== 'all') return hits;
    }
  }
  return hits;
}

function normalizeNeedle(needle: string): string {
  if (typeof needle !== 'string') throw new SignetError('INVALID_ARGUMENT', 'The text to find must be a string.');
  let out = '';
  for (const ch of needle) if (!/\s/u.test(ch)) out += ch.normalize('NFKC').replace(/\s/gu, '');
  if (!out) throw new SignetError('INVALID_ARGUMENT', 'The text to find is empty. Give the anchor or keyword text.');
  return out;
}

/** Position of one searchable character: the run it comes from and its code-unit span in run.str. */
interface CharRef { run: number; start: number; end: number }

const pageTexts = new WeakMap<TextRun[], { text: string; map: CharRef[] }>();

/** The page's text with white-space removed and NFKC applied, and where each character came from (cached per page). */
function pageText(runs: TextRun[]): { text: string; map: CharRef[] } {
  let cached = pageTexts.get(runs);
  if (!cached) {
    cached = buildPageText(runs);
    pageTexts.set(runs, cached);
  }
  return cached;
}

function buildPageText(runs: TextRun[]): { text: string; map: CharRef[] } {
  let text = '';
  const map: CharRef[] = [];
  runs.forEach((run, r) => {
    const s = run.str;
    for (let i = 0; i < s.length; ) {
      const cp = s.codePointAt(i)!;
      const len = cp > 0xffff ? 2 : 1;
      const ch = s.slice(i, i + len);
      if (!/\s/u.test(ch)) {
        const norm = ch.normalize('NFKC').replace(/\s/gu, '');
        for (let k = 0; k < norm.length; k++) map.push({ run: r, start: i, end: i + len });
        text += norm;
      }
      i += len;
    }
  });
  return { text, map };
}

function hitAt(runs: TextRun[], map: CharRef[], from: number, to: number, page: number, frame: PageFrame, occurrence: number): TextHit {
  // The span of code units matched in each run, in order.
  const spans = new Map<number, { start: number; end: number }>();
  for (let i = from; i < to; i++) {
    const c = map[i];
    const s = spans.get(c.run);
    if (!s) spans.set(c.run, { start: c.start, end: c.end });
    else { s.start = Math.min(s.start, c.start); s.end = Math.max(s.end, c.end); }
  }
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  let text = '';
  for (const [r, span] of spans) {
    const run = runs[r];
    text += run.str.slice(span.start, span.end);
    for (const [x, y] of runQuad(run, span.start, span.end)) {
      x1 = Math.min(x1, x); y1 = Math.min(y1, y); x2 = Math.max(x2, x); y2 = Math.max(y2, y);
    }
  }
  return { page, rect: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 }, text, occurrence, frame };
}

/** The four corners, in user space, of the glyphs start..end of a run. */
function runQuad(run: TextRun, start: number, end: number): [number, number][] {
  const [a, b, c, d, e, f] = run.transform;
  const along = Math.hypot(a, b) || 1;
  const size = Math.hypot(c, d) || along;
  const dir: [number, number] = [a / along, b / along];
  const up: [number, number] = [c / size, d / size];
  const { before, inside } = runOffsets(run.str, start, end);
  const width = run.width > 0 ? run.width : along * estimateEm(run.str);
  const s0 = before * width;
  const s1 = (before + inside) * width;
  const lo = run.descent * size;
  const hi = run.ascent * size;
  const pt = (s: number, t: number): [number, number] => [e + dir[0] * s + up[0] * t, f + dir[1] * s + up[1] * t];
  return [pt(s0, lo), pt(s1, lo), pt(s0, hi), pt(s1, hi)];
}

/**
 * Where start..end sits inside a run, as fractions of the run's width. pdf.js gives only the run's
 * total advance, so characters are weighted by typical advance widths (Helvetica's for ASCII, one
 * em for CJK and full-width forms), which is exact for monospaced CJK text and close for Latin.
 */
function runOffsets(s: string, start: number, end: number): { before: number; inside: number } {
  let total = 0, before = 0, inside = 0;
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const w = charWeight(cp);
    total += w;
    if (i < start) before += w;
    else if (i < end) inside += w;
    i += cp > 0xffff ? 2 : 1;
  }
  return total > 0 ? { before: before / total, inside: inside / total } : { before: 0, inside: 1 };
}

// Helvetica advance widths (AFM, 1/1000 em) for U+0020..U+007E.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

function charWeight(cp: number): number {
  if (cp >= 0x20 && cp <= 0x7e) return HELVETICA[cp - 0x20];
  if (cp >= 0x2e80 || (cp >= 0x1100 && cp <= 0x11ff)) return 1000;
  return 556;
}

function estimateEm(s: string): number {
  let w = 0;
  for (const ch of s) w += charWeight(ch.codePointAt(0)!);
  return w / 1000;
}
