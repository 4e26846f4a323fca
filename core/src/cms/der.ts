/**
 * A tiny DER writer and reader (ITU-T X.690) for the hot paths of CMS and RFC 3161.
 *
 * Why not forge trees: building a SignedData must cost far less than the RSA operation, so the
 * writer concatenates pre-encoded fragments, and the reader walks the original bytes by offset so
 * that signed attributes and certificates are sliced, never re-encoded. node-forge's ASN.1 is used
 * to encode object identifiers once, at module load.
 */
import forge from 'node-forge';

/** A structural defect found while reading DER; parsers turn it into a SignetError with context. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

/** Tag bytes used by CMS and RFC 3161 (X.690 §8.1.2). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Returns the number of bytes a DER header (tag + length) takes for `length` content bytes. */
function headerSize(length: number): number {
  if (length < 0x80) return 2;
  if (length < 0x100) return 3;
  if (length < 0x10000) return 4;
  if (length < 0x1000000) return 5;
  return 6;
}

/** Writes a tag and a definite DER length (X.690 §8.1.3) at `at`; returns the offset after it. */
function writeHeader(out: Uint8Array, at: number, tag: number, length: number): number {
  out[at++] = tag;
  if (length < 0x80) {
    out[at++] = length;
    return at;
  }
  const n = headerSize(length) - 2;
  out[at++] = 0x80 | n;
  for (let i = n - 1; i >= 0; i--) out[at++] = (length / 2 ** (8 * i)) & 0xff;
  return at;
}

/** Encodes one TLV whose content is the concatenation of `parts` (undefined parts are skipped). */
export function tlv(tag: number, ...parts: (Uint8Array | undefined)[]): Uint8Array {
  let length = 0;
  for (const p of parts) if (p) length += p.length;
  const out = Buffer.allocUnsafe(headerSize(length) + length);
  let at = writeHeader(out, 0, tag, length);
  for (const p of parts) {
    if (!p) continue;
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Concatenates byte arrays (undefined entries are skipped). */
export function concat(...parts: (Uint8Array | undefined)[]): Uint8Array {
  let length = 0;
  for (const p of parts) if (p) length += p.length;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const p of parts) {
    if (!p) continue;
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const oidCache = new Map<string, Uint8Array>();

/** Returns the DER of an OBJECT IDENTIFIER (X.690 §8.19), encoded once by node-forge and cached. */
export function oid(dotted: string): Uint8Array {
  let der = oidCache.get(dotted);
  if (!der) {
    const body = Buffer.from(forge.asn1.oidToDer(dotted).getBytes(), 'latin1');
    der = tlv(TAG.OID, body);
    oidCache.set(dotted, der);
  }
  return der;
}

/** Encodes unsigned big-endian bytes as a DER INTEGER: leading zeros trimmed, 0x00 added when needed. */
export function unsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  if (trimmed.length === 0) return Uint8Array.of(TAG.INTEGER, 1, 0);
  return trimmed[0] & 0x80 ? tlv(TAG.INTEGER, Uint8Array.of(0), trimmed) : tlv(TAG.INTEGER, trimmed);
}

/** Encodes a non-negative safe integer as a DER INTEGER. */
export function smallInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(n % 256);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

/** Returns a copy of an encoding with its identifier octet replaced (IMPLICIT re-tagging, X.690 §8.14). */
export function retag(der: Uint8Array, tag: number): Uint8Array {
  const out = Buffer.from(der);
  out[0] = tag;
  return out;
}

/** Sorts DER encodings as a DER SET OF requires (X.690 §11.6) and wraps them in a SET. */
export function setOf(elements: Uint8Array[]): Uint8Array {
  const sorted = elements.length > 1 ? [...elements].sort(compareBytes) : elements;
  return tlv(TAG.SET, ...sorted);
}

/** Compares two byte strings, the shorter one padded with trailing zeros (X.690 §11.6). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Encodes a GeneralizedTime in UTC with milliseconds, trailing zeros dropped (X.690 §11.7). */
export function generalizedTime(date: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let s =
    p(date.getUTCFullYear(), 4) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds());
  const ms = date.getUTCMilliseconds();
  if (ms) s += '.' + p(ms, 3).replace(/0+$/, '');
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(s + 'Z', 'latin1'));
}

/** Encodes a certificate validity time: UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function x509Time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (year >= 2050 || year < 1950) return generalizedTime(new Date(Math.floor(date.getTime() / 1000) * 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  const s =
    p(year % 100) +
    p(date.getUTCMonth() + 1) +
    p(date.getUTCDate()) +
    p(date.getUTCHours()) +
    p(date.getUTCMinutes()) +
    p(date.getUTCSeconds()) +
    'Z';
  return tlv(TAG.UTC_TIME, Buffer.from(s, 'latin1'));
}

// ---------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------

/** One element located in a byte array: offsets only, nothing copied. */
export interface DerNode {
  /** The identifier octet (single-byte tags only). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just after the last content byte. */
  contentEnd: number;
  /** Offset just after the element (after the end-of-contents octets for indefinite lengths). */
  end: number;
}

/**
 * Reads the element at `pos` (which must end at or before `limit`). Definite lengths per DER; BER
 * indefinite lengths (X.690 §8.1.3.6) are accepted on constructed elements for tolerance.
 */
export function readNode(buf: Uint8Array, pos: number, limit = buf.length): DerNode {
  if (pos + 2 > limit) throw new DerError(`element truncated at offset ${pos}`);
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag number at offset ${pos}`);
  let at = pos + 1;
  const first = buf[at++];
  if (first < 0x80) {
    const end = at + first;
    if (end > limit) throw new DerError(`length at offset ${pos} runs past the end`);
    return { tag, start: pos, contentStart: at, contentEnd: end, end };
  }
  if (first === 0x80) {
    if (!(tag & 0x20)) throw new DerError(`indefinite length on a primitive element at offset ${pos}`);
    let p = at;
    for (;;) {
      if (p + 2 > limit) throw new DerError(`missing end-of-contents for element at offset ${pos}`);
      if (buf[p] === 0 && buf[p + 1] === 0) return { tag, start: pos, contentStart: at, contentEnd: p, end: p + 2 };
      p = readNode(buf, p, limit).end;
    }
  }
  const n = first & 0x7f;
  if (n > 4 || at + n > limit) throw new DerError(`bad length at offset ${pos}`);
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + buf[at++];
  const end = at + length;
  if (end > limit) throw new DerError(`length at offset ${pos} runs past the end`);
  return { tag, start: pos, contentStart: at, contentEnd: end, end };
}

/** Returns the child elements of a constructed element. */
export function children(buf: Uint8Array, node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let p = node.contentStart;
  while (p < node.contentEnd) {
    const child = readNode(buf, p, node.contentEnd);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** Checks that a child element exists and has `tag`; `what` names it in the error. */
export function expect(buf: Uint8Array, node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`${what} is missing`);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${node.tag.toString(16)}`);
  return node;
}

/** The content bytes of an element (a view, not a copy). */
export function content(buf: Uint8Array, node: DerNode): Uint8Array {
  return buf.subarray(node.contentStart, node.contentEnd);
}

/** The whole encoding of an element (a view, not a copy). */
export function raw(buf: Uint8Array, node: DerNode): Uint8Array {
  return buf.subarray(node.start, node.end);
}

/** Decodes an OBJECT IDENTIFIER's content (X.690 §8.19) to dotted form. */
export function decodeOid(buf: Uint8Array, node: DerNode): string {
  if (node.tag !== TAG.OID) throw new DerError(`expected an OBJECT IDENTIFIER at offset ${node.start}`);
  // The same few dozen OIDs recur in every CMS and certificate: decode each once.
  const key = Buffer.from(buf.buffer, buf.byteOffset + node.contentStart, node.contentEnd - node.contentStart).toString('latin1');
  let dotted = oidText.get(key);
  if (dotted === undefined) {
    dotted = decodeOidSlow(buf, node);
    if (oidText.size > 4096) oidText.clear();
    oidText.set(key, dotted);
  }
  return dotted;
}

const oidText = new Map<string, string>();

function decodeOidSlow(buf: Uint8Array, node: DerNode): string {
  const parts: number[] = [];
  let value = 0;
  for (let i = node.contentStart; i < node.contentEnd; i++) {
    const b = buf[i];
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        parts.push(first, value - first * 40);
      } else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** Decodes a small non-negative INTEGER (versions, status codes). */
export function decodeSmallInteger(buf: Uint8Array, node: DerNode): number {
  if (node.tag !== TAG.INTEGER) throw new DerError(`expected an INTEGER at offset ${node.start}`);
  const len = node.contentEnd - node.contentStart;
  if (len < 1 || len > 6) throw new DerError(`INTEGER at offset ${node.start} is out of range`);
  let v = 0;
  for (let i = node.contentStart; i < node.contentEnd; i++) v = v * 256 + buf[i];
  return v;
}

/** The magnitude of an INTEGER as unsigned big-endian bytes (leading zero octets removed). */
export function integerMagnitude(buf: Uint8Array, node: DerNode): Uint8Array {
  let s = node.contentStart;
  while (s < node.contentEnd - 1 && buf[s] === 0) s++;
  return buf.subarray(s, node.contentEnd);
}

/** Parses a UTCTime or GeneralizedTime (X.690 §11.7/§11.8; RFC 5280 §4.1.2.5). */
export function decodeTime(buf: Uint8Array, node: DerNode): Date {
  const s = Buffer.from(buf.buffer, buf.byteOffset + node.contentStart, node.contentEnd - node.contentStart).toString('latin1');
  let m: RegExpMatchArray | null;
  if (node.tag === TAG.UTC_TIME) {
    m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/);
    if (!m) throw new DerError(`bad UTCTime "${s}"`);
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
  }
  if (node.tag === TAG.GENERALIZED_TIME) {
    m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?Z$/);
    if (!m) throw new DerError(`bad GeneralizedTime "${s}"`);
    const ms = m[7] ? Math.floor(Number('0.' + m[7]) * 1000 + 1e-6) : 0;
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0), ms));
  }
  throw new DerError(`expected a time at offset ${node.start}`);
}

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** True when two byte arrays are equal. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
