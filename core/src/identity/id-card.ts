/**
 * PRC resident identity card numbers (GB 11643-1999, 公民身份号码).
 */

/** Result of {@link validateIdCardNumber}. */
export interface IdCardCheck {
  ok: boolean;
  /** Why the number is invalid, in English, without echoing the number. */
  reason?: string;
  /** Birth date `YYYY-MM-DD` (GB 11643-1999 §4.2), when the number is valid. */
  birthDate?: string;
  /** Gender from the sequence code's parity (GB 11643-1999 §4.3: odd = male), when valid. */
  gender?: 'M' | 'F';
}

/**
 * Province-level codes of GB/T 2260 (the first two digits of the address code, GB 11643-1999 §4.1),
 * plus 71 (Taiwan), 81 (Hong Kong), 82 (Macao) and 83 (residence permits of Taiwan residents).
 */
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/** Weights W_i = 2^(17-i) mod 11 of GB 11643-1999 §7.1 (ISO 7064 MOD 11-2). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character for each value of (Σ a_i·W_i) mod 11 (GB 11643-1999 §7.2). */
const CHECK_CHARS = '10X98765432';

/**
 * Computes the check character of the first 17 digits of an ID number (GB 11643-1999 §7,
 * ISO 7064 MOD 11-2). `body17` must be 17 decimal digits.
 */
export function idCardCheckChar(body17: string): string {
  if (!/^\d{17}$/.test(body17)) throw new RangeError('the body of an ID number is 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Validates an 18-character resident ID number (GB 11643-1999): 6-digit address code (§4.1, whose
 * first two digits must be a GB/T 2260 province and whose last four are not all zero), birth date
 * YYYYMMDD (§4.2, a real calendar date from 1900 up to `today`), 3-digit sequence code, and the
 * MOD 11-2 check character (§7, digit or `X`; a lower-case `x` is accepted). Surrounding spaces
 * are ignored. Outcomes are values: this never throws.
 */
export function validateIdCardNumber(id: string, opts: { today?: Date } = {}): IdCardCheck {
  if (typeof id !== 'string') return { ok: false, reason: 'The ID number must be a string of 18 characters' };
  const s = id.trim().toUpperCase();
  if (s.length !== 18) return { ok: false, reason: `The ID number must have 18 characters (it has ${s.length})` };
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, reason: 'The ID number must be 17 digits followed by a digit or X' };
  if (!PROVINCE_CODES.has(s.slice(0, 2)) || s.slice(2, 6) === '0000') {
    return { ok: false, reason: 'The address code (first 6 digits) of the ID number names no region (GB/T 2260)' };
  }
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return { ok: false, reason: 'The birth date in the ID number is not a valid date' };
  }
  const today = opts.today ?? new Date();
  if (birth.getTime() > today.getTime()) return { ok: false, reason: 'The birth date in the ID number is in the future' };
  if (idCardCheckChar(s.slice(0, 17)) !== s[17]) {
    return { ok: false, reason: 'The check digit of the ID number is wrong (GB 11643-1999 §7); check for a typing error' };
  }
  return {
    ok: true,
    birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`,
    gender: Number(s[16]) % 2 === 1 ? 'M' : 'F',
  };
}

/**
 * Masks an ID number for display and logs: keeps the first 4 and last 4 characters
 * (`1101**********002X`). Short or odd input is masked entirely but for its last character.
 */
export function maskIdCardNumber(id: string): string {
  const s = String(id).trim();
  if (s.length >= 12) return `${s.slice(0, 4)}${'*'.repeat(s.length - 8)}${s.slice(-4)}`;
  if (s.length <= 1) return '*'.repeat(s.length);
  return `${'*'.repeat(s.length - 1)}${s.slice(-1)}`;
}
