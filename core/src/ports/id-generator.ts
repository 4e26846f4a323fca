import { randomBytes } from 'node:crypto';

/** Makes unique, URL-safe identifiers. */
export interface IdGenerator {
  /** A new identifier, optionally with a short prefix (`ct_…`). */
  next(prefix?: string): string;
}

/** Random 128-bit identifiers in base32 (lower case), from node:crypto. */
export const randomIdGenerator: IdGenerator = {
  next(prefix = '') {
    const b = randomBytes(16);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    let bits = 0;
    let value = 0;
    let out = '';
    for (const byte of b) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5) {
        out += alphabet[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
    return prefix ? `${prefix}_${out}` : out;
  },
};
