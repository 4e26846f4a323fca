/**
 * DER reading and writing for the PKI structures (X.690 §8, §10).
 *
 * Writing goes through node-forge's `asn1` module. Reading uses a small TLV walker instead, because
 * signatures are checked over exact byte spans (TBSCertificate, TBSCertList, ResponseData) that a
 * decode-then-re-encode round trip could alter.
 */
import forge from 'node-forge';

const { asn1 } = forge;
/** A node-forge ASN.1 value, as produced by the writer helpers below. */
export type Asn1 = forge.asn1.Asn1;

// ---------------------------------------------------------------------------------------------
// Bytes <-> forge binary strings

/** Converts bytes to the latin1 "binary string" node-forge works with. */
export function toBinary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Converts a node-forge binary string back to bytes. */
export function fromBinary(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** True when both byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Tag classes (X.690 §8.1.2.2). */
export const CLASS_UNIVERSAL = 0;
export const CLASS_CONTEXT = 2;

/** Universal tag numbers used here (X.680 §8.4). */
export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  T61_STRING: 20,
  IA5_STRING: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  VISIBLE_STRING: 26,
  UNIVERSAL_STRING: 28,
  BMP_STRING: 30,
} as const;

/** Thrown by the reader on malformed DER; callers turn it into a SignetError with their own code. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

/** One decoded TLV: where it sits in `buf` and what its identifier octet says. */
export interface DerNode {
  readonly buf: Uint8Array;
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** Reads the TLV at `offset` of `buf` (definite lengths only, as DER requires: X.690 §10.1). */
export function readNode(buf: Uint8Array, offset = 0, limit = buf.byteLength): DerNode {
  if (offset + 2 > limit) throw new DerError('unexpected end of data');
  const id = buf[offset];
  const cls = id >> 6;
  const constructed = (id & 0x20) !== 0;
  const tag = id & 0x1f;
  if (tag === 0x1f) throw new DerError('high tag numbers are not supported');
  let pos = offset + 1;
  let len = buf[pos++];
  if (len === 0x80) throw new DerError('indefinite length is not DER');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || pos + n > limit) throw new DerError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[pos++];
  }
  const end = pos + len;
  if (end > limit) throw new DerError('length runs past the end of data');
  return { buf, cls, constructed, tag, start: offset, contentStart: pos, end };
}

/** Reads a whole DER value and checks that nothing trails it. */
export function readRoot(buf: Uint8Array): DerNode {
  const node = readNode(buf, 0);
  if (node.end !== buf.byteLength) throw new DerError('trailing data after the DER value');
  return node;
}

/** The children of a constructed node. */
export function childrenOf(node: DerNode): DerNode[] {
  if (!node.constructed) throw new DerError('expected a constructed value');
  const out: DerNode[] = [];
  let pos = node.contentStart;
  while (pos < node.end) {
    const child = readNode(node.buf, pos, node.end);
    out.push(child);
    pos = child.end;
  }
  return out;
}

/** The complete encoding (identifier, length, content) of `node`. */
export function rawOf(node: DerNode): Uint8Array {
  return node.buf.subarray(node.start, node.end);
}

/** The content octets of `node`. */
export function contentOf(node: DerNode): Uint8Array {
  return node.buf.subarray(node.contentStart, node.end);
}

/** True when `node` is the universal type `tag`. */
export function isUniversal(node: DerNode, tag: number): boolean {
  return node.cls === CLASS_UNIVERSAL && node.tag === tag;
}

/** True when `node` is the context-specific tag `[n]`. */
export function isContext(node: DerNode, n: number): boolean {
  return node.cls === CLASS_CONTEXT && node.tag === n;
}

/** Asserts `node` is the universal type `tag` and returns it. */
export function expectUniversal(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || !isUniversal(node, tag)) throw new DerError(`expected ${what}`);
  return node;
}

/** Decodes an OBJECT IDENTIFIER node to dotted form. */
export function readOid(node: DerNode | undefined): string {
  const n = expectUniversal(node, TAG.OID, 'an OBJECT IDENTIFIER');
  return asn1.derToOid(toBinary(contentOf(n)));
}

/** Returns the INTEGER magnitude as lower-case hex without leading zero octets ("0" for zero). */
export function readIntegerHex(node: DerNode | undefined): string {
  const n = expectUniversal(node, TAG.INTEGER, 'an INTEGER');
  const hex = toHex(contentOf(n)).replace(/^(00)+/, '');
  return hex === '' ? '0' : hex;
}

/** Decodes a small non-negative INTEGER or ENUMERATED. */
export function readSmallInt(node: DerNode | undefined): number {
  if (!node || node.cls !== CLASS_UNIVERSAL || (node.tag !== TAG.INTEGER && node.tag !== TAG.ENUMERATED)) {
    throw new DerError('expected an INTEGER');
  }
  const c = contentOf(node);
  if (c.byteLength === 0 || c.byteLength > 6) throw new DerError('integer out of range');
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** Decodes a UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5). */
export function readTime(node: DerNode | undefined): Date {
  if (!node || node.cls !== CLASS_UNIVERSAL) throw new DerError('expected a time');
  const s = Buffer.from(contentOf(node)).toString('latin1');
  let m: RegExpMatchArray | null;
  let year: number;
  if (node.tag === TAG.UTC_TIME) {
    m = s.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    m = s.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.(\d{1,9}))?Z$/);
    if (!m) throw new DerError('bad GeneralizedTime');
    year = Number(m[1]);
  } else {
    throw new DerError('expected a time');
  }
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms));
}

/** Decodes a directory string (UTF8String, PrintableString, BMPString, …) to a JS string. */
export function readString(node: DerNode): string {
  const c = Buffer.from(contentOf(node));
  switch (node.tag) {
    case TAG.UTF8_STRING:
      return c.toString('utf8');
    case TAG.BMP_STRING: {
      const swapped = Buffer.from(c);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      let out = '';
      for (let i = 0; i + 3 < c.length; i += 4) out += String.fromCodePoint(c.readUInt32BE(i));
      return out;
    }
    default:
      return c.toString('latin1');
  }
}

/** The bytes inside a BIT STRING (after the unused-bits octet). */
export function readBitStringBytes(node: DerNode | undefined): Uint8Array {
  const n = expectUniversal(node, TAG.BIT_STRING, 'a BIT STRING');
  const c = contentOf(n);
  if (c.byteLength === 0) throw new DerError('empty BIT STRING');
  return c.subarray(1);
}

// ---------------------------------------------------------------------------------------------
// Writing (node-forge asn1)

const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** SEQUENCE of `items`. */
export function seq(...items: Asn1[]): Asn1 {
  return asn1.create(U, T.SEQUENCE, true, items);
}

/** SET of `items` (callers pass one item, or items already in DER order). */
export function set(...items: Asn1[]): Asn1 {
  return asn1.create(U, T.SET, true, items);
}

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Asn1 {
  return asn1.create(U, T.OID, false, asn1.oidToDer(dotted).getBytes());
}

/** NULL. */
export function nul(): Asn1 {
  return asn1.create(U, T.NULL, false, '');
}

/** BOOLEAN. */
export function bool(v: boolean): Asn1 {
  return asn1.create(U, T.BOOLEAN, false, v ? '\xff' : '\x00');
}

/** Minimal two's-complement encoding of a non-negative integer (X.690 §8.3). */
export function unsignedIntegerBytes(value: bigint | number | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    let i = 0;
    while (i < value.length - 1 && value[i] === 0) i++;
    bytes = value.subarray(i);
    if (bytes.length === 0) bytes = new Uint8Array([0]);
  } else {
    let v = BigInt(value);
    if (v < 0n) throw new RangeError('negative integer');
    const out: number[] = [];
    do {
      out.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    bytes = new Uint8Array(out);
  }
  if (bytes[0] & 0x80) {
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes, 1);
    return padded;
  }
  return bytes;
}

/** INTEGER holding the non-negative value `v` (bytes are an unsigned big-endian magnitude). */
export function int(v: bigint | number | Uint8Array): Asn1 {
  return asn1.create(U, T.INTEGER, false, toBinary(unsignedIntegerBytes(v)));
}

/** ENUMERATED. */
export function enumerated(v: number): Asn1 {
  return asn1.create(U, T.ENUMERATED, false, toBinary(unsignedIntegerBytes(v)));
}

/** OCTET STRING. */
export function octets(bytes: Uint8Array): Asn1 {
  return asn1.create(U, T.OCTETSTRING, false, toBinary(bytes));
}

/** BIT STRING with `unusedBits` unused bits in the last octet. */
export function bitString(bytes: Uint8Array, unusedBits = 0): Asn1 {
  return asn1.create(U, T.BITSTRING, false, String.fromCharCode(unusedBits) + toBinary(bytes));
}

/** UTF8String (RFC 5280 §4.1.2.6: the encoding for names with non-ASCII text). */
export function utf8(s: string): Asn1 {
  return asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(s));
}

/** PrintableString; throws RangeError when `s` has characters outside the PrintableString set. */
export function printable(s: string): Asn1 {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s)) throw new RangeError(`not a PrintableString: ${s}`);
  return asn1.create(U, T.PRINTABLESTRING, false, s);
}

/** IA5String. */
export function ia5(s: string): Asn1 {
  return asn1.create(U, T.IA5STRING, false, s);
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2; RFC 6960 uses it throughout). */
export function generalizedTime(d: Date): Asn1 {
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return asn1.create(U, T.GENERALIZEDTIME, false, s);
}

/** Time per RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(d: Date): Asn1 {
  const y = d.getUTCFullYear();
  if (y < 1950 || y >= 2050) return generalizedTime(d);
  const s = `${pad(y % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return asn1.create(U, T.UTCTIME, false, s);
}

/** `[n] EXPLICIT inner`. */
export function explicit(n: number, inner: Asn1): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, true, [inner]);
}

/** `[n] IMPLICIT` primitive with the given content octets. */
export function implicitPrimitive(n: number, content: Uint8Array | string): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, false, typeof content === 'string' ? content : toBinary(content));
}

/** `[n] IMPLICIT` constructed holding `items` (replaces a SEQUENCE tag). */
export function implicitConstructed(n: number, items: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, n, true, items);
}

/** Embeds a complete, already-encoded DER value (e.g. a SubjectPublicKeyInfo or a Name). */
export function rawDer(der: Uint8Array): Asn1 {
  return asn1.fromDer(toBinary(der), { strict: true, parseAllBytes: true, decodeBitStrings: false } as never);
}

/** Encodes `obj` to DER bytes. */
export function encode(obj: Asn1): Uint8Array {
  return fromBinary(asn1.toDer(obj).getBytes());
}
