/**
 * A TrueType font program, parsed once per process (fontkit) and shared by every document that
 * draws with it: text measurement, glyph outlines for vector drawing (seals), and subsetting for
 * embedding (see {@link FontSubset}).
 */
import { createRequire } from 'node:module';
import type * as Fontkit from '@pdf-lib/fontkit';
import { SignetError } from '../errors.js';

type FkFont = ReturnType<typeof Fontkit.create>;

// fontkit decompresses its tables when imported (~250 ms): load it on first use only, so that
// commands that draw no text (verify, most of the CLI) never pay for it.
let fontkitModule: typeof Fontkit | undefined;
function fontkit(): typeof Fontkit {
  fontkitModule ??= createRequire(import.meta.url)('@pdf-lib/fontkit') as typeof Fontkit;
  return fontkitModule;
}
type FkGlyph = ReturnType<FkFont['glyphForCodePoint']>;

/** One outline command in font units (y up), as fontkit's Path gives them. */
export type OutlineCommand =
  | { op: 'M' | 'L'; x: number; y: number }
  | { op: 'Q'; cx: number; cy: number; x: number; y: number }
  | { op: 'C'; c1x: number; c1y: number; c2x: number; c2y: number; x: number; y: number }
  | { op: 'Z' };

const cache = new WeakMap<Uint8Array, FontProgram>();

/** A parsed font. Obtain it with {@link FontProgram.load}, which parses each byte array once. */
export class FontProgram {
  /** Units per em of the glyph coordinates (1000 or 2048 usually). */
  readonly unitsPerEm: number;
  /** PostScript name, e.g. `NotoSerifSC-Regular`. */
  readonly postscriptName: string;
  private readonly outlines = new Map<number, OutlineCommand[]>();

  private constructor(
    /** The fontkit font. @internal */
    readonly font: FkFont,
    /** The font file's bytes. */
    readonly bytes: Uint8Array,
  ) {
    this.unitsPerEm = font.unitsPerEm;
    this.postscriptName = (font.postscriptName || 'SignetFont').replace(/[^A-Za-z0-9-]/g, '');
  }

  /** Parses `bytes` (a TrueType/OpenType font), or returns the program parsed earlier from the same array. */
  static load(bytes: Uint8Array): FontProgram {
    let p = cache.get(bytes);
    if (!p) {
      let font: FkFont;
      try {
        font = fontkit().create(bytes as Buffer);
      } catch (e) {
        throw new SignetError('INVALID_ARGUMENT', `The font could not be parsed (${(e as Error).message}); give a TrueType or OpenType file`);
      }
      if (!('createSubset' in font)) throw new SignetError('INVALID_ARGUMENT', 'Font collections are not supported; give a single TrueType or OpenType font');
      p = new FontProgram(font, bytes);
      cache.set(bytes, p);
    }
    return p;
  }

  /** Ascender, descender (negative) and cap height in font units. */
  get metrics(): { ascent: number; descent: number; capHeight: number; bbox: [number, number, number, number]; italicAngle: number } {
    const f = this.font;
    return {
      ascent: f.ascent,
      descent: f.descent,
      capHeight: f.capHeight || f.ascent,
      bbox: [f.bbox.minX, f.bbox.minY, f.bbox.maxX, f.bbox.maxY],
      italicAngle: f.italicAngle,
    };
  }

  /** The glyph ids of `text`, one per code point (cmap lookup, no shaping; 0 = .notdef when missing). */
  glyphIds(text: string): number[] {
    const out: number[] = [];
    for (const ch of text) out.push(this.glyph(ch.codePointAt(0)!).id);
    return out;
  }

  /** True when every character of `text` has a glyph in this font. */
  covers(text: string): boolean {
    for (const ch of text) if (!this.font.hasGlyphForCodePoint(ch.codePointAt(0)!)) return false;
    return true;
  }

  /** Advance width of glyph `gid` in font units. */
  advance(gid: number): number {
    return this.font.getGlyph(gid).advanceWidth;
  }

  /** Width of `text` set at `size` points, in points. */
  widthOf(text: string, size: number): number {
    let w = 0;
    for (const ch of text) w += this.glyph(ch.codePointAt(0)!).advanceWidth;
    return (w * size) / this.unitsPerEm;
  }

  /** The outline of glyph `gid` in font units (y up), cached. */
  outline(gid: number): OutlineCommand[] {
    let cmds = this.outlines.get(gid);
    if (!cmds) {
      cmds = [];
      for (const c of (this.font.getGlyph(gid).path as unknown as { commands: { command: string; args: number[] }[] }).commands) {
        const a = c.args;
        switch (c.command) {
          case 'moveTo': cmds.push({ op: 'M', x: a[0], y: a[1] }); break;
          case 'lineTo': cmds.push({ op: 'L', x: a[0], y: a[1] }); break;
          case 'quadraticCurveTo': cmds.push({ op: 'Q', cx: a[0], cy: a[1], x: a[2], y: a[3] }); break;
          case 'bezierCurveTo': cmds.push({ op: 'C', c1x: a[0], c1y: a[1], c2x: a[2], c2y: a[3], x: a[4], y: a[5] }); break;
          case 'closePath': cmds.push({ op: 'Z' }); break;
        }
      }
      this.outlines.set(gid, cmds);
    }
    return cmds;
  }

  /** @internal */
  glyph(codePoint: number): FkGlyph {
    return this.font.glyphForCodePoint(codePoint);
  }
}
