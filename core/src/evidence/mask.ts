/**
 * Masks identities the way the Chinese e-sign platforms print them on evidence pages and in logs:
 * mobile `185****5544`, ID number `1101**********002X`, e-mail `z***@example.com`, bank card
 * `**** 1234`, names `张*三` / `张*`. A value that already contains `*` is taken as masked and is
 * returned unchanged (trimmed), so masking twice is harmless.
 */

const isMasked = (v: string) => v.includes('*');

/**
 * Masks a mobile number: the first 3 and the last 4 digits stay (`185****5544`). A `+86`/`86`
 * country prefix and separators are dropped; shorter numbers keep only their last 2 digits.
 */
export function maskMobile(mobile: string): string {
  const v = mobile.trim();
  if (isMasked(v)) return v;
  let digits = v.replace(/[^0-9]/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (digits.length >= 8) return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
  return '*'.repeat(Math.max(0, digits.length - 2)) + digits.slice(-2);
}

/**
 * Masks an ID number (resident ID card, GB 11643, or any other document number): the first 4 and
 * the last 4 characters stay (`1101**********002X`). Numbers of 8 characters or fewer keep only
 * their last 2.
 */
export function maskIdNumber(idNumber: string): string {
  const v = idNumber.trim().replace(/\s+/g, '').toUpperCase();
  if (isMasked(v)) return v;
  if (v.length > 8) return `${v.slice(0, 4)}${'*'.repeat(v.length - 8)}${v.slice(-4)}`;
  return '*'.repeat(Math.max(0, v.length - 2)) + v.slice(-2);
}

/** Masks an e-mail address: the first character of the local part, then `***`, then the domain (`z***@example.com`). */
export function maskEmail(email: string): string {
  const v = email.trim();
  if (isMasked(v)) return v;
  const at = v.lastIndexOf('@');
  if (at <= 0) return `${[...v][0] ?? ''}***`;
  return `${[...v.slice(0, at)][0]}***${v.slice(at)}`;
}

/** Masks a bank card number down to its last 4 digits (`**** 1234`), hiding its length too. */
export function maskBankCard(card: string): string {
  const v = card.trim();
  if (isMasked(v)) return v;
  return `**** ${v.replace(/[^0-9]/g, '').slice(-4)}`;
}

/**
 * Masks a person's name: a Chinese name keeps its first and last characters (`张*三`, `欧**娜`),
 * a two-character one its first (`张*`). A Latin name keeps the first letter of each word
 * (`B** L*`). Evidence pages show the signer subject's full name; use this for logs and lists.
 */
export function maskName(name: string): string {
  const v = name.trim();
  if (isMasked(v)) return v;
  if (/\s/.test(v)) return v.split(/\s+/).map((w) => { const c = [...w]; return c[0] + '*'.repeat(c.length - 1); }).join(' ');
  const c = [...v];
  if (c.length <= 1) return '*';
  if (c.length === 2) return `${c[0]}*`;
  return `${c[0]}${'*'.repeat(c.length - 2)}${c[c.length - 1]}`;
}

/**
 * Masks a signing account, whatever it is: an e-mail address ({@link maskEmail}), a mobile number
 * ({@link maskMobile}), or else any other login (first 2 and last 2 characters stay).
 */
export function maskAccount(account: string): string {
  const v = account.trim();
  if (isMasked(v)) return v;
  if (v.includes('@')) return maskEmail(v);
  if (/^\+?[0-9][0-9 ()-]{6,}$/.test(v)) return maskMobile(v);
  const c = [...v];
  if (c.length <= 4) return '*'.repeat(c.length);
  return `${c.slice(0, 2).join('')}${'*'.repeat(c.length - 4)}${c.slice(-2).join('')}`;
}
