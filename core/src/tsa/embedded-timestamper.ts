import type { DigestAlgorithm } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import type { TimestampAuthority } from './timestamp-authority.js';

/** A Timestamper served by Signet's own TimestampAuthority, in process (no network). */
export class EmbeddedTimestamper implements Timestamper {
  constructor(private readonly tsa: TimestampAuthority) {}

  /** Returns a TimeStampToken (RFC 3161 §2.4.2) over `digest`, with the TSA certificate included. */
  async timestamp(digest: Uint8Array, algorithm: DigestAlgorithm): Promise<Uint8Array> {
    return this.tsa.issueToken(digest, algorithm);
  }
}
