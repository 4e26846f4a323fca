/**
 * Fits a value into a field box: one line shrunk to fit, or several lines wrapped (CJK breaks
 * between any two characters, Latin between words, closing punctuation never starts a line), at
 * the largest size from the preferred one down to the minimum. Measurements use the font's advance
 * widths and the ink of the glyphs actually drawn, so nothing is drawn outside the box.
 */
import type { FontProgram } from '../font/font-program.js';
import type { TextAlign } from './template-definition.js';

/** What {@link fitText} fits into. */
export interface FitTextOptions {
  /** The box in points. */
  width: number;
  height: number;
  fontSize: number;
  minFontSize: number;
  multiline: boolean;
  /** Line pitch as a multiple of the size (multiline). */
  lineHeight: number;
  align: TextAlign;
}

/** One line placed in the box: its text and the origin of its baseline, box-relative (y up). */
export interface FittedLine {
  text: string;
  x: number;
  y: number;
  width: number;
}

/** A fitted value. */
export interface FittedText {
  size: number;
  lines: FittedLine[];
}

interface Token {
  text: string;
  /** Width at size 1. */
  width: number;
  /** A line may break before this token. */
  breakBefore: boolean;
  space: boolean;
  /** Each character and its width at size 1, for breaking a word wider than a line. */
  chars?: [string, number][];
}

const NO_LINE_START = new Set('，。、；：！？）》」』】〕〉”’,.;:!?)]}%、·…—～'.split(''));
const step = 0.25;

/**
 * Fits `text` (which may contain `\n`) into the box, or returns undefined when it does not fit
 * even at `minFontSize`. A single-line field is vertically centred; a multiline one is top-aligned.
 */
export function fitText(program: FontProgram, text: string, o: FitTextOptions): FittedText | undefined {
  const padX = Math.min(2, o.width / 10);
  const padY = Math.min(1, o.height / 10);
  const availW = o.width - 2 * padX;
  const availH = o.height - 2 * padY;
  if (availW <= 0 || availH <= 0) return undefined;
  const { top, bottom } = verticalExtent(program, text);
  const boxEm = top - bottom;

  if (!o.multiline) {
    const line = text.replace(/\n+/g, ' ');
    const em = emWidth(program, line);
    let size = Math.min(o.fontSize, availH / boxEm, em > 0 ? availW / em : Infinity);
    if (size < o.fontSize) size = Math.floor(size / step) * step;
    if (!(size >= o.minFontSize - 1e-9)) return undefined;
    const width = em * size;
    const y = padY + (availH - boxEm * size) / 2 - bottom * size;
    return { size, lines: [{ text: line, x: alignX(o, padX, availW, width), y, width }] };
  }

  const paragraphs = text.split('\n').map((p) => tokenize(program, p));
  const sizes = [o.fontSize];
  for (let s = Math.ceil(o.fontSize / step) * step - step; s >= o.minFontSize - 1e-9; s -= step) sizes.push(s);
  for (const size of sizes) {
    const lines = wrap(paragraphs, availW / size);
    if (!lines) continue;
    const pitch = o.lineHeight * size;
    const needed = (lines.length - 1) * pitch + boxEm * size;
    if (needed > availH + 1e-9) continue;
    const firstBaseline = o.height - padY - top * size;
    return {
      size,
      lines: lines.map((l, i) => {
        const width = l.width * size;
        return { text: l.text, x: alignX(o, padX, availW, width), y: firstBaseline - i * pitch, width };
      }),
    };
  }
  return undefined;
}

function alignX(o: FitTextOptions, padX: number, availW: number, width: number): number {
  if (o.align === 'center') return padX + (availW - width) / 2;
  if (o.align === 'right') return padX + availW - width;
  return padX;
}

/**
 * The vertical extent in em of a line of this text: the font's typographic ascender/descender
 * (the ideographic em box for CJK fonts, OS/2 sTypoAscender/Descender) widened to the ink of the
 * glyphs drawn (Latin descenders, accents).
 */
function verticalExtent(program: FontProgram, text: string): { top: number; bottom: number } {
  const upm = program.unitsPerEm;
  const os2 = (program.font as unknown as { 'OS/2'?: { typoAscender?: number; typoDescender?: number } })['OS/2'];
  const m = program.metrics;
  let top = (os2?.typoAscender || m.ascent) / upm;
  let bottom = (os2?.typoDescender || m.descent) / upm;
  for (const ch of text) {
    if (ch === '\n' || ch === ' ') continue;
    const m = charMetrics(program, ch.codePointAt(0)!);
    if (m.maxY > top) top = m.maxY;
    if (m.minY < bottom) bottom = m.minY;
  }
  return { top, bottom };
}

interface CharMetrics { advance: number; minY: number; maxY: number }
const metricsCache = new WeakMap<FontProgram, Map<number, CharMetrics>>();

/** Advance and vertical ink of a character in em, cached per font and code point (fills repeat the same characters). */
function charMetrics(program: FontProgram, cp: number): CharMetrics {
  let byCp = metricsCache.get(program);
  if (!byCp) {
    byCp = new Map();
    metricsCache.set(program, byCp);
  }
  let m = byCp.get(cp);
  if (!m) {
    const g = program.glyph(cp);
    const upm = program.unitsPerEm;
    const bbox = g.bbox;
    m = { advance: g.advanceWidth / upm, minY: bbox.minY / upm, maxY: bbox.maxY / upm };
    byCp.set(cp, m);
  }
  return m;
}

/** Width of `s` at size 1, in em. */
function emWidth(program: FontProgram, s: string): number {
  let w = 0;
  for (const ch of s) w += charMetrics(program, ch.codePointAt(0)!).advance;
  return w;
}

function isCjk(cp: number): boolean {
  return (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xffef) || cp >= 0x20000;
}

/** Splits a paragraph into unbreakable tokens: CJK characters, Latin words, spaces. */
function tokenize(program: FontProgram, paragraph: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  const flushWord = () => {
    if (word) {
      const chars: [string, number][] = [...word].map((c) => [c, emWidth(program, c)]);
      tokens.push({ text: word, width: chars.reduce((a, c) => a + c[1], 0), breakBefore: true, space: false, chars });
    }
    word = '';
  };
  for (const ch of paragraph) {
    const cp = ch.codePointAt(0)!;
    if (/\s/u.test(ch)) {
      flushWord();
      tokens.push({ text: ' ', width: emWidth(program, ' '), breakBefore: true, space: true });
    } else if (isCjk(cp) || NO_LINE_START.has(ch)) {
      flushWord();
      tokens.push({ text: ch, width: emWidth(program, ch), breakBefore: !NO_LINE_START.has(ch), space: false });
    } else word += ch;
  }
  flushWord();
  // A token after an opening bracket or quote may not break from it.
  for (let i = 1; i < tokens.length; i++) if (/[（《「『【〔〈“‘([{]$/.test(tokens[i - 1].text)) tokens[i].breakBefore = false;
  return tokens;
}

/** Greedy line filling at a width of `max` em; undefined when one unbreakable piece is wider than a line. */
function wrap(paragraphs: Token[][], max: number): { text: string; width: number }[] | undefined {
  const lines: { text: string; width: number }[] = [];
  for (const tokens of paragraphs) {
    let cur: Token[] = [];
    let curW = 0;
    const push = () => {
      while (cur.length && cur[cur.length - 1].space) curW -= cur.pop()!.width;
      lines.push({ text: cur.map((t) => t.text).join(''), width: curW });
      cur = [];
      curW = 0;
    };
    // Glue tokens that may not be separated into groups, then fill lines with groups.
    const groups: Token[][] = [];
    for (const t of tokens) {
      if (groups.length === 0 || t.breakBefore) groups.push([t]);
      else groups[groups.length - 1].push(t);
    }
    for (const g of groups) {
      const gw = g.reduce((s, t) => s + t.width, 0);
      if (cur.length === 0 && g.every((t) => t.space)) continue; // no spaces at a line start
      if (curW + gw <= max + 1e-9) {
        cur.push(...g);
        curW += gw;
        continue;
      }
      if (cur.length > 0) push();
      if (g.every((t) => t.space)) continue;
      if (gw <= max + 1e-9) {
        cur.push(...g);
        curW = gw;
        continue;
      }
      // A word wider than the line is broken between characters.
      for (const t of g) {
        for (const [ch, cw] of t.chars ?? [[t.text, t.width] as [string, number]]) {
          if (cw > max + 1e-9) return undefined;
          if (curW + cw > max + 1e-9 && cur.length > 0) push();
          cur.push({ text: ch, width: cw, breakBefore: true, space: false });
          curW += cw;
        }
      }
    }
    if (cur.length > 0 || tokens.length === 0) push();
  }
  return lines;
}
