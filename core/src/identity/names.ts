/**
 * Names of people and organizations as real-name verification accepts them.
 */

/** Result of {@link validatePersonName} and {@link validateOrganizationName}. */
export interface NameCheck {
  ok: boolean;
  /** The name with surrounding spaces removed and inner runs of spaces collapsed, when valid. */
  name?: string;
  /** Why it is invalid, in English. */
  reason?: string;
}

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ');

/**
 * Validates a person's name as written on an ID card: 2–50 characters of letters (any script, so
 * Chinese characters too), spaces, the middle dot of ethnic-minority and transliterated names
 * (`·`, `•`), apostrophes, periods and hyphens.
 */
export function validatePersonName(name: string): NameCheck {
  if (typeof name !== 'string') return { ok: false, reason: 'The name must be a string' };
  const s = normalise(name);
  if ([...s].length < 2 || [...s].length > 50) return { ok: false, reason: 'A name has 2 to 50 characters' };
  if (!/^[\p{L}\p{M}][\p{L}\p{M} ·•.'-]*$/u.test(s)) return { ok: false, reason: 'A name may contain letters, spaces and · . \' - only' };
  return { ok: true, name: s };
}

/**
 * Validates an organization's registered name: 2–100 characters, with no control characters.
 * Parentheses of either width are kept as given, as the business register writes them.
 */
export function validateOrganizationName(name: string): NameCheck {
  if (typeof name !== 'string') return { ok: false, reason: 'The organization name must be a string' };
  const s = normalise(name);
  if ([...s].length < 2 || [...s].length > 100) return { ok: false, reason: 'An organization name has 2 to 100 characters' };
  if (/\p{Cc}/u.test(s)) return { ok: false, reason: 'An organization name cannot contain control characters' };
  return { ok: true, name: s };
}
