import type { KeySigner } from './key-signer.js';

/** Whom a certificate is issued to: a verified person or organization. */
export type CertificateSubject =
  | { kind: 'person'; name: string; idNumber: string }
  | { kind: 'organization'; name: string; uscc: string };

/** Key kinds the embedded CA issues. */
export type SignerKeyKind = 'rsa-2048' | 'rsa-3072' | 'ecdsa-p256';

/**
 * Issues signer certificates from the embedded CA and hands out KeySigners for them. The private key
 * never leaves the store: callers only get a signer for one subject (DESIGN §1, condition 1 and 2).
 */
export interface SignerKeyStore {
  /**
   * The KeySigner of `subject`, issuing a key pair and a certificate on first use (the same subject
   * reuses its key). Call it only after the subject's real-name verification passed.
   */
  signerFor(subject: CertificateSubject, keyKind?: SignerKeyKind): Promise<KeySigner>;
  /** Revokes a certificate this CA issued (CRL and OCSP answer "revoked" from now on). */
  revoke(serialHex: string, reason?: string): Promise<void>;
}
