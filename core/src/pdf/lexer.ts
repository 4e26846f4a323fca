/**
 * The PDF lexer and object parser (ISO 32000-1 §7.2–7.3), working on bytes at an offset so that
 * the reader can parse single objects on demand without decoding the file into a string.
 */
import { SignetError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';

/** How deeply arrays and dictionaries may nest before parsing stops with PDF_LIMIT_EXCEEDED. */
export const MAX_NESTING = 256;

// Character classes (§7.2.2): 1 = white-space, 2 = delimiter, 0 = regular.
const CLASS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[c] = 1;
for (const c of '()<>[]{}/%') CLASS[c.charCodeAt(0)] = 2;

/** True for PDF white-space bytes (§7.2.2 Table 1). */
export function isWhiteSpace(c: number): boolean {
  return CLASS[c] === 1;
}

/** True for PDF delimiter bytes (§7.2.2 Table 2). */
export function isDelimiter(c: number): boolean {
  return CLASS[c] === 2;
}

/** True for bytes that belong to a regular token (neither white-space nor delimiter). */
export function isRegular(c: number): boolean {
  return CLASS[c] === 0;
}

const ENDSTREAM = Buffer.from('endstream', 'latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Hooks the reader gives the parser. */
export interface ParseHooks {
  /** Resolves an indirect stream /Length (§7.3.8.2); undefined when it cannot. */
  resolveLength?: (ref: PdfRef) => number | undefined;
}

/** An indirect object as parsed from `num gen obj … endobj` (§7.3.10). */
export interface IndirectObject {
  num: number;
  gen: number;
  obj: PdfObject;
  /** Offset just after the object (after `endobj` when present). */
  end: number;
}

function malformed(msg: string): SignetError {
  return new SignetError('PDF_MALFORMED', `${msg} Repair the file (e.g. \`qpdf in.pdf out.pdf\`) and retry.`);
}

/** A cursor over PDF bytes that parses tokens and objects (§7.2, §7.3). */
export class Lexer {
  /** The bytes as a Buffer view (no copy), for latin1 slices and native searches. */
  readonly buf: Buffer;
  /** The current offset. */
  pos: number;

  constructor(
    /** The bytes parsed. */
    readonly bytes: Uint8Array,
    pos = 0,
    private readonly hooks: ParseHooks = {},
  ) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  /** Skips white-space and comments (§7.2.3). */
  skipWs(): void {
    const b = this.bytes;
    const n = b.length;
    let p = this.pos;
    while (p < n) {
      const c = b[p];
      if (CLASS[c] === 1) p++;
      else if (c === 0x25) {
        while (p < n && b[p] !== 0x0a && b[p] !== 0x0d) p++;
      } else break;
    }
    this.pos = p;
  }

  /** Reads an unsigned integer at the cursor, or returns undefined (cursor unchanged). */
  readUInt(): number | undefined {
    const b = this.bytes;
    let p = this.pos;
    let v = 0;
    const start = p;
    while (p < b.length && b[p] >= 0x30 && b[p] <= 0x39) v = v * 10 + (b[p++] - 0x30);
    if (p === start || (p < b.length && CLASS[b[p]] === 0)) return undefined;
    this.pos = p;
    return v;
  }

  /** Reads a regular-character token (a keyword) at the cursor; '' when there is none. */
  readKeyword(): string {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    while (p < b.length && CLASS[b[p]] === 0) p++;
    this.pos = p;
    return this.buf.toString('latin1', start, p);
  }


  /** True when the bytes at the cursor spell `word` followed by a non-regular byte. */
  atKeyword(word: string): boolean {
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return false;
    const after = b[p + word.length];
    return after === undefined || CLASS[after] !== 0;
  }

  /** Parses one direct object at the cursor (§7.3). */
  parseObject(depth = 0): PdfObject {
    if (depth > MAX_NESTING) {
      throw new SignetError('PDF_LIMIT_EXCEEDED', `Arrays or dictionaries nest deeper than ${MAX_NESTING} levels. Simplify the document.`);
    }
    this.skipWs();
    const b = this.bytes;
    if (this.pos >= b.length) throw malformed('The PDF ends in the middle of an object.');
    const c = b[this.pos];
    switch (c) {
      case 0x2f: // /
        return this.parseName();
      case 0x28: // (
        return this.parseLiteralString();
      case 0x3c: // <
        return b[this.pos + 1] === 0x3c ? this.parseDict(depth) : this.parseHexString();
      case 0x5b: // [
        return this.parseArray(depth);
      default:
        break;
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) return this.parseNumberOrRef();
    const start = this.pos;
    const kw = this.readKeyword();
    if (kw === 'true') return true;
    if (kw === 'false') return false;
    if (kw === 'null') return null;
    throw malformed(`Unexpected ${kw ? `keyword "${kw.slice(0, 20)}"` : `byte 0x${c.toString(16)}`} at offset ${start}.`);
  }

  private parseNumberOrRef(): number | PdfRef {
    const b = this.bytes;
    const start = this.pos;
    let p = start;
    let neg = false;
    let signed = false;
    while (b[p] === 0x2b || b[p] === 0x2d) {
      if (b[p] === 0x2d) neg = !neg;
      signed = true;
      p++;
    }
    let v = 0;
    let digits = 0;
    while (p < b.length && b[p] >= 0x30 && b[p] <= 0x39) {
      v = v * 10 + (b[p++] - 0x30);
      digits++;
    }
    if (b[p] === 0x2e) {
      p++;
      let scale = 1;
      let frac = 0;
      while (p < b.length && b[p] >= 0x30 && b[p] <= 0x39) {
        // Past 15 fractional digits the extra precision is noise anyway.
        if (scale < 1e15) {
          frac = frac * 10 + (b[p] - 0x30);
          scale *= 10;
        }
        p++;
      }
      this.pos = p;
      const r = v + frac / scale;
      return neg ? -r : r;
    }
    this.pos = p;
    if (digits === 0) return 0;
    if (signed) return neg ? -v : v;
    // `num gen R` (§7.3.10): look ahead for a generation and the R keyword.
    const save = this.pos;
    this.skipWs();
    const gen = this.readUInt();
    if (gen !== undefined) {
      this.skipWs();
      if (b[this.pos] === 0x52 && (this.pos + 1 >= b.length || CLASS[b[this.pos + 1]] !== 0)) {
        this.pos++;
        if (v > 0x7fffffff || gen > 65535) throw malformed(`The reference ${v} ${gen} R is out of range.`);
        return PdfRef.of(v, gen);
      }
    }
    this.pos = save;
    return v;
  }

  private parseName(): PdfName {
    const b = this.bytes;
    const start = ++this.pos;
    let p = start;
    let special = false;
    let hash = 0x811c9dc5;
    while (p < b.length && CLASS[b[p]] === 0) {
      const c = b[p];
      if (c === 0x23 || c >= 0x80) special = true;
      hash = Math.imul(hash ^ c, 0x01000193);
      p++;
    }
    this.pos = p;
    if (!special) {
      // Names repeat endlessly; matching bytes against a cache avoids building and hashing a string.
      const hit = NAME_CACHE.get(hash);
      if (hit !== undefined && sameBytes(hit.name, b, start, p)) return hit;
      const name = PdfName.of(this.buf.toString('latin1', start, p));
      if (NAME_CACHE.size >= 4096) NAME_CACHE.clear();
      NAME_CACHE.set(hash, name);
      return name;
    }
    const out = new Uint8Array(p - start);
    let n = 0;
    let high = false;
    for (let i = start; i < p; i++) {
      let c = b[i];
      if (c === 0x23 && i + 2 < p) {
        const h = hex(b[i + 1]);
        const l = hex(b[i + 2]);
        if (h >= 0 && l >= 0) {
          c = (h << 4) | l;
          i += 2;
        }
      }
      if (c >= 0x80) high = true;
      out[n++] = c;
    }
    const bytes = out.subarray(0, n);
    // ISO 32000-1 §7.3.5 recommends UTF-8 for names; fall back to one char per byte otherwise.
    if (high) {
      try {
        return PdfName.of(utf8.decode(bytes));
      } catch {
        /* not UTF-8 */
      }
    }
    return PdfName.of(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  }

  private parseLiteralString(): PdfString {
    const b = this.bytes;
    let p = this.pos + 1;
    let out = new Uint8Array(64);
    let n = 0;
    let depth = 1;
    const push = (c: number) => {
      if (n === out.length) {
        const g = new Uint8Array(out.length * 2);
        g.set(out);
        out = g;
      }
      out[n++] = c;
    };
    for (;;) {
      if (p >= b.length) throw malformed('A literal string is not closed before the end of the file.');
      const c = b[p++];
      if (c === 0x5c) {
        const e = b[p++];
        switch (e) {
          case 0x6e: push(0x0a); break; // \n
          case 0x72: push(0x0d); break; // \r
          case 0x74: push(0x09); break; // \t
          case 0x62: push(0x08); break; // \b
          case 0x66: push(0x0c); break; // \f
          case 0x0d: // line continuation: backslash + EOL is dropped (§7.3.4.2)
            if (b[p] === 0x0a) p++;
            break;
          case 0x0a:
            break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let v = e - 0x30;
              for (let k = 0; k < 2 && b[p] >= 0x30 && b[p] <= 0x37; k++) v = v * 8 + (b[p++] - 0x30);
              push(v & 0xff);
            } else if (e !== undefined) push(e); // \( \) \\ and unknown escapes keep the byte
        }
      } else if (c === 0x28) {
        depth++;
        push(c);
      } else if (c === 0x29) {
        if (--depth === 0) break;
        push(c);
      } else if (c === 0x0d) {
        // An unescaped EOL in a literal string reads as a single LF (§7.3.4.2).
        if (b[p] === 0x0a) p++;
        push(0x0a);
      } else push(c);
    }
    this.pos = p;
    return new PdfString(out.slice(0, n), false);
  }

  private parseHexString(): PdfString {
    const b = this.bytes;
    const start = this.pos + 1;
    const end = this.buf.indexOf(0x3e, start);
    if (end < 0) throw malformed('A hex string is not closed before the end of the file.');
    this.pos = end + 1;
    // Fast path: an even run of pure hex digits (every signature's /Contents) decodes natively.
    // A signature's /Contents is mostly zero padding: only the part before it is decoded, the rest
    // is checked with memcmp and left as the zeros of the new array.
    if (((end - start) & 1) === 0) {
      const used = start + zeroPaddingStart(this.buf, start, end);
      const out = new Uint8Array((end - start) >> 1);
      const n = Buffer.from(out.buffer, 0, out.length).write(this.buf.toString('latin1', start, used), 'hex');
      if (n * 2 === used - start) return new PdfString(out, true);
    }
    this.pos = start - 1;
    const out = new Uint8Array(((end - start) >> 1) + 1);
    let n = 0;
    let hi = -1;
    for (let p = start; p < end; p++) {
      const c = b[p];
      if (CLASS[c] === 1) continue;
      const v = hex(c);
      if (v < 0) throw malformed(`A hex string holds the non-hex byte 0x${c.toString(16)} at offset ${p}.`);
      if (hi < 0) hi = v;
      else {
        out[n++] = (hi << 4) | v;
        hi = -1;
      }
    }
    // An odd final digit is followed by an implied 0 (§7.3.4.3).
    if (hi >= 0) out[n++] = hi << 4;
    this.pos = end + 1;
    return new PdfString(n === out.length ? out : out.slice(0, n), true);
  }

  private parseArray(depth: number): PdfObject[] {
    const b = this.bytes;
    this.pos++;
    const arr: PdfObject[] = [];
    for (;;) {
      this.skipWs();
      if (this.pos >= b.length) throw malformed('An array is not closed before the end of the file.');
      if (b[this.pos] === 0x5d) {
        this.pos++;
        return arr;
      }
      arr.push(this.parseObject(depth + 1));
    }
  }

  private parseDict(depth: number): PdfDict {
    const b = this.bytes;
    this.pos += 2;
    const map = new Map<string, PdfObject>();
    for (;;) {
      this.skipWs();
      if (this.pos >= b.length) throw malformed('A dictionary is not closed before the end of the file.');
      const c = b[this.pos];
      if (c === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return PdfDict.fromMap(map);
      }
      if (c !== 0x2f) throw malformed(`A dictionary key is not a name at offset ${this.pos}.`);
      const key = this.parseName().name;
      map.set(key, this.parseObject(depth + 1));
    }
  }

  /**
   * Parses `num gen obj <object> [stream … endstream] [endobj]` at the cursor (§7.3.10, §7.3.8).
   * Returns undefined when the bytes there are not an object header.
   */
  parseIndirectObject(): IndirectObject | undefined {
    this.skipWs();
    const num = this.readUInt();
    if (num === undefined) return undefined;
    this.skipWs();
    const gen = this.readUInt();
    if (gen === undefined) return undefined;
    this.skipWs();
    if (!this.atKeyword('obj')) return undefined;
    this.pos += 3;
    let obj = this.parseObject(0);
    this.skipWs();
    if (obj instanceof PdfDict && this.atKeyword('stream')) {
      this.pos += 6;
      obj = this.parseStreamBody(obj);
      this.skipWs();
    }
    if (this.atKeyword('endobj')) this.pos += 6;
    return { num, gen, obj, end: this.pos };
  }

  private parseStreamBody(dict: PdfDict): PdfStream {
    const b = this.bytes;
    let p = this.pos;
    // `stream` is followed by CRLF or LF (§7.3.8.1); tolerate trailing spaces and a bare CR.
    let q = p;
    while (b[q] === 0x20) q++;
    if (b[q] === 0x0d || b[q] === 0x0a) p = q;
    if (b[p] === 0x0d && b[p + 1] === 0x0a) p += 2;
    else if (b[p] === 0x0a || b[p] === 0x0d) p++;
    const start = p;
    const lenObj = dict.get('Length');
    let len: number | undefined;
    if (typeof lenObj === 'number') len = lenObj;
    else if (lenObj instanceof PdfRef && this.hooks.resolveLength) len = this.hooks.resolveLength(lenObj);
    let end = -1;
    if (len !== undefined && Number.isInteger(len) && len >= 0 && start + len <= b.length) {
      let e = start + len;
      while (e < b.length && e < start + len + 4 && CLASS[b[e]] === 1) e++;
      if (this.matchesEndstream(e)) {
        end = start + len;
        this.pos = e + 9;
      }
    }
    if (end < 0) {
      // /Length is missing or wrong: fall back to the next `endstream`, minus its EOL.
      const at = this.buf.indexOf(ENDSTREAM, start);
      if (at < 0) throw malformed(`A stream starting at offset ${start} has no endstream.`);
      end = at;
      if (end > start && b[end - 1] === 0x0a) end--;
      if (end > start && b[end - 1] === 0x0d) end--;
      this.pos = at + 9;
    }
    return new PdfStream(dict, this.bytes.subarray(start, end));
  }

  private matchesEndstream(p: number): boolean {
    const b = this.bytes;
    for (let i = 0; i < 9; i++) if (b[p + i] !== ENDSTREAM[i]) return false;
    return true;
  }
}

const NAME_CACHE = new Map<number, PdfName>();

function sameBytes(s: string, b: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== b[start + i]) return false;
  return true;
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Parses one direct object from PDF syntax, e.g. `<< /Type /Sig >>` (§7.3). */
export function parseObject(input: string | Uint8Array): PdfObject {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  return new Lexer(bytes).parseObject();
}

const ZERO_DIGITS = Buffer.alloc(4096, 0x30);

/**
 * The offset (from `start`, even) where a run of ASCII '0' digits reaching `end` begins: found by
 * comparing 4 KB blocks backwards with memcmp, then digit pairs.
 */
function zeroPaddingStart(buf: Buffer, start: number, end: number): number {
  let p = end;
  while (p - start >= ZERO_DIGITS.length && buf.compare(ZERO_DIGITS, 0, ZERO_DIGITS.length, p - ZERO_DIGITS.length, p) === 0) p -= ZERO_DIGITS.length;
  while (p - start >= 2 && buf[p - 1] === 0x30 && buf[p - 2] === 0x30) p -= 2;
  return p - start;
}
