/**
 * PII and secret masking for logs (PIPL art. 51 asks for de-identification where it is enough):
 * resident ID numbers, mobile numbers, bank cards, e-mail addresses, one-time codes and tokens are
 * masked in free text and in structured fields, before anything is written.
 */
import { maskIdCardNumber } from '@signet/core';

/** The text put in place of a secret. */
export const REDACTED = '[REDACTED]';

// Digits that are part of a longer token (hex ids, base32 ids, hashes) are not PII: require a
// boundary that is neither a digit nor an ASCII letter.
const B = '(?<![0-9A-Za-z])';
const E = '(?![0-9A-Za-z])';

const RULES: [RegExp, (m: string, ...g: string[]) => string][] = [
  // JSON Web Tokens and other bearer credentials.
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, () => REDACTED],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
  // key=value / "key": "value" for secret-like keys (query strings, headers, JSON text).
  [/\b((?:access_?|refresh_?|id_?|session_?|link_?|csrf_?)?token|app_?secret|client_?secret|secret|password|passwd|pwd|api_?key|private_?key|master_?key|session_?id|sid|cookie|ticket)\b(\s*["']?\s*[:=]\s*["']?)([^\s"'&,;]+)/gi,
    (_m, k, sep) => `${k}${sep}${REDACTED}`],
  // One-time codes next to their label.
  [/(验证码|校验码|动态码|动态密码|短信码)(\s*(?:[:：=]|是|为)?\s*)(\d{4,8})(?!\d)/g, (_m, k, sep) => `${k}${sep}******`],
  [/\b(otp|sms_?code|verif(?:y|ication)_?code|captcha|code|pin)\b(\s*["']?\s*[:=]\s*["']?)(\d{4,8})(?!\d)/gi, (_m, k, sep) => `${k}${sep}******`],
  // Resident ID numbers (GB 11643): 17 digits and a check digit or X.
  [new RegExp(`${B}\\d{17}[\\dXx]${E}`, 'g'), (m) => maskIdCardNumber(m)],
  // Bank cards: 16 to 19 digits, optionally grouped by spaces or dashes.
  [new RegExp(`${B}\\d(?:[ -]?\\d){15,18}${E}`, 'g'), (m) => maskCard(m)],
  // Mainland mobile numbers, with or without +86 and separators.
  [new RegExp(`${B}((?:\\+|00)?86[ -]?)?(1[3-9]\\d)[ -]?(\\d{4})[ -]?(\\d{4})${E}`, 'g'), (_m, cc, a, _b, d) => `${cc ?? ''}${a}****${d}`],
  // E-mail addresses: keep the first character and the domain.
  [/([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g, (_m, first, domain) => `${first}***@${domain}`],
];

function maskCard(s: string): string {
  const digits = s.replace(/[ -]/g, '');
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Masks PII and secrets in free text: ID numbers, mobiles, bank cards, e-mails, OTPs, tokens. */
export function maskPiiText(text: string): string {
  let out = text;
  for (const [re, fn] of RULES) out = out.replace(re, fn as (m: string, ...g: string[]) => string);
  return out;
}

const norm = (k: string) => k.toLowerCase().replace(/[-_\s]/g, '');

/** Keys whose value is always a secret. */
const SECRET_KEYS = new Set([
  'password', 'passwd', 'pwd', 'secret', 'appsecret', 'clientsecret', 'token', 'accesstoken', 'refreshtoken', 'idtoken',
  'sessiontoken', 'linktoken', 'csrftoken', 'apikey', 'privatekey', 'masterkey', 'authorization', 'cookie', 'setcookie',
  'sessionid', 'sid', 'ticket', 'signingpassword', 'newpassword', 'oldpassword', 'otp', 'smscode', 'verifycode',
  'verificationcode', 'captcha', 'pin',
]);
/** Keys whose value is a secret when it looks like a one-time code (`code` is also an error code). */
const CODE_KEYS = new Set(['code']);
const ID_KEYS = new Set(['idnumber', 'idcard', 'idcardnumber', 'idno', 'identitynumber', 'identityno', 'certno', 'legalrepidnumber']);
const MOBILE_KEYS = new Set(['mobile', 'phone', 'phonenumber', 'mobilenumber', 'tel', 'telephone', 'cellphone']);
const CARD_KEYS = new Set(['bankcard', 'bankcardnumber', 'cardno', 'cardnumber', 'accountno', 'bankaccount', 'accountnumber']);

function maskByKey(key: string, value: string): string | undefined {
  const k = norm(key);
  if (SECRET_KEYS.has(k)) return REDACTED;
  if (CODE_KEYS.has(k) && /^\d{4,8}$/.test(value)) return '******';
  if (ID_KEYS.has(k)) return maskIdCardNumber(value);
  if (MOBILE_KEYS.has(k)) {
    const d = value.replace(/[\s-]/g, '');
    if (d.length >= 11) return `${d.slice(0, d.length - 8)}****${d.slice(-4)}`;
    return d.length > 4 ? `${'*'.repeat(d.length - 4)}${d.slice(-4)}` : '*'.repeat(d.length);
  }
  if (CARD_KEYS.has(k)) {
    const d = value.replace(/[\s-]/g, '');
    return d.length > 4 ? `${'*'.repeat(d.length - 4)}${d.slice(-4)}` : '*'.repeat(d.length);
  }
  return undefined;
}

/**
 * Returns a masked copy of `value` for logging: strings go through {@link maskPiiText}; object
 * fields named like secrets (password, token, otp, …) are redacted, and fields named like PII
 * (idNumber, mobile, bankCard, …) are masked whatever their format. Errors keep name, code and
 * message; byte arrays become their length; cycles become `[Circular]`.
 */
export function maskPii(value: unknown): unknown {
  return walk(value, undefined, new WeakSet(), 0);
}

function walk(v: unknown, key: string | undefined, seen: WeakSet<object>, depth: number): unknown {
  if (typeof v === 'string') return (key !== undefined && maskByKey(key, v)) || maskPiiText(v);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const s = String(v);
    const m = (key !== undefined && maskByKey(key, s)) || maskPiiText(s);
    return m === s ? v : m;
  }
  if (v === null || typeof v !== 'object') return v;
  if (key !== undefined && SECRET_KEYS.has(norm(key))) return REDACTED;
  if (seen.has(v)) return '[Circular]';
  if (depth > 20) return '[Too deep]';
  seen.add(v);
  try {
    if (v instanceof Date) return v.toISOString();
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[${v.byteLength} bytes]`;
    if (v instanceof Error) {
      const e = v as Error & { code?: unknown; details?: unknown; cause?: unknown };
      const out: Record<string, unknown> = { name: e.name, message: maskPiiText(e.message) };
      if (e.code !== undefined) out.code = e.code;
      if (e.details !== undefined) out.details = walk(e.details, 'details', seen, depth + 1);
      if (e.stack) out.stack = maskPiiText(e.stack);
      if (e.cause !== undefined) out.cause = walk(e.cause, 'cause', seen, depth + 1);
      return out;
    }
    if (v instanceof Map) return walk(Object.fromEntries(v), key, seen, depth + 1);
    if (v instanceof Set) return walk([...v], key, seen, depth + 1);
    if (Array.isArray(v)) return v.map((x) => walk(x, key, seen, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k, seen, depth + 1);
    return out;
  } finally {
    seen.delete(v);
  }
}
