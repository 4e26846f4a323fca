/**
 * The seam to the identity module: the certificate subject of a real-name verified person or
 * enterprise. A certificate is issued only after verification (DESIGN §1, condition 1), so the
 * workflow asks for the subject right before it asks the SignerKeyStore for a KeySigner.
 */
import type { CertificateSubject } from '../ports/signer-key-store.js';

/** A party whose certificate subject is wanted. */
export type SubjectRef = { kind: 'person'; userId: string } | { kind: 'organization'; enterpriseId: string };

/** Resolves verified parties to certificate subjects. */
export interface VerifiedSubjects {
  /** The subject of `ref`; throws SignetError (e.g. IDENTITY_NOT_VERIFIED) when it is not verified. */
  certificateSubjectOf(ref: SubjectRef): Promise<CertificateSubject>;
}
