/**
 * `signet seal …`: draws a seal (round, oval, square, date) or a handwritten signature from stroke
 * data as vectors, to SVG (previews, the Word add-in) or a one-page PDF. Also the `--seal` and
 * `--cross-page` options of `signet sign`: a generated seal for the signer, or an uploaded image.
 */
import { readFileSync } from 'node:fs';
import {
  SEAL_TYPES, SignatureAppearance, SignetError, defaultSealFor, drawingGraphic, drawingToPdfDocument, drawingToSvg, generateSeal,
  handwriting, sealImage, type AppearanceGraphic, type CrossPageSeal, type Drawing, type SealOwner, type SealSpec,
} from '@signet/core';
import { parseArgs } from './args.js';
import { cjkFontBytes } from '../fonts.js';
import { writeFileAtomic } from '../storage/atomic-write.js';

const PT_PER_MM = 72 / 25.4;
const TYPES = [...SEAL_TYPES, 'handwriting'];

/** Parses a number of millimetres, or throws INVALID_ARGUMENT naming the option. */
function mmOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new SignetError('INVALID_ARGUMENT', `--${name} must be a size in millimetres from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Reads a JSON file, turning a parse error into one clear line. */
function readJson(file: string, what: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SignetError('INVALID_ARGUMENT', `${file} is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')}); give the ${what} as JSON`);
  }
}

/** Parses a calendar date (YYYY-MM-DD) as noon of that day in China Standard Time; default now. */
function dateOption(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = new Date(`${value}T12:00:00+08:00`);
  const cst = new Date(d.getTime() + 8 * 3600_000);
  if (!m || Number.isNaN(d.getTime()) || cst.getUTCFullYear() !== Number(m[1]) || cst.getUTCMonth() + 1 !== Number(m[2]) || cst.getUTCDate() !== Number(m[3])) {
    throw new SignetError('INVALID_ARGUMENT', `--date must be a date as YYYY-MM-DD, e.g. 2026-11-23, got "${value}"`);
  }
  return d;
}

/**
 * `signet seal --type round|oval|square|date|handwriting … -o seal.svg|seal.pdf`. The output format
 * follows the file extension; the file is written atomically.
 */
export async function cmdSeal(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    type: 'string', text: 'string', 'type-text': 'string', code: 'string', 'tax-number': 'string', color: 'string', size: 'string',
    style: 'string', layout: 'string', 'inner-border': 'boolean', date: 'string', 'date-format': 'string', 'bottom-text': 'string',
    aged: 'string', strokes: 'string', font: 'string', 'latin-font': 'string', out: 'string', data: 'string',
  });
  if (positionals.length) throw new SignetError('INVALID_ARGUMENT', `Unexpected argument "${positionals[0]}"; see \`signet help\``);
  const type = flags.type as string | undefined;
  if (!type) throw new SignetError('INVALID_ARGUMENT', `Give the seal type with --type ${TYPES.join('|')}`);
  if (!TYPES.includes(type)) throw new SignetError('INVALID_ARGUMENT', `Unknown seal type "${type}"; use ${TYPES.join(', ')}`);
  const out = flags.out as string | undefined;
  if (!out) throw new SignetError('INVALID_ARGUMENT', 'Give the output file with -o seal.svg or -o seal.pdf');
  const format = /\.svg$/i.test(out) ? 'svg' : /\.pdf$/i.test(out) ? 'pdf' : undefined;
  if (!format) throw new SignetError('INVALID_ARGUMENT', `The output must end in .svg or .pdf, not "${out}"`);

  let drawing: Drawing;
  if (type === 'handwriting') {
    const file = flags.strokes as string | undefined;
    if (!file) throw new SignetError('INVALID_ARGUMENT', 'A handwritten signature needs --strokes strokes.json (an array of strokes of {x, y, time, pressure} points)');
    drawing = handwriting(readJson(file, 'strokes'), { color: flags.color as string | undefined });
  } else {
    drawing = generateSeal(sealSpec(type as SealSpec['type'], flags));
  }
  writeFileAtomic(out, format === 'svg' ? drawingToSvg(drawing) : drawingToPdfDocument(drawing, { margin: 2 * PT_PER_MM }));
  const size = `${(drawing.width / PT_PER_MM).toFixed(1)} × ${(drawing.height / PT_PER_MM).toFixed(1)} mm`;
  process.stderr.write(`Wrote ${type} ${type === 'handwriting' ? 'signature' : 'seal'} (${size}) → ${out}\n`);
  return 0;
}

/** Builds the generator's options from the command-line flags. */
function sealSpec(type: SealSpec['type'], flags: Record<string, unknown>): SealSpec {
  const text = (flags.text as string | undefined)?.trim();
  const size = mmOption(flags.size as string | undefined, 'size', 5, 120);
  const font = flags.font ? new Uint8Array(readFileSync(flags.font as string)) : cjkFontBytes('bold');
  const latinFont = flags['latin-font'] ? new Uint8Array(readFileSync(flags['latin-font'] as string)) : undefined;
  const agedSeed = flags.aged as string | undefined;
  if (agedSeed !== undefined && !/^\d{1,9}$/.test(agedSeed)) throw new SignetError('INVALID_ARGUMENT', `--aged takes a seed, a whole number such as 7, got "${agedSeed}"`);
  const style = { font, latinFont, color: flags.color as string | undefined, aged: agedSeed !== undefined ? { seed: Number(agedSeed) } : undefined };
  const needText = (what: string) => {
    if (!text) throw new SignetError('INVALID_ARGUMENT', `A ${type} seal needs --text (${what})`);
    return text;
  };
  const code = flags.code as string | undefined;
  if (code !== undefined && type !== 'round') throw new SignetError('INVALID_ARGUMENT', '--code (the 13-digit seal code) goes on round seals only');
  if (code !== undefined && !/^\d{13}$/.test(code)) throw new SignetError('INVALID_ARGUMENT', `--code must be the 13-digit seal code (印章编码), got "${code}"`);
  switch (type) {
    case 'round':
      return { type, ...style, name: needText('the company name'), sealType: (flags['type-text'] as string | undefined) ?? '合同专用章', code, diameter: size };
    case 'oval':
      return { type, ...style, name: needText('the company name'), sealType: flags['type-text'] as string | undefined, taxNumber: flags['tax-number'] as string | undefined, width: size };
    case 'square': {
      const layout = flags.layout as string | undefined;
      if (layout !== undefined && layout !== 'grid' && layout !== 'row') throw new SignetError('INVALID_ARGUMENT', `--layout must be grid or row, got "${layout}"`);
      const st = flags.style as string | undefined;
      if (st !== undefined && st !== 'yang' && st !== 'yin') throw new SignetError('INVALID_ARGUMENT', `--style must be yang (red characters) or yin (white characters on red), got "${st}"`);
      return { type, ...style, text: needText('e.g. 张三之印'), size, layout, style: st, innerBorder: !!flags['inner-border'] };
    }
    case 'date': {
      const fmt = flags['date-format'] as string | undefined;
      if (fmt !== undefined && !['dots', 'cjk', 'iso'].includes(fmt)) throw new SignetError('INVALID_ARGUMENT', `--date-format must be dots, cjk or iso, got "${fmt}"`);
      return {
        type, ...style, date: dateOption(flags.date as string | undefined), format: fmt as 'dots' | 'cjk' | 'iso' | undefined,
        shape: text || flags['bottom-text'] ? 'round' : 'rect', text, bottomText: flags['bottom-text'] as string | undefined, size,
      };
    }
  }
}

/** The `--seal` / `--cross-page` options of `signet sign`, checked before anything is read. */
export interface SignSealOptions {
  /** `auto`, or the path of a PNG, JPEG or SVG image. */
  seal?: string;
  removeWhite: boolean;
  crossPage: boolean;
  pages?: { first: number; last: number };
  /** The cross-page seal's width in millimetres. */
  sealSize?: number;
  /** The cross-page seal's bottom, in points above the page's bottom. */
  crossPageY?: number;
}

/** Parses and checks `--seal`, `--remove-white`, `--cross-page`, `--pages`, `--seal-size` and `--cross-page-y`. */
export function signSealOptions(flags: Record<string, unknown>): SignSealOptions {
  const seal = flags.seal as string | undefined;
  const crossPage = !!flags['cross-page'];
  const pagesText = flags.pages as string | undefined;
  if (crossPage && !seal) throw new SignetError('INVALID_ARGUMENT', '--cross-page needs --seal auto or --seal FILE (the seal to split across the pages)');
  if (!crossPage && (pagesText !== undefined || flags['cross-page-y'] !== undefined)) throw new SignetError('INVALID_ARGUMENT', '--pages and --cross-page-y go with --cross-page');
  if (!crossPage && flags['seal-size'] !== undefined) throw new SignetError('INVALID_ARGUMENT', '--seal-size sets the cross-page seal and goes with --cross-page; the widget takes the size of --rect');
  if (flags['remove-white'] && (!seal || seal === 'auto')) throw new SignetError('INVALID_ARGUMENT', '--remove-white applies to an uploaded seal image: --seal FILE.png|FILE.jpg|FILE.svg');
  let pages: SignSealOptions['pages'];
  if (pagesText !== undefined) {
    const m = /^(\d{1,6})-(\d{1,6})$/.exec(pagesText.trim());
    if (!m || Number(m[1]) < 1 || Number(m[1]) >= Number(m[2])) throw new SignetError('INVALID_ARGUMENT', `--pages must be a range of two pages or more, such as 1-3, got "${pagesText}"`);
    pages = { first: Number(m[1]), last: Number(m[2]) };
  }
  const yText = flags['cross-page-y'] as string | undefined;
  const crossPageY = yText === undefined ? undefined : Number(yText);
  if (crossPageY !== undefined && !(Number.isFinite(crossPageY) && crossPageY >= 0)) throw new SignetError('INVALID_ARGUMENT', `--cross-page-y must be a number of points above the page's bottom, got "${yText}"`);
  return { seal, removeWhite: !!flags['remove-white'], crossPage, pages, sealSize: mmOption(flags['seal-size'] as string | undefined, 'seal-size', 10, 80), crossPageY };
}

/** The signer's seal as `signet sign` draws it: the widget's appearance and the cross-page seal. */
export interface SigningSeal {
  appearance: SignatureAppearance;
  crossPage?: CrossPageSeal;
}

/**
 * Builds the appearance of a visible signature: the seal (generated for the signer with `auto`, or
 * read from the image file) with the name and time beside it when the widget is wide enough, text
 * in an embedded Noto Serif SC subset; and the cross-page seal when asked for.
 */
export function signingSeal(o: SignSealOptions, owner: SealOwner): SigningSeal {
  const font = cjkFontBytes('regular');
  if (!o.seal) return { appearance: new SignatureAppearance({ font }) };
  let graphic: AppearanceGraphic;
  let natural: number | undefined;
  if (o.seal === 'auto') {
    const d = defaultSealFor(owner, { font: cjkFontBytes('bold') });
    graphic = drawingGraphic(d);
    natural = d.width;
  } else {
    const bytes = new Uint8Array(readFileSync(o.seal));
    graphic = sealImage(bytes, { removeWhiteBackground: o.removeWhite });
    // A vector seal knows its size on paper; a raster one is taken as 40 mm wide.
    natural = 'drawing' in graphic ? graphic.width : undefined;
  }
  const crossPage = o.crossPage
    ? { graphic, width: o.sealSize !== undefined ? o.sealSize * PT_PER_MM : natural ?? 40 * PT_PER_MM, pages: o.pages, y: o.crossPageY }
    : undefined;
  return { appearance: new SignatureAppearance({ graphic, font }), crossPage };
}
