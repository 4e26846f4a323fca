/**
 * Signature widget appearances: form XObjects (ISO 32000-1 §8.10, §12.5.5) drawn with vector
 * operators. This is the seam where seals and handwritten signatures plug in: anything that can
 * produce a content stream and its resources is an {@link AppearanceProvider}.
 */
import { PdfDict, PdfName, PdfStream, PdfString, type PdfRef } from './objects.js';
import type { IncrementalWriter } from './writer.js';
import { imageFromBytes, writeImage } from './image.js';

/** What an appearance may show about the signature being made. */
export interface AppearanceContext {
  width: number;
  height: number;
  signerName: string;
  signingTime: Date;
  reason?: string;
  location?: string;
  /** The writer of the revision being built, for resources (fonts, images) the appearance needs. */
  writer: IncrementalWriter;
}

/** Builds the normal appearance (a form XObject) of a visible signature widget. */
export interface AppearanceProvider {
  build(ctx: AppearanceContext): PdfStream;
}

/**
 * A CJK-capable, non-embedded font: Adobe's predefined STSong-Light with the UniGB-UCS2-H CMap
 * (ISO 32000-1 §9.7.5.2). Viewers substitute a system Song/Ming face. Embedded subset fonts replace
 * it where a font is configured (see the seal module).
 */
function cjkFont(): PdfDict {
  return new PdfDict({
    Type: PdfName.of('Font'),
    Subtype: PdfName.of('Type0'),
    BaseFont: PdfName.of('STSong-Light'),
    Encoding: PdfName.of('UniGB-UCS2-H'),
    DescendantFonts: [
      new PdfDict({
        Type: PdfName.of('Font'),
        Subtype: PdfName.of('CIDFontType0'),
        BaseFont: PdfName.of('STSong-Light'),
        CIDSystemInfo: new PdfDict({ Registry: stringLiteral('Adobe'), Ordering: stringLiteral('GB1'), Supplement: 4 }),
        FontDescriptor: new PdfDict({
          Type: PdfName.of('FontDescriptor'),
          FontName: PdfName.of('STSong-Light'),
          Flags: 6,
          FontBBox: [-25, -254, 1000, 880],
          ItalicAngle: 0,
          Ascent: 880,
          Descent: -120,
          CapHeight: 880,
          StemV: 93,
        }),
        DW: 1000,
        // Half-width Latin: CIDs 1..95 map from U+0020..U+007E in Adobe-GB1.
        W: [1, 95, 500],
      }),
    ],
  });
}

function stringLiteral(s: string): PdfString {
  return new PdfString(new TextEncoder().encode(s), false);
}

/** Encodes text as a UCS-2 big-endian hex string operand for a UniGB-UCS2-H font. */
function ucs2Hex(text: string): string {
  let out = '<';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const unit = cp > 0xffff ? 0x3000 : cp; // outside the BMP: an ideographic space stands in
    out += unit.toString(16).padStart(4, '0');
  }
  return out + '>';
}

/** Approximate advance width of text in em (CJK full-width, Latin half-width). */
function emWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! < 0x2e80 ? 0.5 : 1;
  return w;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
}

/** Formats a time as the widget shows it: `2026-11-23 09:30:00 +08:00` in China Standard Time. */
export function formatWidgetTime(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${cst.getUTCFullYear()}-${p(cst.getUTCMonth() + 1)}-${p(cst.getUTCDate())} ${p(cst.getUTCHours())}:${p(cst.getUTCMinutes())}:${p(cst.getUTCSeconds())} +08:00`;
}

/**
 * The default appearance: an optional image (a seal or handwriting) on the left or as background,
 * then the signer's name and the signing time, in a thin red frame.
 */
export class TextAppearance implements AppearanceProvider {
  constructor(private readonly opts: { image?: Uint8Array; removeWhiteBackground?: boolean } = {}) {}

  build(ctx: AppearanceContext): PdfStream {
    const { width: w, height: h, writer } = ctx;
    const resources = new PdfDict();
    const fontRef: PdfRef = writer.allocate();
    writer.set(fontRef, cjkFont());
    resources.set('Font', new PdfDict({ F1: fontRef }));
    let ops = '';
    let textX = 4;
    if (this.opts.image) {
      const img = imageFromBytes(this.opts.image, { removeWhiteBackground: this.opts.removeWhiteBackground });
      const imgRef = writeImage(writer, img);
      resources.set('XObject', new PdfDict({ Im1: imgRef }));
      const box = Math.min(h - 4, w / 2);
      const scale = Math.min(box / img.width, box / img.height);
      const iw = img.width * scale, ih = img.height * scale;
      ops += `q ${fmt(iw)} 0 0 ${fmt(ih)} ${fmt(2 + (box - iw) / 2)} ${fmt((h - ih) / 2)} cm /Im1 Do Q\n`;
      textX = box + 6;
    }
    const lines = [ctx.signerName, formatWidgetTime(ctx.signingTime)];
    if (ctx.reason) lines.push(ctx.reason);
    const avail = Math.max(10, w - textX - 4);
    const widest = Math.max(...lines.map(emWidth));
    const size = Math.max(4, Math.min(14, (h - 6) / (lines.length * 1.25), avail / Math.max(1, widest)));
    ops += `q 0.8 0.1 0.1 RG 0.75 w 0.5 0.5 ${fmt(w - 1)} ${fmt(h - 1)} re S Q\n`;
    ops += `BT /F1 ${fmt(size)} Tf 0.1 0.1 0.1 rg\n`;
    const top = h - 3 - size;
    lines.forEach((line, i) => {
      ops += `1 0 0 1 ${fmt(textX)} ${fmt(top - i * size * 1.25)} Tm ${ucs2Hex(line)} Tj\n`;
    });
    ops += 'ET\n';
    const data = new TextEncoder().encode(ops);
    return new PdfStream(
      new PdfDict({
        Type: PdfName.of('XObject'),
        Subtype: PdfName.of('Form'),
        BBox: [0, 0, w, h],
        Resources: resources,
        Length: data.length,
      }),
      data,
    );
  }
}
