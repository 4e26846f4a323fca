/**
 * Field-level encryption of PII (ID numbers, bank cards) with SM4 (GB/T 32907-2016), the Chinese
 * national block cipher, so that a stolen metadata file reveals none of it.
 *
 * OpenSSL 3 (and so node:crypto) offers SM4 in CBC, CTR, CFB, OFB and ECB modes, but no AEAD mode
 * (no `sm4-gcm`/`sm4-ccm` in `crypto.getCiphers()`). So this is encrypt-then-MAC: SM4-CBC with a
 * random IV and PKCS#7 padding, then HMAC-SHA256 (RFC 2104) over version ‖ IV ‖ ciphertext: the
 * Encrypt-then-MAC mechanism of ISO/IEC 19772:2009. Every field gets its own SM4 key, MAC key and
 * blind-index key, derived from the master key with HKDF-SHA256 (RFC 5869), so a ciphertext moved
 * to another field does not decrypt.
 *
 * Ciphertext text form: `sm4:1:` + base64url(IV(16) ‖ ciphertext ‖ HMAC(32)).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignetError, type FieldCipher } from '@signet/core';
import type { MasterKey } from './master-key.js';

const PREFIX = 'sm4:1:';
const VERSION = Buffer.from([1]);

interface FieldKeys {
  enc: Buffer;
  mac: Buffer;
  blind: Buffer;
}

/** A {@link FieldCipher} with SM4-CBC + HMAC-SHA256 under per-field keys derived from the master key. */
export class Sm4FieldCipher implements FieldCipher {
  private readonly keys = new Map<string, FieldKeys>();

  constructor(private readonly masterKey: MasterKey) {
    if (!Sm4FieldCipher.available()) {
      throw new SignetError('INTERNAL', 'This Node.js build has no SM4 (sm4-cbc); use a Node.js linked with OpenSSL 3 and SM4 enabled');
    }
  }

  /** True when node:crypto offers SM4-CBC. */
  static available(): boolean {
    return createCipherivSupported('sm4-cbc');
  }

  private keysFor(field: string): FieldKeys {
    let k = this.keys.get(field);
    if (!k) {
      if (!field) throw new SignetError('INVALID_ARGUMENT', 'A field cipher needs the field name (e.g. "idNumber")');
      k = {
        enc: this.masterKey.deriveKey(`field-cipher/sm4/${field}`, 16),
        mac: this.masterKey.deriveKey(`field-cipher/hmac/${field}`, 32),
        blind: this.masterKey.deriveKey(`field-cipher/blind-index/${field}`, 32),
      };
      this.keys.set(field, k);
    }
    return k;
  }

  /** Encrypts `plain` for `field`: a fresh random IV each time, so equal values give different ciphertexts. */
  encrypt(plain: string, field: string): string {
    const k = this.keysFor(field);
    const iv = randomBytes(16);
    const c = createCipheriv('sm4-cbc', k.enc, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    const mac = createHmac('sha256', k.mac).update(VERSION).update(iv).update(ct).digest();
    return PREFIX + Buffer.concat([iv, ct, mac]).toString('base64url');
  }

  /** Decrypts what {@link encrypt} made for the same field; INTERNAL when it was altered or is another field's. */
  decrypt(cipher: string, field: string): string {
    const k = this.keysFor(field);
    const bad = () => new SignetError('INTERNAL', `The encrypted "${field}" value failed its integrity check: it was altered, belongs to another field, or was made with another master key. Restore the record from backup`);
    if (typeof cipher !== 'string' || !cipher.startsWith(PREFIX)) throw bad();
    const b = Buffer.from(cipher.slice(PREFIX.length), 'base64url');
    if (b.length < 16 + 16 + 32 || (b.length - 48) % 16 !== 0) throw bad();
    const iv = b.subarray(0, 16);
    const ct = b.subarray(16, b.length - 32);
    const mac = b.subarray(b.length - 32);
    const want = createHmac('sha256', k.mac).update(VERSION).update(iv).update(ct).digest();
    if (!timingSafeEqual(mac, want)) throw bad();
    try {
      const d = createDecipheriv('sm4-cbc', k.enc, iv);
      return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
    } catch {
      throw bad();
    }
  }

  /** HMAC-SHA256 of `plain` under the field's blind-index key, as hex: equal values give equal digests. */
  blindIndex(plain: string, field: string): string {
    return createHmac('sha256', this.keysFor(field).blind).update(plain, 'utf8').digest('hex');
  }
}

function createCipherivSupported(name: string): boolean {
  try {
    createCipheriv(name, Buffer.alloc(16), Buffer.alloc(16));
    return true;
  } catch {
    return false;
  }
}
