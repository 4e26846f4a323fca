/**
 * Where the seal goes when the request does not say: the bottom-right corner of the last page,
 * 40 mm square (the usual place of a company seal on a contract's signature page), in the page's
 * default user space (ISO 32000-1 §8.3.2.3). The counterparty's signature goes bottom-left.
 */
import { PdfReader } from '@signet/core';

/** A signature field of `POST /contracts`: page + rect in points, or invisible. */
export type FieldPlacement = { file: number; page: number; rect: { x: number; y: number; w: number; h: number } } | { file: number; invisible: true };

const SEAL = 113; // 40 mm
const MARGIN = 56; // ~20 mm

/** The seal's (or, with `side: 'left'`, the counterparty's) field on document `file`; invisible when the PDF cannot be read here. */
export function lastPagePlacement(pdf: Uint8Array, file: number, side: 'right' | 'left' = 'right'): FieldPlacement {
  try {
    const reader = PdfReader.load(pdf);
    const n = reader.pageCount();
    const page = reader.getPage(n - 1);
    const [x1, y1, x2, y2] = page.cropBox;
    const w = x2 - x1;
    const h = y2 - y1;
    const size = side === 'right' ? { w: SEAL, h: SEAL } : { w: 150, h: 60 };
    if (page.rotate !== 0 || w < size.w + 2 * MARGIN || h < size.h + 2 * MARGIN) return { file, invisible: true };
    const x = side === 'right' ? x2 - MARGIN - size.w : x1 + MARGIN;
    return { file, page: n, rect: { x: Math.round(x), y: Math.round(y1 + MARGIN), w: size.w, h: size.h } };
  } catch {
    // The server checks the file itself and refuses it with a clear code; placement is not the place to fail.
    return { file, invisible: true };
  }
}
