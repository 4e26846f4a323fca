/**
 * Embeds the glyphs a document actually uses: a Type 0 font over a CIDFontType2 with Identity-H
 * encoding, a subset TrueType program (FontFile2), widths and a ToUnicode CMap so that text
 * extraction recovers the characters (ISO 32000-1 §9.7.4, §9.7.6, §9.9, §9.10.3).
 */
import { createHash } from 'node:crypto';
import { PdfDict, PdfName, PdfStream, PdfString, type PdfObject, type PdfRef } from '../pdf/objects.js';
import type { FontProgram } from './font-program.js';

/** Where new objects go: an IncrementalWriter, or any builder with the same two methods. */
export interface ObjectSink {
  allocate(): PdfRef;
  set(ref: PdfRef, obj: PdfObject): void;
}

interface SubsetLike {
  includeGlyph(glyph: unknown): number;
  encode(stream: unknown): void;
}

interface TtfSubsetInternals {
  _addGlyph(gid: number): number;
  includeGlyph(glyph: number | { id: number }): number;
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
}

/** A glyph's `glyf` record as the subset needs it, read once per process. */
interface CachedGlyph {
  /** The raw record, padded to an even length. */
  bytes: Buffer;
  /** For a composite glyph: each component's glyph id and the offset of that id in `bytes`. */
  components?: { glyphID: number; pos: number }[];
  advance: number;
  bearing: number;
}

interface FontkitInternals {
  getGlyph(gid: number): { _decode(): { numberOfContours: number; components?: { glyphID: number; pos: number }[] } | null; advanceWidth: number; _getMetrics(): { leftBearing: number } };
  loca: { offsets: number[] };
  _getTableStream(tag: string): { pos: number; readBuffer(n: number): Buffer };
  _variationProcessor?: unknown;
}

const glyphCache = new WeakMap<FontProgram, Map<number, CachedGlyph>>();

/** The glyph record of `gid`, decoded by fontkit on first use only. */
function cachedGlyph(program: FontProgram, gid: number): CachedGlyph {
  let byGid = glyphCache.get(program);
  if (!byGid) glyphCache.set(program, (byGid = new Map()));
  let g = byGid.get(gid);
  if (!g) {
    const font = program.font as unknown as FontkitInternals;
    const glyph = font.getGlyph(gid);
    const glyf = glyph._decode();
    const stream = font._getTableStream('glyf');
    stream.pos += font.loca.offsets[gid];
    const raw = stream.readBuffer(font.loca.offsets[gid + 1] - font.loca.offsets[gid]);
    // fontkit writes a short `loca` (offsets / 2) whenever the subset is small, which corrupts every
    // glyph after one of odd length (common in Noto CJK): pad each record to an even length, as the
    // TrueType spec recommends.
    const bytes = Buffer.alloc(raw.length + (raw.length % 2));
    bytes.set(raw);
    g = {
      bytes,
      components: glyf && glyf.numberOfContours < 0 ? (glyf.components ?? []).map((c) => ({ glyphID: c.glyphID, pos: c.pos })) : undefined,
      advance: glyph.advanceWidth,
      bearing: glyph._getMetrics().leftBearing,
    };
    byGid.set(gid, g);
  }
  return g;
}

/**
 * Replaces fontkit's per-subset glyph decoding with the per-process cache above (same output,
 * without decoding every outline again for each document). Variable fonts keep fontkit's path,
 * which re-encodes outlines for the instance.
 */
function cachedGlyphs(program: FontProgram, subset: SubsetLike): SubsetLike {
  if ((program.font as unknown as FontkitInternals)._variationProcessor) return subset;
  const s = subset as unknown as TtfSubsetInternals;
  s._addGlyph = (gid: number) => {
    const g = cachedGlyph(program, gid);
    let bytes = g.bytes;
    if (g.components) {
      bytes = Buffer.from(g.bytes);
      for (const c of g.components) bytes.writeUInt16BE(s.includeGlyph(c.glyphID), c.pos);
    }
    s.glyf.push(bytes);
    s.loca.offsets.push(s.offset);
    s.hmtx.metrics.push({ advance: g.advance, bearing: g.bearing });
    s.offset += bytes.length;
    return s.glyf.length - 1;
  };
  return subset;
}

// fontkit only exposes subsets as an async Readable; its encoder class is taken from one throwaway
// stream so that subsets encode synchronously (appearances are built synchronously).
let EncodeStreamClass: (new () => { push(chunk: Uint8Array | null): boolean; end(): void }) | undefined;

function encodeSync(program: FontProgram, subset: SubsetLike): Uint8Array {
  if (!EncodeStreamClass) {
    const probe = (program.font.createSubset() as unknown as { encodeStream(): object }).encodeStream();
    EncodeStreamClass = (probe as { constructor: typeof EncodeStreamClass }).constructor;
    (probe as { on(e: string, f: () => void): void }).on('error', () => {});
    (probe as { resume(): void }).resume();
  }
  const chunks: Uint8Array[] = [];
  const s = new EncodeStreamClass!();
  s.push = (chunk: Uint8Array | null) => {
    if (chunk) chunks.push(chunk);
    return true;
  };
  subset.encode(s);
  s.end();
  return Buffer.concat(chunks);
}

/**
 * The glyphs one document draws with one font. {@link encode} turns text into a hex string operand
 * (2-byte CIDs) and remembers the glyphs; {@link finish} writes the font objects. Reference the font
 * with {@link ref} in resources before finishing: the reference is allocated up front.
 */
export class FontSubset {
  private readonly subset: SubsetLike;
  /** original glyph id → CID (the glyph's id in the subset) */
  private readonly cids = new Map<number, number>();
  /** CID → the text it stands for */
  private readonly unicode = new Map<number, string>();
  private refValue?: PdfRef;
  private finished = false;

  constructor(
    readonly program: FontProgram,
    private readonly sink: ObjectSink,
  ) {
    this.subset = cachedGlyphs(program, program.font.createSubset() as unknown as SubsetLike);
  }

  /** The Type 0 font's reference (allocated on first use). */
  get ref(): PdfRef {
    this.refValue ??= this.sink.allocate();
    return this.refValue;
  }

  /** Returns `text` as a `<…>` hex string of CIDs for `Tj`, including its glyphs in the subset. */
  encode(text: string): string {
    let hex = '<';
    for (const ch of text) {
      const glyph = this.program.glyph(ch.codePointAt(0)!);
      let cid = this.cids.get(glyph.id);
      if (cid === undefined) {
        cid = this.subset.includeGlyph(glyph);
        this.cids.set(glyph.id, cid);
      }
      if (!this.unicode.has(cid) && glyph.id !== 0) this.unicode.set(cid, ch);
      hex += cid.toString(16).padStart(4, '0');
    }
    return hex + '>';
  }

  /** Width of `text` at `size` points, in points. */
  widthOf(text: string, size: number): number {
    return this.program.widthOf(text, size);
  }

  /** Writes the font program subset and the font dictionaries to the sink. Idempotent. */
  finish(): PdfRef {
    const ref = this.ref;
    if (this.finished) return ref;
    this.finished = true;
    const p = this.program;
    const scale = 1000 / p.unitsPerEm;
    const m = p.metrics;
    const order = [...this.cids.entries()].sort((a, b) => a[1] - b[1]);
    const tag = subsetTag(order.map(([gid]) => gid));
    const baseFont = PdfName.of(`${tag}+${p.postscriptName}`);

    const fontFile = this.sink.allocate();
    this.sink.set(fontFile, PdfStream.fromData(encodeSync(p, this.subset), new PdfDict(), { compress: true }));
    const descriptor = this.sink.allocate();
    this.sink.set(descriptor, new PdfDict({
      Type: PdfName.of('FontDescriptor'),
      FontName: baseFont,
      Flags: 4,
      FontBBox: m.bbox.map((v) => Math.round(v * scale)),
      ItalicAngle: m.italicAngle,
      Ascent: Math.round(m.ascent * scale),
      Descent: Math.round(m.descent * scale),
      CapHeight: Math.round(m.capHeight * scale),
      StemV: 80,
      FontFile2: fontFile,
    }));
    const widths: PdfObject[] = [];
    for (const [gid, cid] of order) widths.push(cid, [Math.round(p.advance(gid) * scale)]);
    const cidFont = this.sink.allocate();
    this.sink.set(cidFont, new PdfDict({
      Type: PdfName.of('Font'),
      Subtype: PdfName.of('CIDFontType2'),
      BaseFont: baseFont,
      CIDSystemInfo: new PdfDict({ Registry: ascii('Adobe'), Ordering: ascii('Identity'), Supplement: 0 }),
      FontDescriptor: descriptor,
      CIDToGIDMap: PdfName.of('Identity'),
      DW: 1000,
      W: widths,
    }));
    const toUnicode = this.sink.allocate();
    this.sink.set(toUnicode, PdfStream.fromData(new TextEncoder().encode(toUnicodeCMap(this.unicode)), new PdfDict(), { compress: true }));
    this.sink.set(ref, new PdfDict({
      Type: PdfName.of('Font'),
      Subtype: PdfName.of('Type0'),
      BaseFont: baseFont,
      Encoding: PdfName.of('Identity-H'),
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }));
    return ref;
  }
}

function ascii(s: string): PdfString {
  return new PdfString(new TextEncoder().encode(s), false);
}

/** Six upper-case letters derived from the glyph set (§9.6.4 subset tag). */
function subsetTag(gids: number[]): string {
  const h = createHash('sha256').update(gids.join(',')).digest();
  let tag = '';
  for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + (h[i] % 26));
  return tag;
}

function utf16Hex(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(4, '0');
  return out;
}

/** A ToUnicode CMap mapping each CID to its text (§9.10.3), in bfchar blocks of at most 100. */
function toUnicodeCMap(map: Map<number, string>): string {
  const rows = [...map.entries()].sort((a, b) => a[0] - b[0]);
  let body = '';
  for (let i = 0; i < rows.length; i += 100) {
    const block = rows.slice(i, i + 100);
    body += `${block.length} beginbfchar\n`;
    for (const [cid, text] of block) body += `<${cid.toString(16).padStart(4, '0')}> <${utf16Hex(text)}>\n`;
    body += 'endbfchar\n';
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${body}endcmap
CMapName currentdict /CMapResource defineresource pop
end
end
`;
}
