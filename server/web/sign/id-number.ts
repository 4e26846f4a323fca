/**
 * A quick check of a resident ID number before it is sent (GB 11643-1999): 17 digits and the
 * ISO 7064 MOD 11-2 check character. The server checks it again; this only spares a round trip
 * for a typo.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The ID number with spaces removed and a lower-case x made upper-case. */
export function normalizeIdNumber(s: string): string {
  return s.replace(/\s+/g, '').toUpperCase();
}

/** True when `s` is 18 characters with a valid GB 11643 check character. */
export function isValidIdNumber(s: string): boolean {
  const id = normalizeIdNumber(s);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i];
  return CHECK[sum % 11] === id[17];
}
