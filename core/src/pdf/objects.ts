/**
 * The PDF object model (ISO 32000-1 §7.3): names, references, strings, dictionaries, streams, and
 * the placeholders the incremental writer fills in for signatures.
 *
 * Objects returned by {@link PdfReader} are shared and cached: clone a dictionary before changing it.
 */
import { deflateSync } from 'node:zlib';
import { SignetError } from '../errors.js';
import { decodeFilters } from './filters.js';

/**
 * Interns values by key so that `===` works. The first `strongLimit` keys are held for the life of
 * the process (the common names and object numbers); keys beyond that are held only while alive, so
 * a hostile file with millions of distinct names cannot grow memory forever.
 */
class Interner<K, V extends object> {
  private readonly strong = new Map<K, V>();
  private readonly weak = new Map<K, WeakRef<V>>();
  private readonly registry = new FinalizationRegistry<K>((key) => {
    // A newer instance may have been interned under the same key since this one died.
    if (this.weak.get(key)?.deref() === undefined) this.weak.delete(key);
  });

  constructor(private readonly strongLimit: number) {}

  get(key: K, make: () => V): V {
    const hit = this.strong.get(key);
    if (hit !== undefined) return hit;
    return this.strong.size < this.strongLimit ? this.getStrong(key, make) : this.getWeak(key, make);
  }

  private getStrong(key: K, make: () => V): V {
    // Once the strong map is full a key lives in the weak map only, so the two never disagree.
    const v = make();
    this.strong.set(key, v);
    return v;
  }

  private getWeak(key: K, make: () => V): V {
    const hit = this.weak.get(key)?.deref();
    if (hit !== undefined) return hit;
    const v = make();
    this.weak.set(key, new WeakRef(v));
    this.registry.register(v, key);
    return v;
  }
}

const names = new Interner<string, PdfName>(20_000);

/** A PDF name object (§7.3.5), interned so that `PdfName.of('Type') === PdfName.of('Type')`. */
export class PdfName {
  private constructor(
    /** The name without its leading slash, #xx escapes decoded. */
    readonly name: string,
  ) {}

  /** Returns the one PdfName for `name` (given without the leading slash). */
  static of(name: string): PdfName {
    return names.get(name, () => new PdfName(name));
  }

  /** Returns `/Name` (unescaped, for messages and debugging). */
  toString(): string {
    return '/' + this.name;
  }
}

const refs = new Interner<number, PdfRef>(200_000);

/** An indirect reference `num gen R` (§7.3.10), interned so that equal references are `===`. */
export class PdfRef {
  private constructor(
    /** The object number. */
    readonly num: number,
    /** The generation number. */
    readonly gen: number,
  ) {}

  /** Returns the one PdfRef for (num, gen); throws INVALID_ARGUMENT for impossible numbers. */
  static of(num: number, gen = 0): PdfRef {
    if (!Number.isSafeInteger(num) || num < 0 || num > 0x7fffffff || !Number.isInteger(gen) || gen < 0 || gen > 65535) {
      throw new SignetError('INVALID_ARGUMENT', `Not a valid PDF object reference: ${num} ${gen} R. Use a non-negative object number and a generation 0..65535.`);
    }
    return refs.get(num * 65536 + gen, () => new PdfRef(num, gen));
  }

  /** Returns `"num gen R"`. */
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

// PDFDocEncoding (ISO 32000-1 Annex D.2) where it differs from Latin-1; 0 marks an undefined code.
const PDFDOC_HIGH: number[] = [
  // 0x18..0x1F
  0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc,
];
const PDFDOC_80: number[] = [
  0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203a, 0x2212, 0x2030, 0x201e, 0x201c, 0x201d, 0x2018,
  0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160, 0x0178, 0x017d, 0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0,
  0x20ac,
];

/** Byte → Unicode for PDFDocEncoding; undefined bytes map to U+FFFD except the usual controls. */
const PDFDOC_TO_UNICODE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) t[i] = i;
  for (let i = 0; i < 8; i++) t[0x18 + i] = PDFDOC_HIGH[i];
  for (let i = 0; i < PDFDOC_80.length; i++) t[0x80 + i] = PDFDOC_80[i] || 0xfffd;
  t[0x7f] = 0xfffd;
  t[0xad] = 0xfffd;
  return t;
})();

const UNICODE_TO_PDFDOC: Map<number, number> = (() => {
  const m = new Map<number, number>();
  for (let i = 0; i < 256; i++) {
    const u = PDFDOC_TO_UNICODE[i];
    if (u === 0xfffd) continue;
    // Only TAB, LF and CR among the C0 controls are defined text characters.
    if (i < 0x18 && i !== 9 && i !== 10 && i !== 13) continue;
    m.set(u, i);
  }
  return m;
})();

/** A PDF string (§7.3.4): raw bytes, written as a literal `( )` or, when `hex`, as `< >`. */
export class PdfString {
  constructor(
    /** The string's bytes (escapes decoded). */
    readonly bytes: Uint8Array,
    /** Written as a hexadecimal string when true. */
    readonly hex = false,
  ) {}

  /** Encodes text as a text string (§7.9.2.2): PDFDocEncoding when possible, else UTF-16BE with a BOM. */
  static fromText(s: string): PdfString {
    const out = new Uint8Array(s.length);
    let ok = true;
    for (let i = 0; i < s.length; i++) {
      const b = UNICODE_TO_PDFDOC.get(s.charCodeAt(i));
      if (b === undefined) {
        ok = false;
        break;
      }
      out[i] = b;
    }
    if (ok) return new PdfString(out);
    const u = new Uint8Array(2 + s.length * 2);
    u[0] = 0xfe;
    u[1] = 0xff;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      u[2 + 2 * i] = c >> 8;
      u[3 + 2 * i] = c & 0xff;
    }
    return new PdfString(u);
  }

  /** Encodes a date as `D:YYYYMMDDHHmmSSZ` in UTC (§7.9.4). */
  static fromDate(d: Date): PdfString {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const s = `D:${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
    return new PdfString(Buffer.from(s, 'latin1'));
  }

  /** Decodes a text string: UTF-16BE or UTF-8 when it starts with a BOM, else PDFDocEncoding (§7.9.2.2). */
  toText(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = '';
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      return new TextDecoder('utf-8').decode(b.subarray(3));
    }
    let s = '';
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(PDFDOC_TO_UNICODE[b[i]]);
    return s;
  }

  /** Parses a date string `D:YYYYMMDDHHmmSSOHH'mm` (§7.9.4); undefined when it is not one. */
  toDate(): Date | undefined {
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('latin1').trim();
    const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(?:(\d{2})'?)?)?)?/.exec(s);
    if (!m) return undefined;
    const num = (x: string | undefined, dflt: number) => (x === undefined ? dflt : Number(x));
    const year = Number(m[1]);
    const month = num(m[2], 1);
    const day = num(m[3], 1);
    const hour = num(m[4], 0);
    const min = num(m[5], 0);
    const sec = num(m[6], 0);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) return undefined;
    let offsetMin = 0;
    if (m[7] === '+' || m[7] === '-') {
      offsetMin = num(m[8], 0) * 60 + num(m[9], 0);
      if (m[7] === '-') offsetMin = -offsetMin;
    }
    const t = Date.UTC(year, month - 1, day, hour, min, sec) - offsetMin * 60_000;
    return new Date(t);
  }
}

/** A PDF array (§7.3.6). */
export type PdfArray = PdfObject[];

/** A PDF dictionary (§7.3.7), keyed by name strings without the slash, in insertion order. */
export class PdfDict {
  private readonly map: Map<string, PdfObject>;

  /** Creates a dictionary from `[key, value]` pairs or a plain record (keys without the slash). */
  constructor(entries?: Iterable<[string, PdfObject]> | Record<string, PdfObject>) {
    if (entries === undefined) this.map = new Map();
    else if (Symbol.iterator in entries) this.map = new Map(entries as Iterable<[string, PdfObject]>);
    else this.map = new Map(Object.entries(entries));
  }

  /** Wraps a map without copying it (the parser's fast path). @internal */
  static fromMap(map: Map<string, PdfObject>): PdfDict {
    const d = new PdfDict();
    (d as unknown as { map: Map<string, PdfObject> }).map = map;
    return d;
  }

  /** Returns the value for `key`, or undefined. */
  get(key: string): PdfObject | undefined {
    return this.map.get(key);
  }

  /** Sets `key` to `v` and returns this dictionary. */
  set(key: string, v: PdfObject): this {
    this.map.set(key, v);
    return this;
  }

  /** True when the dictionary has `key`. */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Removes `key`; true when it was present. */
  delete(key: string): boolean {
    return this.map.delete(key);
  }

  /** Returns the keys in insertion order. */
  keys(): string[] {
    return [...this.map.keys()];
  }

  /** Returns the entries in insertion order. */
  entries(): [string, PdfObject][] {
    return [...this.map.entries()];
  }

  /** The number of entries. */
  get size(): number {
    return this.map.size;
  }

  /** Returns a shallow copy (values are shared). */
  clone(): PdfDict {
    return PdfDict.fromMap(new Map(this.map));
  }

  /** Returns the name stored under `key` (without the slash), or undefined when it is not a name. */
  getName(key: string): string | undefined {
    const v = this.map.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }

  /** Returns the number stored directly under `key`, or undefined. */
  getNumber(key: string): number | undefined {
    const v = this.map.get(key);
    return typeof v === 'number' ? v : undefined;
  }

  /** Returns the reference stored under `key`, or undefined. */
  getRef(key: string): PdfRef | undefined {
    const v = this.map.get(key);
    return v instanceof PdfRef ? v : undefined;
  }

  /** Returns the array stored directly under `key`, or undefined. */
  getArray(key: string): PdfArray | undefined {
    const v = this.map.get(key);
    return Array.isArray(v) ? v : undefined;
  }

  /** Returns the dictionary stored directly (not by reference) under `key`, or undefined. */
  getDict(key: string): PdfDict | undefined {
    const v = this.map.get(key);
    return v instanceof PdfDict ? v : undefined;
  }

  /** Returns the string stored directly under `key`, or undefined. */
  getString(key: string): PdfString | undefined {
    const v = this.map.get(key);
    return v instanceof PdfString ? v : undefined;
  }
}

/** The largest stream {@link PdfStream.decode} will produce (256 MiB). */
export const MAX_DECODED_STREAM_BYTES = 256 * 1024 * 1024;

/** A PDF stream (§7.3.8): a dictionary and its bytes as stored (still encoded). */
export class PdfStream {
  private decoded?: Uint8Array;
  /** Resolves indirect /Filter or /DecodeParms values; set by the reader. @internal */
  resolver?: (o: PdfObject | undefined) => PdfObject | undefined;

  constructor(
    /** The stream dictionary. */
    readonly dict: PdfDict,
    /** The encoded bytes, exactly as stored between `stream` and `endstream`. */
    readonly raw: Uint8Array,
  ) {}

  /**
   * Returns the decoded bytes by applying the /Filter chain (§7.4): FlateDecode and LZWDecode (with
   * PNG/TIFF predictors), ASCIIHexDecode, ASCII85Decode, RunLengthDecode. Throws PDF_MALFORMED for
   * other filters (image codecs) and PDF_LIMIT_EXCEEDED past {@link MAX_DECODED_STREAM_BYTES}.
   */
  decode(): Uint8Array {
    if (this.decoded === undefined) {
      const r = this.resolver ?? ((o: PdfObject | undefined) => o);
      this.decoded = decodeFilters(this.raw, r(this.dict.get('Filter')), r(this.dict.get('DecodeParms')), r, MAX_DECODED_STREAM_BYTES);
    }
    return this.decoded;
  }

  /**
   * Creates a stream holding `data`; with `compress` it is stored Flate-encoded with /Filter
   * /FlateDecode (zlib `level`, default 6). /Length is set (the serializer always writes the true
   * length anyway).
   */
  static fromData(data: Uint8Array, dict?: PdfDict, opts: { compress?: boolean; level?: number } = {}): PdfStream {
    const d = dict ? dict.clone() : new PdfDict();
    let raw = data;
    if (opts.compress) {
      raw = deflateSync(data, opts.level === undefined ? undefined : { level: opts.level });
      d.set('Filter', PdfName.of('FlateDecode'));
      d.delete('DecodeParms');
    }
    d.set('Length', raw.length);
    return new PdfStream(d, raw);
  }
}

/** Pre-serialized bytes written verbatim (used for appearance operators etc.). */
export class PdfRaw {
  private readonly kind = 'raw';
  /** The bytes to write. */
  readonly bytes: Uint8Array;
  constructor(text: string | Uint8Array) {
    this.bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  }
}

/** A hex string `<000…0>` of exactly 2*byteLength zeros, written at a recorded offset (the /Contents of a signature). */
export class PdfHexPlaceholder {
  private readonly kind = 'hex-placeholder';
  constructor(
    /** The number of bytes the hex string can hold. */
    readonly byteLength: number,
  ) {
    if (!Number.isInteger(byteLength) || byteLength < 0) {
      throw new SignetError('INVALID_ARGUMENT', `A hex placeholder needs a non-negative integer byte length, not ${byteLength}.`);
    }
  }
}

/** A fixed-width array `[0 0000000000 0000000000 0000000000]` (recorded offset) later patched with the real /ByteRange. */
export class PdfByteRangePlaceholder {
  private readonly kind = 'byte-range-placeholder';
  /** The serialized text; patch it in place with a string of the same length. */
  static readonly TEXT = '[0 0000000000 0000000000 0000000000]';
}

/** Any PDF object, plus the writer's verbatim bytes and placeholders. */
export type PdfObject =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfRef
  | PdfArray
  | PdfDict
  | PdfStream
  | PdfRaw
  | PdfHexPlaceholder
  | PdfByteRangePlaceholder;
