/**
 * Signature widget appearances: form XObjects (ISO 32000-1 §8.10, §12.5.5) drawn with vector
 * operators. This is the seam where seals, handwritten signatures and uploaded images plug in:
 * anything that can write itself as a form XObject is an {@link AppearanceGraphic}, and
 * {@link SignatureAppearance} lays one out with the signer's name and the signing time.
 */
import { FontProgram } from '../font/font-program.js';
import { FontSubset, type ObjectSink } from '../font/font-subset.js';
import { SignetError } from '../errors.js';
import { PdfDict, PdfName, PdfStream, PdfString, type PdfRef } from './objects.js';
import type { IncrementalWriter } from './writer.js';
import type { PdfReader } from './reader.js';
import type { Rect } from './acroform.js';
import { imageGraphic } from './image.js';

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
  /**
   * The revision's shared resources: one font subset per font and one XObject per graphic, however
   * many widgets use them. Set by `prepareSignature`, which finishes it before writing.
   */
  resources?: AppearanceResources;
}

/** Builds the normal appearance (a form XObject) of a visible signature widget. */
export interface AppearanceProvider {
  build(ctx: AppearanceContext): PdfStream;
}

/**
 * Something an appearance can draw: a seal, a handwritten signature, an uploaded image. It has a
 * natural size in points (only its aspect ratio matters when it is fitted into a widget) and writes
 * itself as a self-contained form XObject whose /BBox is `[0 0 width height]`.
 */
export interface AppearanceGraphic {
  readonly width: number;
  readonly height: number;
  /** Writes the form XObject (and anything it references) and returns its reference. */
  toXObject(sink: ObjectSink): PdfRef;
}

/**
 * The resources of one signature revision, shared by all its widgets: each graphic is written once
 * (a cross-page seal's slices all reference the same seal XObject) and each font gets one subset.
 */
export class AppearanceResources {
  private readonly fonts = new Map<FontProgram, FontSubset>();
  private readonly graphics = new Map<AppearanceGraphic, PdfRef>();

  constructor(
    /** Where the objects go: the revision's writer. */
    readonly sink: ObjectSink,
  ) {}

  /** The revision's subset of a font (given as bytes or a parsed program), created on first use. */
  font(font: Uint8Array | FontProgram): FontSubset {
    const program = font instanceof FontProgram ? font : FontProgram.load(font);
    let s = this.fonts.get(program);
    if (!s) {
      s = new FontSubset(program, this.sink);
      this.fonts.set(program, s);
    }
    return s;
  }

  /** The reference of the graphic's form XObject, written on first use. */
  xobject(graphic: AppearanceGraphic): PdfRef {
    let ref = this.graphics.get(graphic);
    if (!ref) {
      ref = graphic.toXObject(this.sink);
      this.graphics.set(graphic, ref);
    }
    return ref;
  }

  /** Writes every font subset used. Call once, after the last widget is built. */
  finish(): void {
    for (const s of this.fonts.values()) s.finish();
  }
}

/**
 * A CJK-capable, non-embedded font: Adobe's predefined STSong-Light with the UniGB-UCS2-H CMap
 * (ISO 32000-1 §9.7.5.2). Viewers substitute a system Song/Ming face. It is the fallback when no
 * font bytes are given; with a font, text is an embedded subset instead.
 */
function stSongLight(): PdfDict {
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
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? '0' : String(r);
}

/** Formats a time as the widget shows it: `2026-11-23 09:30:00 +08:00` in China Standard Time. */
export function formatWidgetTime(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${cst.getUTCFullYear()}-${p(cst.getUTCMonth() + 1)}-${p(cst.getUTCDate())} ${p(cst.getUTCHours())}:${p(cst.getUTCMinutes())}:${p(cst.getUTCSeconds())} +08:00`;
}

/** Options of {@link SignatureAppearance}. */
export interface SignatureAppearanceOptions {
  /** A seal, a handwritten signature or an image. */
  graphic?: AppearanceGraphic;
  /**
   * Whether to write the signer's name and the signing time (and the reason): `auto` (the default)
   * writes them when there is no graphic, or when the widget is wide enough to set them beside it
   * (at least 1.8 times as wide as high).
   */
  text?: boolean | 'auto';
  /** Font bytes (TrueType/OpenType) for the text, embedded as a subset. Without it, STSong-Light (not embedded). */
  font?: Uint8Array;
  /** A thin red frame around the widget; default: only when there is no graphic. */
  frame?: boolean;
}

/**
 * The appearance of a visible signature: a graphic (a seal, handwriting or an image) fitted into
 * the widget with its aspect ratio kept, and optionally the signer's name and the signing time set
 * in an embedded subset font beside it.
 */
export class SignatureAppearance implements AppearanceProvider {
  constructor(readonly opts: SignatureAppearanceOptions = {}) {}

  build(ctx: AppearanceContext): PdfStream {
    const { width: w, height: h } = ctx;
    const own = ctx.resources ? undefined : new AppearanceResources(ctx.writer);
    const res = ctx.resources ?? own!;
    const graphic = this.opts.graphic;
    const showText = this.opts.text === undefined || this.opts.text === 'auto' ? !graphic || w >= 1.8 * h : this.opts.text;
    const resources = new PdfDict();
    let ops = '';
    let textX = 4;
    if (graphic) {
      const ref = res.xobject(graphic);
      resources.set('XObject', new PdfDict({ G0: ref }));
      const [bw, bh] = showText ? [Math.min(h, w / 2), h] : [w, h];
      const s = Math.min(bw / graphic.width, bh / graphic.height);
      const gw = graphic.width * s, gh = graphic.height * s;
      ops += `q ${fmt(s)} 0 0 ${fmt(s)} ${fmt((bw - gw) / 2)} ${fmt((bh - gh) / 2)} cm /G0 Do Q\n`;
      textX = bw + 4;
    }
    if (this.opts.frame ?? !graphic) ops += `q 0.8 0.1 0.1 RG 0.75 w 0.5 0.5 ${fmt(w - 1)} ${fmt(h - 1)} re S Q\n`;
    if (showText) {
      const lines = [ctx.signerName, formatWidgetTime(ctx.signingTime)];
      if (ctx.reason) lines.push(ctx.reason);
      const subset = this.opts.font ? res.font(this.opts.font) : undefined;
      if (subset) resources.set('Font', new PdfDict({ F1: subset.ref }));
      else {
        const fontRef = ctx.writer.allocate();
        ctx.writer.set(fontRef, stSongLight());
        resources.set('Font', new PdfDict({ F1: fontRef }));
      }
      const avail = Math.max(10, w - textX - 4);
      const widest = Math.max(...lines.map((l) => (subset ? subset.widthOf(l, 1) : emWidth(l))));
      const size = Math.max(4, Math.min(14, (h - 6) / (lines.length * 1.25), avail / Math.max(0.5, widest)));
      ops += `BT /F1 ${fmt(size)} Tf 0.1 0.1 0.1 rg\n`;
      const top = h - 3 - size;
      lines.forEach((line, i) => {
        ops += `1 0 0 1 ${fmt(textX)} ${fmt(top - i * size * 1.25)} Tm ${subset ? subset.encode(line) : ucs2Hex(line)} Tj\n`;
      });
      ops += 'ET\n';
    }
    own?.finish();
    return formXObject([0, 0, w, h], resources, ops);
  }
}

/**
 * The appearance Signet drew before seals: the signer's name and the signing time in a thin red
 * frame, with an optional PNG or JPEG image (a scanned seal) on the left.
 */
export class TextAppearance extends SignatureAppearance {
  constructor(opts: { image?: Uint8Array; removeWhiteBackground?: boolean; font?: Uint8Array } = {}) {
    super({
      graphic: opts.image ? imageGraphic(opts.image, { removeWhiteBackground: opts.removeWhiteBackground }) : undefined,
      text: true,
      frame: true,
      font: opts.font,
    });
  }
}

/** Builds a form XObject (ISO 32000-1 §8.10.2) from a content string, compressed. */
export function formXObject(bbox: [number, number, number, number], resources: PdfDict, content: string, matrix?: number[]): PdfStream {
  const dict = new PdfDict({
    Type: PdfName.of('XObject'),
    Subtype: PdfName.of('Form'),
    BBox: bbox,
    Resources: resources,
  });
  if (matrix) dict.set('Matrix', matrix);
  return PdfStream.fromData(Buffer.from(content, 'latin1'), dict, { compress: content.length > 256 });
}

/** Where and how a cross-page seal (骑缝章) goes. */
export interface CrossPageSeal {
  /** The seal. */
  graphic: AppearanceGraphic;
  /** The seal's width on paper in points (its height follows the aspect ratio); default its natural width. */
  width?: number;
  /** First and last 1-based page; default every page. */
  pages?: { first: number; last: number };
  /**
   * The bottom of the seal in points above the bottom of the visible page, the same on every page;
   * default: vertically centred on the first page of the range.
   */
  y?: number;
}

/** One slice of a cross-page seal: a widget on one page. */
export interface CrossPageSlice {
  pageIndex: number;
  rect: Rect;
  appearance: PdfStream;
}

/**
 * Splits a seal into vertical slices, one per page of the range, each set against the right edge
 * of its page as the page is displayed (honouring /Rotate and the CropBox, ISO 32000-1 §7.7.3.3 and
 * §14.11.2): page k of n shows the k-th slice from the left, so the slices side by side make the
 * whole seal. Each slice is a form XObject that clips the one shared seal XObject.
 */
export function crossPageSlices(reader: PdfReader, spec: CrossPageSeal, resources: AppearanceResources): CrossPageSlice[] {
  const count = reader.pageCount();
  const first = spec.pages?.first ?? 1;
  const last = spec.pages?.last ?? count;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last > count || first > last) {
    throw new SignetError('PDF_PAGE_OUT_OF_RANGE', `The cross-page seal's pages ${first}-${last} are not inside the document's ${count} page(s); give a range such as 1-${count}`);
  }
  const n = last - first + 1;
  if (n < 2) throw new SignetError('INVALID_ARGUMENT', 'A cross-page seal needs at least two pages; give a range of two pages or more');
  const g = spec.graphic;
  const width = spec.width ?? g.width;
  if (!(width > 0) || !Number.isFinite(width)) throw new SignetError('INVALID_ARGUMENT', `The cross-page seal's width must be a positive number of points, not ${width}`);
  const s = width / g.width;
  const height = g.height * s;
  const slice = width / n;
  const sealRef = resources.xobject(g);
  const frames = [];
  for (let i = first - 1; i < last; i++) frames.push(displayFrame(reader, i));
  const y0 = spec.y ?? (frames[0].height - height) / 2;
  if (!Number.isFinite(y0)) throw new SignetError('INVALID_ARGUMENT', `The cross-page seal's position must be a number of points, not ${spec.y}`);
  return frames.map((f, k) => {
    if (f.width < slice || f.height < height) {
      throw new SignetError('PDF_RECT_OFF_PAGE', `Page ${f.pageIndex + 1} is too small for a ${fmt(width)} pt cross-page seal; use a smaller seal`);
    }
    const v = Math.min(Math.max(0, y0), f.height - height);
    const rect = f.toUser(f.width - slice, v, slice, height);
    const content = `q 0 0 ${fmt(slice)} ${fmt(height)} re W n ${fmt(s)} 0 0 ${fmt(s)} ${fmt(-k * slice)} 0 cm /G0 Do Q\n`;
    const appearance = formXObject([0, 0, slice, height], new PdfDict({ XObject: new PdfDict({ G0: sealRef }) }), content, f.matrix);
    return { pageIndex: f.pageIndex, rect, appearance };
  });
}

interface DisplayFrame {
  pageIndex: number;
  /** Size of the visible page as displayed (after /Rotate). */
  width: number;
  height: number;
  /** Maps a box given in display coordinates to the user-space rectangle it covers. */
  toUser(u: number, v: number, w: number, h: number): Rect;
  /** The form matrix that turns display-upright content into user space, or undefined for 0°. */
  matrix?: number[];
}

/** The visible page (CropBox within MediaBox) as a viewer displays it, after /Rotate (clockwise). */
function displayFrame(reader: PdfReader, pageIndex: number): DisplayFrame {
  const p = reader.getPage(pageIndex);
  const [mx1, my1, mx2, my2] = p.mediaBox;
  const [cx1, cy1, cx2, cy2] = p.cropBox;
  const x1 = Math.max(mx1, cx1), y1 = Math.max(my1, cy1), x2 = Math.min(mx2, cx2), y2 = Math.min(my2, cy2);
  const r = p.rotate;
  const pw = x2 - x1, ph = y2 - y1;
  // Display point (u, v), v up, to user space, for each clockwise /Rotate.
  const map = (u: number, v: number): [number, number] =>
    r === 90 ? [x2 - v, y1 + u] : r === 180 ? [x2 - u, y2 - v] : r === 270 ? [x1 + v, y2 - u] : [x1 + u, y1 + v];
  const toUser = (u: number, v: number, w: number, h: number): Rect => {
    const [ax, ay] = map(u, v);
    const [bx, by] = map(u + w, v + h);
    return { x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax), h: Math.abs(by - ay) };
  };
  const rad = (r * Math.PI) / 180;
  const c = Math.round(Math.cos(rad)), sn = Math.round(Math.sin(rad));
  return {
    pageIndex,
    width: r % 180 === 0 ? pw : ph,
    height: r % 180 === 0 ? ph : pw,
    toUser,
    matrix: r === 0 ? undefined : [c, sn, -sn, c, 0, 0],
  };
}

/**
 * The normal appearance of a filled text field: the value on one line, left-aligned and vertically
 * centred, as large as the field allows (4–12 pt), in an embedded subset of `font` when given
 * (STSong-Light otherwise). Text wider than the field at 4 pt is clipped by the /BBox.
 */
export function textFieldAppearance(opts: { value: string; width: number; height: number; resources: AppearanceResources; writer: IncrementalWriter; font?: Uint8Array | FontProgram }): PdfStream {
  const { value, width: w, height: h } = opts;
  const subset = opts.font ? opts.resources.font(opts.font) : undefined;
  const resources = new PdfDict();
  if (subset) resources.set('Font', new PdfDict({ F1: subset.ref }));
  else {
    const fontRef = opts.writer.allocate();
    opts.writer.set(fontRef, stSongLight());
    resources.set('Font', new PdfDict({ F1: fontRef }));
  }
  const em = Math.max(0.5, subset ? subset.widthOf(value, 1) : emWidth(value));
  const size = Math.max(4, Math.min(12, h * 0.7, (w - 4) / em));
  const y = (h - size * 0.8) / 2;
  const ops = `/Tx BMC q 0 0 ${fmt(w)} ${fmt(h)} re W n BT /F1 ${fmt(size)} Tf 0.1 0.1 0.1 rg 1 0 0 1 2 ${fmt(y)} Tm ${subset ? subset.encode(value) : ucs2Hex(value)} Tj ET Q EMC\n`;
  return formXObject([0, 0, w, h], resources, ops);
}
