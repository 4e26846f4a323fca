/**
 * The signer's page's API client (`/api/v1/link*` and `/api/v1/willingness*`, docs/api-surface.md,
 * "Server part B"), authenticated by the signing link's token in `Authorization: Link <token>`.
 * The types are the server's own route types (type-only imports: nothing of the server is bundled).
 */
import type { LinkPageView } from '../../src/http/routes/link-routes.js';
import type { ChallengeView, ProofView } from '../../src/http/routes/willingness-routes.js';
import { ApiClient, type Download } from './api-client.js';
import type { InkStroke } from './ink.js';

export type { LinkPageView, LinkAction } from '../../src/http/routes/link-routes.js';
export type { ChallengeView, ProofView } from '../../src/http/routes/willingness-routes.js';

/** A willingness method the page can run itself (face needs the platform's face SDK). */
export type PageWillingness = 'sms_otp' | 'password';

/** A real-name verification in the flow, as the API shows it. */
export interface LinkVerification {
  verificationId: string;
  method: string;
  status: string;
  next?: 'enter_code' | 'report_transfer' | 'wait_for_review';
  mobileMasked?: string;
  expiresAt: string;
  passedAt?: string;
  failedReason?: string;
}

/** The token of a `/sign/<token>` page URL, or undefined. */
export function linkTokenOf(pathname: string): string | undefined {
  const m = /\/sign\/([^/?#]+)/.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** The calls of the signer's page. */
export class LinkApi {
  private readonly api: ApiClient;

  constructor(token: string) {
    this.api = new ApiClient({ kind: 'link', token });
  }

  /** `GET /link`: the contract, my signer and fields, the others, my real-name status, what I may do. */
  view(): Promise<LinkPageView> {
    return this.api.json('GET', '/link');
  }

  /** The current revision of a document, to read. */
  async document(docId: string, signal?: AbortSignal): Promise<ArrayBuffer> {
    return (await this.api.download(`/link/documents/${encodeURIComponent(docId)}`, signal)).bytes;
  }

  /** The completed PDF of a document. */
  download(docId: string): Promise<Download> {
    return this.api.download(`/link/documents/${encodeURIComponent(docId)}/download`);
  }

  /** Starts real-name verification (name + ID number, then a code to the signer's mobile). */
  startIdentity(name: string, idNumber: string): Promise<LinkVerification> {
    return this.api.json('POST', '/link/identity', { name, idNumber });
  }

  /** Confirms real-name verification with the SMS code. */
  confirmIdentity(verificationId: string, code: string): Promise<LinkVerification> {
    return this.api.json('POST', `/link/identity/${encodeURIComponent(verificationId)}/code`, { code });
  }

  /** Starts a willingness check for the contract (`sms_otp` sends the code now). */
  startWillingness(contractId: string, method: PageWillingness): Promise<ChallengeView> {
    return this.api.json('POST', '/willingness', { contractIds: [contractId], method });
  }

  /** Sends the code again: a fresh challenge to confirm instead. */
  resendWillingness(challengeId: string): Promise<ChallengeView> {
    return this.api.json('POST', `/willingness/${encodeURIComponent(challengeId)}/resend`);
  }

  /** Answers the check with the SMS code or the signing password. */
  confirmWillingness(challengeId: string, answer: { code: string } | { password: string }): Promise<ProofView> {
    return this.api.json('POST', `/willingness/${encodeURIComponent(challengeId)}/confirm`, answer);
  }

  /** Signs every field of mine in every document. */
  sign(proofId: string, strokes: readonly InkStroke[], values?: Record<string, string>): Promise<LinkPageView> {
    return this.api.json('POST', '/link/sign', {
      proofId,
      ...(strokes.length ? { handwriting: { strokes } } : {}),
      ...(values && Object.keys(values).length ? { values } : {}),
    });
  }

  /** Rejects with a reason. */
  reject(reason: string): Promise<LinkPageView> {
    return this.api.json('POST', '/link/reject', { reason });
  }
}
