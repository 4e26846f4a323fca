/**
 * Mainland China mobile numbers (11 digits, 1[3-9]…, per the MIIT numbering plan), as accounts and
 * as SMS destinations. Masking for display is `maskMobile` in `evidence/mask.ts`.
 */

/** Result of {@link validateMobile}. */
export interface MobileCheck {
  ok: boolean;
  /** The number without spaces, dashes or a +86/0086 prefix, when valid. */
  mobile?: string;
  /** Why it is invalid, in English, without echoing the number. */
  reason?: string;
}

/**
 * Validates a mainland mobile number: 11 digits starting 13–19 (MIIT numbering plan). Spaces,
 * dashes and a `+86` / `0086` / `86` country prefix are removed first. Outcomes are values.
 */
export function validateMobile(mobile: string): MobileCheck {
  if (typeof mobile !== 'string') return { ok: false, reason: 'The mobile number must be a string of 11 digits' };
  let s = mobile.replace(/[\s-]/g, '');
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.length === 13 && s.startsWith('86')) s = s.slice(2);
  if (!/^\d+$/.test(s)) return { ok: false, reason: 'The mobile number must contain digits only' };
  if (s.length !== 11) return { ok: false, reason: `The mobile number must have 11 digits (it has ${s.length})` };
  if (!/^1[3-9]/.test(s)) return { ok: false, reason: 'A mainland mobile number starts with 13 to 19' };
  return { ok: true, mobile: s };
}
