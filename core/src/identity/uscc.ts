/**
 * Unified social credit codes of organizations (GB 32100-2015, 统一社会信用代码).
 */

/** Result of {@link validateUscc}. */
export interface UsccCheck {
  ok: boolean;
  /** Why the code is invalid, in English. */
  reason?: string;
}

/** The 31 code characters of GB 32100-2015 §4.2 (digits and capitals without I, O, Z, S, V); index = value. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Position weights W_i = 3^(i-1) mod 31 of GB 32100-2015 §5. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Computes the check character of the first 17 characters of a USCC (GB 32100-2015 §5):
 * C18 = 31 − (Σ C_i·W_i mod 31), with 31 written as 0.
 */
export function usccCheckChar(body17: string): string {
  if (body17.length !== 17) throw new RangeError('the body of a USCC is 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(body17[i]);
    if (v < 0) throw new RangeError(`"${body17[i]}" is not a USCC character`);
    sum += v * WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Validates a unified social credit code (GB 32100-2015): 18 characters from the code alphabet
 * (§4.2: no I, O, Z, S, V), the registration authority and organization type codes (positions 1–2),
 * a 6-digit administrative division code (positions 3–8, GB/T 2260), the organization code
 * (positions 9–17) and the MOD 31 check character (§5). Lower-case letters and surrounding spaces
 * are accepted. Outcomes are values: this never throws.
 */
export function validateUscc(code: string): UsccCheck {
  if (typeof code !== 'string') return { ok: false, reason: 'The USCC must be a string of 18 characters' };
  const s = code.trim().toUpperCase();
  if (s.length !== 18) return { ok: false, reason: `The USCC must have 18 characters (it has ${s.length})` };
  const bad = [...s].find((c) => !USCC_ALPHABET.includes(c));
  if (bad !== undefined) {
    return { ok: false, reason: `The USCC contains "${bad}", which is not allowed (GB 32100-2015 uses 0-9 and A-Y without I, O, Z, S, V)` };
  }
  if (!/^\d{6}$/.test(s.slice(2, 8))) return { ok: false, reason: 'Positions 3-8 of the USCC must be a 6-digit administrative division code' };
  if (usccCheckChar(s.slice(0, 17)) !== s[17]) {
    return { ok: false, reason: 'The check character of the USCC is wrong (GB 32100-2015 §5); check for a typing error' };
  }
  return { ok: true };
}
