/**
 * The workflow's collections on the RecordStore port, opened once per store. Shard keys keep what
 * must change together in one atomic batch: a contract, its audit events, its signing links and its
 * seal ledger entries all live in the contract's shard.
 */
import type { AuditEvent } from '../evidence/audit-chain.js';
import type { Collection, RecordStore, StoredRecord } from '../ports/record-store.js';
import { boxKeysOf } from './contract-boxes.js';
import type { ContractRecord } from './contract.js';
import type { SealGrantRecord, SealLedgerEntry, SealRecord, StandingAuthorizationRecord } from './seal-record.js';
import type { SigningLinkRecord } from './signing-link.js';
import type { BundleRecord, TemplateRecord } from './template-record.js';

/** A stored audit event: the chained event plus its record id (`<contractId>.<seq, 8 digits>`, so ids sort by seq). */
export type AuditRecord = AuditEvent & StoredRecord;

/** The record id of event `seq` of `subject`'s chain. */
export function auditRecordId(subject: string, seq: number): string {
  return `${subject}.${String(seq).padStart(8, '0')}`;
}

/** Every collection the workflow uses. */
export interface WorkflowCollections {
  store: RecordStore;
  contracts: Collection<ContractRecord>;
  audit: Collection<AuditRecord>;
  links: Collection<SigningLinkRecord>;
  seals: Collection<SealRecord>;
  grants: Collection<SealGrantRecord>;
  authorizations: Collection<StandingAuthorizationRecord>;
  ledger: Collection<SealLedgerEntry>;
  templates: Collection<TemplateRecord>;
  bundles: Collection<BundleRecord>;
}

const NUL = '\u0000';
const opened = new WeakMap<RecordStore, WorkflowCollections>();

/** True while an invalidation agreement still counts (a second one may start only after it failed). */
function activeAgreement(c: ContractRecord): boolean {
  return c.kind === 'invalidation' && (c.state === 'draft' || c.state === 'signing' || c.state === 'completed');
}

/** Opens (once per store) the workflow's collections. */
export function workflowCollections(store: RecordStore): WorkflowCollections {
  const hit = opened.get(store);
  if (hit) return hit;
  const c: WorkflowCollections = {
    store,
    contracts: store.collection<ContractRecord>({
      name: 'contracts',
      unique: {
        bizNo: (r) => (r.bizNo ? `${r.tenant}${NUL}${r.appId ?? ''}${NUL}${r.bizNo}` : undefined),
        invalidates: (r) => (activeAgreement(r) ? r.invalidates : undefined),
      },
      indexes: {
        tenant: (r) => r.tenant,
        state: (r) => r.state,
        box: boxKeysOf,
        unsettled: (r) => (r.kind === 'invalidation' && r.state !== 'draft' && r.state !== 'signing' && !r.settledAt ? 'pending' : undefined),
      },
    }),
    audit: store.collection<AuditRecord>({ name: 'audit_events', indexes: { subject: (r) => r.subject }, shard: (r) => r.subject }),
    links: store.collection<SigningLinkRecord>({
      name: 'signing_links',
      unique: { token: (r) => r.tokenHash },
      indexes: { contract: (r) => r.contractId },
      shard: (r) => r.contractId,
    }),
    seals: store.collection<SealRecord>({ name: 'seals', indexes: { tenant: (r) => r.tenant } }),
    grants: store.collection<SealGrantRecord>({
      name: 'seal_grants',
      unique: { active: (r) => (r.revokedAt ? undefined : `${r.seal}${NUL}${r.userId}`) },
      indexes: { seal: (r) => r.seal, member: (r) => `${r.tenant}${NUL}${r.userId}` },
      shard: (r) => r.seal,
    }),
    authorizations: store.collection<StandingAuthorizationRecord>({
      name: 'seal_authorizations',
      indexes: { seal: (r) => r.seal, tenant: (r) => r.tenant },
      shard: (r) => r.seal,
    }),
    ledger: store.collection<SealLedgerEntry>({
      name: 'seal_ledger',
      indexes: { tenant: (r) => r.tenant, seal: (r) => r.seal, contract: (r) => r.contractId },
      shard: (r) => r.contractId,
    }),
    templates: store.collection<TemplateRecord>({ name: 'templates', indexes: { tenant: (r) => r.tenant } }),
    bundles: store.collection<BundleRecord>({ name: 'template_bundles', indexes: { tenant: (r) => r.tenant } }),
  };
  opened.set(store, c);
  return c;
}

/** The key of the grant index `member`. */
export function memberKey(tenant: string, userId: string): string {
  return `${tenant}${NUL}${userId}`;
}
