/**
 * Turns audit drafts into hash-chained audit records that continue an aggregate's chain, with the
 * hashing of `evidence/audit-chain.ts`. The aggregate record keeps the head (seq and hash); because
 * it is versioned, two writers can never both extend the same head, so the chain cannot fork.
 */
import { appendAuditEvent, type AuditEvent } from '../evidence/audit-chain.js';
import type { DomainEvent } from '../ports/event-publisher.js';
import type { AuditHead } from './contract.js';
import type { AuditDraft } from './transition.js';
import { auditRecordId, type AuditRecord } from './workflow-collections.js';

/** The head of an empty chain. */
export const EMPTY_HEAD: AuditHead = { seq: 0, hash: '' };

/** Chains `drafts` after `head` for `subject` at `now`; returns the new head and the records to insert. */
export function chainEvents(subject: string, head: AuditHead, drafts: readonly AuditDraft[], now: Date): { head: AuditHead; records: AuditRecord[] } {
  // appendAuditEvent only reads the previous event's seq and hash, which is exactly what the head keeps.
  let prev = head.seq > 0 ? ({ seq: head.seq, hash: head.hash } as AuditEvent) : undefined;
  const records: AuditRecord[] = [];
  for (const d of drafts) {
    const e = appendAuditEvent(prev, { type: d.type, subject, at: now, actor: d.actor, data: d.data });
    records.push({ ...e, id: auditRecordId(subject, e.seq), version: 0 });
    prev = e;
  }
  return { head: prev ? { seq: prev.seq, hash: prev.hash } : head, records };
}

/** The domain events (for webhooks) of stored audit records: no IP addresses, plus the tenant and `extra`. */
export function domainEventsOf(records: readonly AuditRecord[], extra: Record<string, unknown>): DomainEvent[] {
  return records.map((r) => ({
    type: r.type,
    subject: r.subject,
    at: new Date(r.at),
    data: { ...r.data, ...extra, seq: r.seq, actor: { kind: r.actor.kind, id: r.actor.id } },
  }));
}
