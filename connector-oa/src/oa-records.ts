/**
 * What the connector keeps, as records on the RecordStore port (the server's lowdb or PostgreSQL
 * store): every event it accepted (to de-duplicate Lark's retries by event id), and one record per
 * approval instance (to de-duplicate by instance code, to resume a stamping job where it stopped,
 * and as the outcome of requests that were never stamped: rejected, cancelled, deleted, refused).
 */
import { isSignetError, type Collection, type RecordStore, type StoredRecord } from '@signet/core';

/** An event the connector accepted, by source and event id. */
export interface OaEventRecord extends StoredRecord {
  /** `<source>:<event id>`, e.g. `lark:5f2b…`. */
  id: string;
  source: string;
  request: string;
  status: string;
  receivedAt: string;
}

/** Where a request ended up. */
export type OaOutcome =
  | 'pending' | 'stamping' | 'stamped' | 'completed'
  | 'refused' | 'failed' | 'rejected' | 'canceled' | 'deleted' | 'reverted' | 'ignored' | 'counterparty_declined';

/** A document of a request, once uploaded and in a contract. */
export interface OaDocument {
  name: string;
  fileId: string;
  /** The contract's document id. */
  docId?: string;
}

/** The generic webhook's request, kept without the document bytes. */
export interface OaGenericRequest {
  title?: string;
  seal: string;
  approvers: { name: string; userId?: string; at: string }[];
  approvedAt?: string;
  documentUrl?: string;
  documentName?: string;
  counterparty?: { name?: string; signer?: string; mobile?: string; mustSign?: boolean };
  reason?: string;
}

/** One approval instance of an OA system, and how far the connector got with it. */
export interface OaRequestRecord extends StoredRecord {
  /** `<system>:<instance id>`, e.g. `lark:81D31358-…`. */
  id: string;
  system: string;
  instanceId: string;
  approvalCode?: string;
  /** The latest status the OA system reported. */
  status: string;
  outcome: OaOutcome;
  /** Every status seen, oldest first (at most 20). */
  statuses: { status: string; at: string; eventId?: string }[];
  sealId?: string;
  sealName?: string;
  documents?: OaDocument[];
  contractId?: string;
  signerId?: string;
  counterpartySigns?: boolean;
  stampedAt?: string;
  ledgerEntryIds?: string[];
  /** SHA-256 of each stamped document. */
  stampedSha256?: string[];
  /** The "已用印" comment (Lark) or the stamped callback (generic) was sent. */
  stampReported?: boolean;
  commentId?: string;
  /** The final PDF (after the counterparty) was reported. */
  finalReported?: boolean;
  /** Why a request was not stamped, or the last failure. */
  error?: { code: string; message: string };
  /** Generic webhook: the callback URL and the request as sent. */
  callbackUrl?: string;
  generic?: OaGenericRequest;
  createdAt: string;
  updatedAt: string;
}

/** The connector's collections. */
export interface OaCollections {
  events: Collection<OaEventRecord>;
  requests: Collection<OaRequestRecord>;
}

/** Opens the connector's collections (once per store and process). */
export function oaCollections(store: RecordStore): OaCollections {
  return {
    events: store.collection<OaEventRecord>({ name: 'oa_events', indexes: { request: (e) => e.request } }),
    requests: store.collection<OaRequestRecord>({
      name: 'oa_requests',
      indexes: {
        contract: (r) => r.contractId,
        outcome: (r) => `${r.system}:${r.outcome}`,
      },
    }),
  };
}

/**
 * Applies `change` to the request `id` (creating it from `create` when absent), retrying on
 * VERSION_CONFLICT and DUPLICATE (a concurrent writer). `change` returning undefined saves nothing.
 */
export async function updateRequest(
  col: OaCollections, id: string, create: (() => OaRequestRecord) | undefined,
  change: (cur: OaRequestRecord) => OaRequestRecord | undefined,
): Promise<OaRequestRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    const cur = await col.requests.get(id);
    try {
      if (!cur) {
        if (!create) return undefined;
        const base = create();
        const next = change(base) ?? base;
        return await col.requests.insert(next);
      }
      const next = change(cur);
      if (!next) return cur;
      return await col.requests.update(next, cur.version);
    } catch (e) {
      if (attempt < 8 && (isSignetError(e, 'VERSION_CONFLICT') || isSignetError(e, 'DUPLICATE'))) continue;
      throw e;
    }
  }
}
