/**
 * One-time signing links for external signers. The token goes to the signer (SMS, e-mail) and is
 * never stored: the record keeps its SHA-256 only, so a stolen metadata file opens no contract.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { StoredRecord } from '../ports/record-store.js';

/** A signing link as stored: hashed token, expiry, and whether it was used or revoked. */
export interface SigningLinkRecord extends StoredRecord {
  contractId: string;
  signerId: string;
  /** Lower-case hex SHA-256 of the token. */
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
  revokedAt?: string;
}

/** A fresh link token: 32 random bytes, base64url (43 characters). */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The hash a link token is stored and looked up under: lower-case hex SHA-256 of its UTF-8 bytes. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when the link can still be used at `now`. */
export function isLinkActive(link: SigningLinkRecord, now: Date): boolean {
  return !link.usedAt && !link.revokedAt && Date.parse(link.expiresAt) > now.getTime();
}
