/**
 * What every generated seal shares: fonts (given as bytes by the caller), the ink colour, and the
 * optional aged look, which is seeded so that the same options always give the same seal.
 */
import { SignetError } from '../errors.js';
import { parseColor, type Rgb } from './drawing.js';
import { sealFonts, type SealFonts } from './glyph-writer.js';

/** Seal red, the colour of common seal ink (印泥) on screen. */
export const SEAL_RED: Rgb = [0xe6 / 255, 0x00 / 255, 0x12 / 255];

/** The deterministic aged look: slightly uneven border, worn spots and characters not quite aligned. */
export interface AgedOptions {
  /** The seed: the same seed gives the same texture. */
  seed: number;
  /** 0 (none) to 1 (heavy); default 0.5. */
  strength?: number;
}

/** Options every seal generator takes. */
export interface SealStyle {
  /** The CJK font (TrueType/OpenType bytes), e.g. Noto Serif SC; the caller reads it (core reads no files). */
  font: Uint8Array;
  /** An optional font for Latin letters and digits (seal codes, tax numbers). */
  latinFont?: Uint8Array;
  /** Ink colour: `#rrggbb` or RGB 0..1; default {@link SEAL_RED}. */
  color?: string | Rgb;
  /** The aged look; off by default. */
  aged?: AgedOptions;
}

/** The resolved style: parsed fonts, colour, and a seeded random source when aged. */
export interface ResolvedStyle {
  fonts: SealFonts;
  color: Rgb;
  /** 0 when not aged. */
  strength: number;
  /** Uniform numbers in [0, 1), seeded; a fixed sequence when not aged. */
  random: () => number;
}

/** Resolves fonts, colour and the aged options of a seal. */
export function resolveStyle(s: SealStyle): ResolvedStyle {
  if (!(s.font instanceof Uint8Array) || s.font.length === 0) {
    throw new SignetError('INVALID_ARGUMENT', 'A seal needs font bytes (TrueType/OpenType), e.g. Noto Serif SC; pass them as `font`');
  }
  const color = typeof s.color === 'string' ? parseColor(s.color) : s.color ?? SEAL_RED;
  if (!color) throw new SignetError('INVALID_ARGUMENT', 'A seal needs a visible colour; give one such as #e60012');
  const strength = s.aged ? Math.min(1, Math.max(0, s.aged.strength ?? 0.5)) : 0;
  if (s.aged && !Number.isFinite(s.aged.seed)) throw new SignetError('INVALID_ARGUMENT', 'The aged look needs a numeric seed');
  return { fonts: sealFonts(s.font, s.latinFont), color, strength, random: seededRandom(s.aged?.seed ?? 0) };
}

/** A small, fast seeded generator (mulberry32): the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let a = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per-character jitter (rotation, dx, dy) for the aged look, or undefined when not aged. */
export function jitterOf(st: ResolvedStyle, unit: number): (() => [number, number, number]) | undefined {
  if (!st.strength) return undefined;
  const k = st.strength;
  return () => [(st.random() - 0.5) * 0.035 * k, (st.random() - 0.5) * 0.05 * unit * k, (st.random() - 0.5) * 0.05 * unit * k];
}

/** Checks a size option in millimetres, throwing INVALID_ARGUMENT naming it. */
export function checkMm(value: number, name: string, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new SignetError('INVALID_ARGUMENT', `The seal's ${name} must be from ${min} to ${max} mm, not ${value}`);
  }
  return value;
}
