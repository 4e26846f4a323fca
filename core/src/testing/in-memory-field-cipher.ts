import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SignetError } from '../errors.js';
import type { FieldCipher } from '../ports/field-cipher.js';

/**
 * A FieldCipher for tests: AES-256-GCM (NIST SP 800-38D) under a key held in memory, with the field
 * name as additional authenticated data, and an HMAC-SHA256 blind index under a second, derived key.
 * Ciphertexts look like `t1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export class InMemoryFieldCipher implements FieldCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  /** Uses `key` (32 bytes) when given, otherwise a fresh random key. */
  constructor(key: Uint8Array = randomBytes(32)) {
    if (key.length !== 32) throw new SignetError('INVALID_ARGUMENT', 'The field key must be 32 bytes');
    this.encKey = createHmac('sha256', key).update('signet field encryption').digest();
    this.indexKey = createHmac('sha256', key).update('signet blind index').digest();
  }

  /** AES-256-GCM with a fresh 96-bit IV, the field name as AAD. */
  encrypt(plain: string, field: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    c.setAAD(Buffer.from(field));
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['t1', iv.toString('base64url'), ct.toString('base64url'), c.getAuthTag().toString('base64url')].join('.');
  }

  /** Decrypts and authenticates; INTERNAL when altered, for another field or under another key. */
  decrypt(cipher: string, field: string): string {
    const parts = cipher.split('.');
    if (parts.length !== 4 || parts[0] !== 't1') throw new SignetError('INTERNAL', `The encrypted ${field} is malformed`);
    try {
      const d = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(parts[1], 'base64url'));
      d.setAAD(Buffer.from(field));
      d.setAuthTag(Buffer.from(parts[3], 'base64url'));
      return Buffer.concat([d.update(Buffer.from(parts[2], 'base64url')), d.final()]).toString('utf8');
    } catch {
      throw new SignetError('INTERNAL', `The encrypted ${field} does not decrypt: it was altered or encrypted under another key`);
    }
  }

  /** HMAC-SHA256 of field and value under the index key, base64url. */
  blindIndex(plain: string, field: string): string {
    return createHmac('sha256', this.indexKey).update(field).update('\u0000').update(plain).digest('base64url');
  }
}
