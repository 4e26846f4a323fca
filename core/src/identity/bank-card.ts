/**
 * Bank card numbers (银行卡号): 12–19 digits whose last digit is the Luhn check digit
 * (ISO/IEC 7812-1 Annex B). Masking for display is `maskBankCard` in `evidence/mask.ts`.
 */

/** Result of {@link validateBankCard}. */
export interface BankCardCheck {
  ok: boolean;
  /** The number without spaces or dashes, when valid. */
  cardNumber?: string;
  /** Why it is invalid, in English, without echoing the number. */
  reason?: string;
}

/**
 * Computes the Luhn check digit (ISO/IEC 7812-1 Annex B) for `body`, the card number without its
 * last digit: double every second digit from the right, sum the digits, take (10 − sum mod 10) mod 10.
 */
export function luhnCheckDigit(body: string): string {
  if (!/^\d+$/.test(body)) throw new RangeError('a Luhn body is decimal digits');
  let sum = 0;
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(body[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * Validates a bank card number: 12–19 digits (ISO/IEC 7812-1 §4.1 allows up to 19) with a correct
 * Luhn check digit (Annex B). Spaces and dashes are ignored. Outcomes are values: this never throws.
 */
export function validateBankCard(card: string): BankCardCheck {
  if (typeof card !== 'string') return { ok: false, reason: 'The bank card number must be a string of digits' };
  const s = card.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(s)) return { ok: false, reason: 'The bank card number must contain digits only' };
  if (s.length < 12 || s.length > 19) return { ok: false, reason: `The bank card number must have 12 to 19 digits (it has ${s.length})` };
  if (luhnCheckDigit(s.slice(0, -1)) !== s[s.length - 1]) {
    return { ok: false, reason: 'The check digit of the bank card number is wrong (Luhn, ISO/IEC 7812-1 Annex B); check for a typing error' };
  }
  return { ok: true, cardNumber: s };
}
