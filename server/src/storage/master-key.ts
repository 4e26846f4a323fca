/**
 * The master key wraps every data key and private key at rest (AES-256-GCM). It lives in
 * `<data>/master.key` (mode 0600) or in SIGNET_MASTER_KEY (base64), never in logs.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignetError } from '@signet/core';
import { writeFileAtomic } from './atomic-write.js';

/** A 256-bit key with seal/open helpers. */
export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  /** Loads the key from `envValue` (base64) or `<dataDir>/master.key`, creating the file if `create`. */
  static load(dataDir: string, envValue?: string, create = false): MasterKey {
    if (envValue) {
      const k = Buffer.from(envValue, 'base64');
      if (k.length !== 32) throw new SignetError('INVALID_ARGUMENT', 'SIGNET_MASTER_KEY must be 32 bytes in base64');
      return new MasterKey(k);
    }
    const path = join(dataDir, 'master.key');
    if (existsSync(path)) {
      const k = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
      if (k.length !== 32) throw new SignetError('CA_NOT_INITIALISED', `${path} is damaged; restore it from backup`);
      return new MasterKey(k);
    }
    if (!create) throw new SignetError('CA_NOT_INITIALISED', `No master key in ${dataDir}; run \`signet init --data ${dataDir}\``);
    const k = randomBytes(32);
    writeFileAtomic(path, k.toString('base64') + '\n', 0o600);
    return new MasterKey(k);
  }

  /**
   * Derives a key for one purpose (`info`, e.g. `field-cipher/sm4/idNumber`) with HKDF-SHA256
   * (RFC 5869 §2), so that the master key itself only wraps keys and each use gets its own key.
   */
  deriveKey(info: string, length = 32): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, 'signet/master-key/hkdf/v1', info, length));
  }

  /** Encrypts `plain` with AES-256-GCM; output is iv(12) ‖ tag(16) ‖ ciphertext. `aad` binds context. */
  seal(plain: Uint8Array, aad = ''): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  /** Decrypts what {@link seal} produced; throws CA_NOT_INITIALISED-style INTERNAL on tampering. */
  open(sealed: Uint8Array, aad = ''): Buffer {
    const b = Buffer.from(sealed);
    const d = createDecipheriv('aes-256-gcm', this.key, b.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(b.subarray(12, 28));
    try {
      return Buffer.concat([d.update(b.subarray(28)), d.final()]);
    } catch {
      throw new SignetError('INTERNAL', 'Encrypted data failed authentication: wrong master key or damaged file');
    }
  }
}
