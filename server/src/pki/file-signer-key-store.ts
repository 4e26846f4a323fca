/**
 * The SignerKeyStore of one installation: certificates from the embedded issuing CA, keys sealed on
 * disk by the master key (FilePkiStore), new keys taken from a pre-generated pool so that issuing
 * never waits for key generation, and each subject's signer kept in memory once opened.
 */
import { KeyPool, type CertificateSubject, type KeyKind, type KeySigner, type SignerKeyKind, type SignerKeyStore } from '@signet/core';
import type { FilePkiStore } from './file-pki-store.js';

/** Options of {@link FileSignerKeyStore}. */
export interface FileSignerKeyStoreOptions {
  /** Keys kept ready per key kind (default 4; RSA-2048 takes ~50–200 ms to generate). */
  poolTarget?: number;
  /** Signers kept open in memory (default 10,000). */
  cacheLimit?: number;
}

/** SignerKeyStore over a {@link FilePkiStore}. */
export class FileSignerKeyStore implements SignerKeyStore {
  private readonly cache = new Map<string, KeySigner>();
  private readonly pools = new Map<KeyKind, KeyPool>();
  private readonly cacheLimit: number;

  constructor(
    private readonly pki: FilePkiStore,
    private readonly opts: FileSignerKeyStoreOptions = {},
  ) {
    this.cacheLimit = opts.cacheLimit ?? 10_000;
  }

  /** Returns the subject's signer, issuing a certificate on first use. */
  async signerFor(subject: CertificateSubject, keyKind: SignerKeyKind = 'rsa-2048'): Promise<KeySigner> {
    const key = subject.kind === 'person' ? `p\u0000${subject.name}\u0000${subject.idNumber}\u0000${keyKind}` : `o\u0000${subject.name}\u0000${subject.uscc}\u0000${keyKind}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const signer = this.pki.signerFor(subject, keyKind, () => this.pool(keyKind).take());
    if (this.cache.size >= this.cacheLimit) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, signer);
    return signer;
  }

  /** Revokes a certificate this CA issued; signers holding it are dropped from memory. */
  async revoke(serialHex: string, reason?: string): Promise<void> {
    this.pki.revoke(serialHex, (reason ?? 'unspecified') as Parameters<FilePkiStore['revoke']>[1]);
    this.cache.clear();
  }

  /** Starts filling the key pools in the background (call once at start). */
  warm(kinds: KeyKind[] = ['rsa-2048']): Promise<void> {
    return Promise.all(kinds.map((k) => this.pool(k).refill())).then(() => undefined);
  }

  private pool(kind: KeyKind): KeyPool {
    let p = this.pools.get(kind);
    if (!p) this.pools.set(kind, (p = new KeyPool(kind, { target: this.opts.poolTarget ?? 4 })));
    return p;
  }
}
