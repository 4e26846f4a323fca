/** Key algorithms Signet signs with. */
export type KeyAlgorithm = 'rsa' | 'ecdsa-p256';

/** Digest algorithms Signet uses for signatures. */
export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/**
 * Performs the private-key operation for one signer. The private key never leaves it: a local key
 * (node:crypto), an HSM or a remote signing service all fit behind this port.
 */
export interface KeySigner {
  /** The signer's algorithm. RSA uses PKCS#1 v1.5; ECDSA returns a DER `Ecdsa-Sig-Value`. */
  readonly algorithm: KeyAlgorithm;
  /** The signer's certificate, DER. */
  readonly certificate: Uint8Array;
  /** Intermediate certificates up to (not including) the trust anchor, DER, leaf's issuer first. */
  readonly chain: readonly Uint8Array[];
  /** Signs `data` (hashing it with `digest`) and returns the raw signature value. */
  sign(data: Uint8Array, digest: DigestAlgorithm): Promise<Uint8Array>;
}
