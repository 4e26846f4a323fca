/**
 * Serialization of PDF objects to PDF syntax (ISO 32000-1 §7.3). Text is latin1 (one char per
 * byte); stream data is kept as bytes by {@link ByteSink} so large streams are never turned into strings.
 */
import { SignetError } from '../errors.js';
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

/** Where a placeholder landed: `start` at its `<` or `[`, `end` just after its `>` or `]`. */
export interface PlaceholderSpan {
  start: number;
  end: number;
}

/** An append-only output of latin1 text and byte chunks that knows its length and placeholder offsets. */
export class ByteSink {
  private readonly parts: (string | Uint8Array)[] = [];
  private text = '';
  /** Bytes written so far. */
  length = 0;
  /** Offsets (base + position) of every placeholder written. */
  readonly placeholders = new Map<PdfHexPlaceholder | PdfByteRangePlaceholder, PlaceholderSpan>();

  constructor(
    /** The offset of this sink's first byte in the final file. */
    readonly base = 0,
  ) {}

  /** The absolute offset of the next byte. */
  get pos(): number {
    return this.base + this.length;
  }

  /** Appends latin1 text (every char must be ≤ U+00FF). */
  str(s: string): void {
    this.text += s;
    this.length += s.length;
  }

  /** Appends bytes without copying them. */
  bin(u: Uint8Array): void {
    if (this.text) {
      this.parts.push(this.text);
      this.text = '';
    }
    this.parts.push(u);
    this.length += u.length;
  }

  /** Returns the chunks as byte arrays, ready for one Buffer.concat. */
  chunks(): Uint8Array[] {
    const out = this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
    if (this.text) out.push(Buffer.from(this.text, 'latin1'));
    return out;
  }

  /** Returns everything written as one latin1 string. */
  toLatin1(): string {
    let s = '';
    for (const p of this.parts) s += typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('latin1');
    return s + this.text;
  }
}

/** Formats a number without exponent, with at most 6 decimals, trailing zeros trimmed (§7.3.3). */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new SignetError('INVALID_ARGUMENT', `PDF numbers must be finite, not ${n}. Check the computation that produced it.`);
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n === 0 ? 0 : n) : BigInt(n).toString();
  let s = n.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

const NAME_PLAIN = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) NAME_PLAIN[c] = 1;
for (const c of '()<>[]{}/%#') NAME_PLAIN[c.charCodeAt(0)] = 0;

/** Formats a name with `#xx` escapes for bytes outside the regular printable range (§7.3.5); non-ASCII as UTF-8. */
export function formatName(name: string): string {
  let plain = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0xff || !NAME_PLAIN[c]) {
      plain = false;
      break;
    }
  }
  if (plain) return '/' + name;
  const bytes = Buffer.from(name, 'utf8');
  let s = '/';
  for (const c of bytes) s += NAME_PLAIN[c] ? String.fromCharCode(c) : '#' + (c < 16 ? '0' : '') + c.toString(16).toUpperCase();
  return s;
}

/** Formats a string as a literal `( )` with escapes, or as `< >` when `hex` (§7.3.4). */
export function formatString(s: PdfString): string {
  const b = s.bytes;
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (s.hex) return '<' + buf.toString('hex') + '>';
  let special = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x28 || c === 0x29 || c === 0x5c || c === 0x0d || c === 0x0a) {
      special = true;
      break;
    }
  }
  if (!special) return '(' + buf.toString('latin1') + ')';
  let out = '(';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x28) out += '\\(';
    else if (c === 0x29) out += '\\)';
    else if (c === 0x5c) out += '\\\\';
    // A raw CR would be read back as LF (§7.3.4.2), so end-of-line bytes are always escaped.
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x0a) out += '\\n';
    else out += String.fromCharCode(c);
  }
  return out + ')';
}

/** Writes `obj` in PDF syntax to `sink`, recording placeholder offsets. Streams get their true /Length. */
export function serializeTo(sink: ByteSink, obj: PdfObject, depth = 0): void {
  if (depth > 256) throw new SignetError('PDF_LIMIT_EXCEEDED', 'An object to write nests deeper than 256 levels (is it cyclic?). Build it without cycles.');
  if (obj === null) return sink.str('null');
  switch (typeof obj) {
    case 'boolean':
      return sink.str(obj ? 'true' : 'false');
    case 'number':
      return sink.str(formatNumber(obj));
    default:
      break;
  }
  if (obj instanceof PdfName) return sink.str(formatName(obj.name));
  if (obj instanceof PdfRef) return sink.str(`${obj.num} ${obj.gen} R`);
  if (obj instanceof PdfString) return sink.str(formatString(obj));
  if (Array.isArray(obj)) {
    sink.str('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) sink.str(' ');
      serializeTo(sink, obj[i], depth + 1);
    }
    return sink.str(']');
  }
  if (obj instanceof PdfDict) return writeDict(sink, obj, depth, undefined);
  if (obj instanceof PdfStream) {
    writeDict(sink, obj.dict, depth, obj.raw.length);
    sink.str('\nstream\n');
    sink.bin(obj.raw);
    return sink.str('\nendstream');
  }
  if (obj instanceof PdfRaw) return sink.bin(obj.bytes);
  if (obj instanceof PdfHexPlaceholder) {
    const start = sink.pos;
    sink.str('<' + '0'.repeat(obj.byteLength * 2) + '>');
    sink.placeholders.set(obj, { start, end: sink.pos });
    return;
  }
  if (obj instanceof PdfByteRangePlaceholder) {
    const start = sink.pos;
    sink.str(PdfByteRangePlaceholder.TEXT);
    sink.placeholders.set(obj, { start, end: sink.pos });
    return;
  }
  throw new SignetError('INVALID_ARGUMENT', `Cannot write ${String(obj)} as a PDF object. Use the classes of pdf/objects.ts.`);
}

function writeDict(sink: ByteSink, d: PdfDict, depth: number, streamLength: number | undefined): void {
  sink.str('<<');
  let first = true;
  let wroteLength = false;
  for (const [k, v] of d.entries()) {
    if (!first) sink.str(' ');
    first = false;
    sink.str(formatName(k) + ' ');
    if (streamLength !== undefined && k === 'Length') {
      sink.str(String(streamLength));
      wroteLength = true;
    } else serializeTo(sink, v, depth + 1);
  }
  if (streamLength !== undefined && !wroteLength) sink.str((first ? '' : ' ') + '/Length ' + streamLength);
  sink.str('>>');
}

/** Serializes one object to PDF syntax as a latin1 string (§7.3). */
export function serializeObject(obj: PdfObject): string {
  const sink = new ByteSink();
  serializeTo(sink, obj);
  return sink.toLatin1();
}
