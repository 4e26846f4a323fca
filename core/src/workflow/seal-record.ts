/**
 * Seal records: an enterprise's seals, the grants that let members use them, standing
 * authorizations for silent auto-stamping, and the seal ledger (用印记录) of every use.
 */
import type { StoredRecord } from '../ports/record-store.js';
import type { AuditHead } from './contract.js';

/** What a seal is for (公章 official, 合同专用章 contract, 财务专用章 finance, …). */
export type SealCategory = 'official' | 'contract' | 'finance' | 'invoice' | 'legal_representative' | 'hr' | 'other';

/** Every seal category. */
export const SEAL_CATEGORIES: readonly SealCategory[] = ['official', 'contract', 'finance', 'invoice', 'legal_representative', 'hr', 'other'];

/** An enterprise's seal: a generated drawing spec (for `core/src/seal/`) or an uploaded image blob. */
export interface SealRecord extends StoredRecord {
  tenant: string;
  /** e.g. 合同专用章. */
  name: string;
  /** What the seal is for (公章, 合同专用章, 财务专用章, …); its drawing shape is in `spec`. */
  category: SealCategory;
  source: 'generated' | 'uploaded';
  /** Generated seals: the drawing spec the seal module renders (shape, texts, code, colour). */
  spec?: Record<string, unknown>;
  /** Uploaded seals: the image's blob id (PNG, JPEG or SVG). */
  image?: string;
  enabled: boolean;
  createdAt: string;
  createdBy: string;
  /** Head of the seal's own audit chain (creation, enabling, grants, authorizations). */
  audit: AuditHead;
}

/** A member's right to use one seal, optionally until a time. Kept in the seal's shard. */
export interface SealGrantRecord extends StoredRecord {
  tenant: string;
  seal: string;
  userId: string;
  grantedBy: string;
  grantedAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

/** What a standing authorization covers. Every listed restriction must match; none listed means any. */
export interface AutoStampScope {
  /** Only contracts sent by these integrator apps. */
  appIds?: string[];
  /** Only contracts made from these templates. */
  templateIds?: string[];
  /** Only contracts sent by these enterprises (the stamping enterprise itself is `self`). */
  senders?: string[];
}

/**
 * An enterprise's standing authorization to stamp a seal without a person's willingness check
 * (静默签署 / 自动盖章), within a scope and until it expires or is revoked. Kept in the seal's shard.
 */
export interface StandingAuthorizationRecord extends StoredRecord {
  tenant: string;
  seal: string;
  scope: AutoStampScope;
  grantedBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  /** Why it exists, e.g. `HR onboarding contracts`. */
  purpose?: string;
}

/** An approval in an external system (an OA approval instance) that authorised one stamping. */
export interface ExternalApproval {
  kind: 'approval';
  /** e.g. `lark`, `dingtalk`, `weaver`, `generic`. */
  system: string;
  /** The approval instance's code in that system. */
  instanceCode: string;
  approvers: { name: string; at: string; userId?: string }[];
  /** The approval's title or form summary, if any. */
  title?: string;
}

/** The authority under which a seal was used. */
export type LedgerAuthority =
  | { kind: 'grant'; grantId: string }
  | { kind: 'standing'; authorizationId: string }
  | (ExternalApproval & { authorizationId: string });

/** One use of a seal (or a refused attempt), kept in the shard of its contract. */
export interface SealLedgerEntry extends StoredRecord {
  /** The enterprise owning the seal. */
  tenant: string;
  seal: string;
  sealName: string;
  contractId: string;
  contractTitle: string;
  /** The documents stamped, with the SHA-256 of each after stamping. */
  documents: { id: string; sha256: string }[];
  operator: { kind: 'user' | 'integrator' | 'system' | 'signer'; id: string };
  authority?: LedgerAuthority;
  at: string;
  outcome: 'stamped' | 'refused';
  /** For refusals: the error code. */
  reason?: string;
}
