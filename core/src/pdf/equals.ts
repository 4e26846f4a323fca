/**
 * Structural equality of PDF objects, used to tell what a later revision changed (ISO 32000-1 §7.5.6).
 */
import {
  PdfByteRangePlaceholder,
  PdfDict,
  PdfHexPlaceholder,
  PdfName,
  PdfRaw,
  PdfRef,
  PdfStream,
  PdfString,
  type PdfObject,
} from './objects.js';

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * Deep structural equality without resolving references: references are equal when their numbers
 * and generations are; strings compare bytes (literal and hex forms are the same string, §7.3.4);
 * streams compare their dictionaries and encoded bytes. Depth-limited against cyclic inputs.
 */
export function pdfEquals(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false; // numbers and booleans differ here
  if (depth > 256) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pdfEquals(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.num === b.num && a.gen === b.gen;
  if (a instanceof PdfString) return b instanceof PdfString && bytesEqual(a.bytes, b.bytes);
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      if (!b.has(k) || !pdfEquals(v, b.get(k), depth + 1)) return false;
    }
    return true;
  }
  if (a instanceof PdfStream) return b instanceof PdfStream && bytesEqual(a.raw, b.raw) && pdfEquals(a.dict, b.dict, depth + 1);
  if (a instanceof PdfRaw) return b instanceof PdfRaw && bytesEqual(a.bytes, b.bytes);
  if (a instanceof PdfHexPlaceholder) return b instanceof PdfHexPlaceholder && a.byteLength === b.byteLength;
  if (a instanceof PdfByteRangePlaceholder) return b instanceof PdfByteRangePlaceholder;
  return false;
}
