/**
 * Deterministic generators of valid identity numbers for tests and demos. The numbers pass the
 * check-digit rules but belong to no one: never use them for real-name verification.
 */
import { idCardCheckChar } from './id-card.js';
import { USCC_ALPHABET, usccCheckChar } from './uscc.js';
import { luhnCheckDigit } from './bank-card.js';

/** mulberry32: a tiny seeded PRNG, so a seed always gives the same number. */
function prng(seed: number): () => number {
  let a = (seed >>> 0) + 0x6d2b79f5;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIVISIONS = ['110101', '110105', '310104', '440305', '330106', '510107', '420106', '320102'];

/**
 * A valid 18-digit resident ID number (GB 11643-1999) derived from `seed`: a real division code,
 * a birth date between 1960 and 2004, and the correct check character. `gender` fixes the parity
 * of the sequence code; `sequenceLastDigit` fixes its last digit (and so the gender), e.g. to make
 * a number the sandbox identity provider refuses.
 */
export function sampleIdCardNumber(seed = 1, opts: { gender?: 'M' | 'F'; birthDate?: string; sequenceLastDigit?: number } = {}): string {
  const r = prng(seed);
  const division = DIVISIONS[Math.floor(r() * DIVISIONS.length)];
  let birth = opts.birthDate?.replace(/-/g, '');
  if (!birth) {
    const d = new Date(Date.UTC(1960, 0, 1) + Math.floor(r() * 45 * 365.25) * 86_400_000);
    birth = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  }
  let sequence = Math.floor(r() * 999) + 1;
  const wantOdd = opts.gender === undefined ? undefined : opts.gender === 'M';
  if (wantOdd !== undefined && (sequence % 2 === 1) !== wantOdd) sequence = sequence === 999 ? 998 : sequence + 1;
  if (opts.sequenceLastDigit !== undefined) sequence = Math.floor(sequence / 10) * 10 + (opts.sequenceLastDigit % 10);
  if (sequence === 0) sequence = 10;
  const body = `${division}${birth}${String(sequence).padStart(3, '0')}`;
  return body + idCardCheckChar(body);
}

/** Check character of a 9-character organization code (GB 11714-1997 §5). */
function orgCodeCheckChar(body8: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += USCC_ALPHABET.indexOf(body8[i]) * w[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * A valid unified social credit code (GB 32100-2015) derived from `seed`: registered with market
 * regulation as an enterprise ("91"), a real division code, an organization code with its own
 * GB 11714 check character, and the MOD 31 check character.
 */
export function sampleUscc(seed = 1): string {
  const r = prng(seed ^ 0x5eed);
  const division = DIVISIONS[Math.floor(r() * DIVISIONS.length)];
  let org = '';
  for (let i = 0; i < 8; i++) org += USCC_ALPHABET[Math.floor(r() * (i < 2 ? 31 : 10))];
  const body = `91${division}${org}${orgCodeCheckChar(org)}`;
  return body + usccCheckChar(body);
}

/**
 * A valid mainland mobile number (11 digits, 13x–19x) derived from `seed`. `lastDigit` fixes the last
 * digit, e.g. to make a number the sandbox identity provider refuses.
 */
export function sampleMobile(seed = 1, opts: { lastDigit?: number } = {}): string {
  const r = prng(seed ^ 0x0b11e);
  let s = `1${3 + Math.floor(r() * 7)}`;
  for (let i = 0; i < 9; i++) s += String(Math.floor(r() * 10));
  return opts.lastDigit === undefined ? s : s.slice(0, 10) + String(opts.lastDigit % 10);
}

/**
 * A valid 16- or 19-digit bank card number (UnionPay BIN 62, Luhn check digit) derived from `seed`.
 * `digitBeforeCheck` fixes the digit before the check digit, e.g. to make a card the sandbox refuses.
 */
export function sampleBankCard(seed = 1, opts: { length?: 16 | 19; digitBeforeCheck?: number } = {}): string {
  const r = prng(seed ^ 0xca7d);
  const length = opts.length ?? 19;
  let body = '62';
  while (body.length < length - 1) body += String(Math.floor(r() * 10));
  if (opts.digitBeforeCheck !== undefined) body = body.slice(0, -1) + String(opts.digitBeforeCheck % 10);
  return body + luhnCheckDigit(body);
}
