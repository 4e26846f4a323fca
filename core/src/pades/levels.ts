import { SignetError } from '../errors.js';

/**
 * PAdES baseline levels (ETSI EN 319 142-1 §6): B-B (basic), B-T (signature time-stamp), B-LT (DSS
 * with validation data), B-LTA (document time-stamp over the whole file).
 */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** All levels, weakest first. */
export const PADES_LEVELS: readonly PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

/** Parses a level name (case-insensitive, with or without the `B-`), throwing LEVEL_UNKNOWN. */
export function parsePadesLevel(s: string): PadesLevel {
  const norm = s.trim().toUpperCase().replace(/^PADES[-_ ]?/, '');
  const withB = norm.startsWith('B-') ? norm : `B-${norm}`;
  if ((PADES_LEVELS as readonly string[]).includes(withB)) return withB as PadesLevel;
  throw new SignetError('LEVEL_UNKNOWN', `Unknown PAdES level "${s}"; use B-B, B-T, B-LT or B-LTA`);
}
