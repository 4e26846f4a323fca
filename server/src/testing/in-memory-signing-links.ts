/**
 * A {@link SigningLinkResolver} in memory, for tests of the HTTP layer: issue a token for a signer,
 * revoke it, and let the server resolve its hash. Like the workflow's records, it keeps hashes only.
 */
import { randomBytes } from 'node:crypto';
import { SignetError } from '@signet/core';
import { hashLinkToken, type LinkActor, type SigningLinkResolver } from '../auth/signing-link.js';

/** Signing links held in memory, by token hash. */
export class InMemorySigningLinks implements SigningLinkResolver {
  private readonly links = new Map<string, { actor: LinkActor; revoked: boolean }>();
  private seq = 0;

  /** Issues a link for one signer of one contract and returns its token (43 characters of base64url). */
  issue(contractId: string, signerId: string): string {
    const token = randomBytes(32).toString('base64url');
    this.links.set(hashLinkToken(token), { actor: { kind: 'link', contractId, signerId, linkId: `lnk_${++this.seq}` }, revoked: false });
    return token;
  }

  /** Revokes the link of `token`. */
  revoke(token: string): void {
    const l = this.links.get(hashLinkToken(token));
    if (l) l.revoked = true;
  }

  async resolve(tokenHash: string): Promise<LinkActor | undefined> {
    const l = this.links.get(tokenHash);
    if (l?.revoked) throw new SignetError('LINK_REVOKED', '签署链接已撤销。The signing link was revoked: use the newest link, or ask the sender.');
    return l && { ...l.actor };
  }
}
