/**
 * A pool of pre-generated key pairs, so issuing a signer's certificate never waits for key
 * generation (RSA-2048 takes ~50 ms, RSA-3072 several hundred).
 */
import { createPrivateKey, generateKeyPair as generateKeyPairAsync, type KeyObject } from 'node:crypto';
import { SignetError } from '../errors.js';
import { generateKeyPair, keyGenParams, keyKindOf, publicKeyOf, type KeyKind, type KeyPair } from './keys.js';
import { pemToDer } from './pem.js';

/** Options of {@link KeyPool}. */
export interface KeyPoolOptions {
  /** How many keys `refill()` tops the pool up to. Default 8. */
  target?: number;
  /** Refill in the background when `take()` leaves fewer than half the target. Default true. */
  autoRefill?: boolean;
}

/**
 * Pre-generated key pairs of one {@link KeyKind}. `take()` never blocks on an empty pool for long:
 * it generates synchronously as a fallback. `refill()` generates in libuv's thread pool
 * (crypto.generateKeyPair), off the main thread. The pool can be persisted as PKCS#8 PEM.
 */
export class KeyPool {
  readonly kind: KeyKind;
  readonly target: number;
  private readonly autoRefill: boolean;
  private readonly keys: KeyPair[] = [];
  private pending: Promise<void> | undefined;

  constructor(kind: KeyKind, opts: KeyPoolOptions = {}) {
    keyGenParams(kind); // validates the kind
    this.kind = kind;
    this.target = Math.max(0, Math.floor(opts.target ?? 8));
    this.autoRefill = opts.autoRefill ?? true;
  }

  /** Number of keys ready to take. */
  get size(): number {
    return this.keys.length;
  }

  /** Takes a key pair: a pre-generated one when available, else a freshly generated one. */
  take(): KeyPair {
    const pair = this.keys.shift() ?? generateKeyPair(this.kind);
    if (this.autoRefill && this.keys.length < this.target / 2) this.refill().catch(() => undefined);
    return pair;
  }

  /** Generates keys in the background until the pool holds `target` (concurrent calls share one run). */
  refill(): Promise<void> {
    this.pending ??= this.fill().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fill(): Promise<void> {
    while (this.keys.length < this.target) {
      const missing = this.target - this.keys.length;
      const batch = await Promise.all(Array.from({ length: Math.min(missing, 4) }, () => this.generateAsync()));
      this.keys.push(...batch.slice(0, Math.max(0, this.target - this.keys.length)));
    }
  }

  private generateAsync(): Promise<KeyPair> {
    const [type, params] = keyGenParams(this.kind);
    return new Promise((resolve, reject) => {
      const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject): void => (err ? reject(err) : resolve({ publicKey, privateKey }));
      if (type === 'rsa') generateKeyPairAsync('rsa', params as { modulusLength: number }, done);
      else generateKeyPairAsync('ec', params as { namedCurve: string }, done);
    });
  }

  /** The pooled private keys as PKCS#8 PEM strings (unencrypted: store them encrypted at rest). */
  exportPem(): string[] {
    return this.keys.map((k) => String(k.privateKey.export({ type: 'pkcs8', format: 'pem' })));
  }

  /**
   * Adds keys saved by {@link exportPem}. Throws KEY_UNSUPPORTED when a key is not of this pool's
   * kind, CERT_INVALID when a PEM cannot be read; nothing is added then.
   */
  importPem(pems: string[]): void {
    const pairs: KeyPair[] = [];
    for (const pem of pems) {
      let privateKey: KeyObject;
      try {
        pemToDer(pem);
        privateKey = createPrivateKey(pem);
      } catch {
        throw new SignetError('CERT_INVALID', 'A pooled key is not a PKCS#8 PEM private key. Delete the key pool file; it is rebuilt on start.');
      }
      if (keyKindOf(privateKey) !== this.kind) {
        throw new SignetError('KEY_UNSUPPORTED', `A pooled key is not of kind ${this.kind}. Delete the key pool file; it is rebuilt on start.`);
      }
      pairs.push({ privateKey, publicKey: publicKeyOf(privateKey) });
    }
    this.keys.push(...pairs);
  }
}
