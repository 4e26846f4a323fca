/**
 * Password hashing with scrypt (RFC 7914) from node:crypto, with a fresh random salt per password.
 * A stored hash names its own parameters, `scrypt$N$r$p$salt$hash`, so raising the cost later keeps
 * old hashes verifiable.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SignetError } from '../errors.js';

/** scrypt cost parameters (RFC 7914 §2). */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * The default cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.15 s per hash on one core of the
 * development machine), above the interactive-login parameters of RFC 7914 §2 (N = 2^14).
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, KEY_LENGTH, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

/** Hashes `password` with scrypt under a fresh 128-bit salt; returns `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (!Number.isInteger(Math.log2(params.N)) || params.N < 2) throw new SignetError('INVALID_ARGUMENT', 'scrypt N must be a power of two');
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * True when `password` matches `stored` (made by {@link hashPassword}); compares in constant time.
 * Throws SignetError INTERNAL when `stored` is not a scrypt hash.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new SignetError('INTERNAL', 'A stored password hash is malformed');
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (!N || !r || !p || expected.length !== KEY_LENGTH) throw new SignetError('INTERNAL', 'A stored password hash is malformed');
  const key = await scrypt(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** True when `stored` was made with other parameters than `params`, so it should be re-hashed at the next login. */
export function needsRehash(stored: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const parts = stored.split('$');
  return parts[0] !== 'scrypt' || Number(parts[1]) !== params.N || Number(parts[2]) !== params.r || Number(parts[3]) !== params.p;
}

/** Which rules {@link checkPasswordStrength} applies. */
export type PasswordKind = 'login' | 'signing';

/**
 * Returns why `password` is too weak, or undefined when it is acceptable. A signing password has
 * 6–64 characters and is not one repeated character or a run of consecutive digits (123456, 654321).
 * A login password has 8–64 characters and mixes at least two of letters, digits and symbols.
 * Messages are zh-CN, then English.
 */
export function checkPasswordStrength(password: string, kind: PasswordKind): string | undefined {
  if (typeof password !== 'string') return '密码必须是字符串。The password must be a string.';
  const chars = [...password];
  const min = kind === 'signing' ? 6 : 8;
  if (chars.length < min || chars.length > 64) return `密码长度应为 ${min} 到 64 个字符。The password must have ${min} to 64 characters.`;
  if (new Set(chars).size === 1) return '密码不能是同一个字符的重复。The password cannot be one repeated character.';
  if (/^\d+$/.test(password)) {
    const steps = new Set<number>();
    for (let i = 1; i < password.length; i++) steps.add((Number(password[i]) - Number(password[i - 1]) + 10) % 10);
    if (steps.size === 1 && (steps.has(1) || steps.has(9))) return '密码不能是连续数字。The password cannot be a run of consecutive digits.';
  }
  if (kind === 'login') {
    const classes = [/\p{L}/u, /\d/, /[^\p{L}\d]/u].filter((re) => re.test(password)).length;
    if (classes < 2) return '登录密码须包含字母、数字、符号中的至少两类。A login password mixes at least two of letters, digits and symbols.';
  }
  return undefined;
}
