import type { DigestAlgorithm } from './key-signer.js';

/** Obtains RFC 3161 time-stamp tokens. */
export interface Timestamper {
  /**
   * Returns a TimeStampToken (a DER ContentInfo holding SignedData over TSTInfo, RFC 3161 §2.4.2)
   * whose message imprint is `digest` computed with `algorithm`.
   */
  timestamp(digest: Uint8Array, algorithm: DigestAlgorithm): Promise<Uint8Array>;
}
