/**
 * One-time signing links for external signers: where the token is read from, how it is hashed, and
 * the resolver the workflow implements (it owns the link records, expiry, use and revocation).
 *
 * The token travels either in the path (`/sign/<token>`, the signer's page, and
 * `/api/v1/sign/<token>/…`) or in an `Authorization: Link <token>` header (the page's API calls).
 * The server never stores or logs it: it hashes it at once and looks the hash up.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '@signet/core';

/** The actor of a signing-link request. */
export type LinkActor = Extract<Actor, { kind: 'link' }>;

/** Finds the live signing link with a token hash (implemented by the workflow). */
export interface SigningLinkResolver {
  /**
   * The link's actor, or undefined when no link has this hash. May throw SignetError LINK_EXPIRED,
   * LINK_USED or LINK_REVOKED for a link that exists but can no longer be used.
   */
  resolve(tokenHash: string): Promise<LinkActor | undefined>;
}

/** A link token: 16 to 128 characters of base64url (the workflow issues 43). */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

const PATH_TOKEN = /(?:^|\/)sign\/([^/?#]+)/;

/** Where a request carries a link token, if it does. */
export interface ExtractedLinkToken {
  token: string;
  from: 'header' | 'path';
}

/**
 * The link token of a request: from `Authorization: Link <token>`, else from a `/sign/<token>`
 * path segment. Undefined when there is neither; a malformed token is returned as sent, for the
 * caller to refuse.
 */
export function extractLinkToken(headers: IncomingHttpHeaders, path: string): ExtractedLinkToken | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Link\s+(\S+)\s*$/i.exec(auth);
    if (m) return { token: m[1], from: 'header' };
  }
  const p = PATH_TOKEN.exec(path);
  if (p) return { token: safeDecode(p[1]), from: 'path' };
  return undefined;
}

/** The hash a link token is stored and looked up under: lower-case hex SHA-256 of its UTF-8 bytes (the same as core/workflow's `hashLinkToken`). */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Replaces a `/sign/<token>` segment by `/sign/:token`, so that paths can be logged. */
export function redactLinkToken(path: string): string {
  return path.replace(/((?:^|\/)sign\/)[^/?#]+/, '$1:token');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The resolver of a server without signing links: no token matches. */
export const noSigningLinks: SigningLinkResolver = {
  async resolve() {
    return undefined;
  },
};
