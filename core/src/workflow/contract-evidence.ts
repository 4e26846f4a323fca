/**
 * The plain, JSON-friendly data of a contract's evidence (DESIGN §3, "The evidence page carries at
 * least …"), for the evidence module's `buildEvidencePage` / `buildEvidencePackage`: the contract,
 * each file with its SHA-256, each signer with a masked account, times, IP, willingness method and
 * time, certificate serial and positions as page fractions, and the audit chain; and
 * {@link evidenceInputOf}, which turns it into the evidence module's `EvidenceInput`.
 */
import { SignetError } from '../errors.js';
import type { AuditEvent } from '../evidence/audit-chain.js';
import type { EvidenceInput, WillingnessMethod as EvidenceWillingness } from '../evidence/evidence-input.js';
import { maskAccount } from '../evidence/mask.js';
import type { ContractRecord, SignatureMethod } from './contract.js';

/** Evidence about one signer. */
export interface SignerEvidence {
  id: string;
  kind: 'person' | 'organization';
  /** The signer subject: the person's or the organization's name (shown in full). */
  subject: string;
  /** The invitation account, masked (185****5544, z***@example.com). */
  account?: string;
  state: string;
  /** When the invitation was sent (received time). */
  receivedAt?: string;
  readAt?: string;
  signedAt?: string;
  rejectedAt?: string;
  rejectReason?: string;
  ip?: string;
  willingness?: { method: SignatureMethod; at?: string };
  certificateSerial?: string;
  seal?: string;
  operator?: string;
  /** Each signature position: document, 1-based page, and x, y (w, h) as fractions of the page from its top-left. */
  positions: { document: string; page: number; x?: number; y?: number; w?: number; h?: number }[];
}

/** Everything the evidence page and package need about a contract. */
export interface ContractEvidenceData {
  contract: {
    id: string;
    /** The number shown on the page: the integrator's bizNo, or the contract id. */
    number: string;
    title: string;
    kind: ContractRecord['kind'];
    state: ContractRecord['state'];
    signerCount: number;
    createdAt: string;
    sentAt?: string;
    completedAt?: string;
    invalidates?: string;
    sender: { account?: string; name?: string; enterprise?: string; enterpriseId: string; appId?: string; ip?: string };
    platform: string;
  };
  files: { id: string; name: string; pages: number; originalSha256: string; sha256: string }[];
  signers: SignerEvidence[];
  audit: { events: AuditEvent[]; head?: { seq: number; hash: string } };
}

/** Builds the evidence data of `c` from the record and its audit events (in chain order). */
export function evidenceDataOf(c: ContractRecord, events: AuditEvent[], platform: string): ContractEvidenceData {
  const docNames = new Map(c.documents.map((d) => [d.id, d.name]));
  return {
    contract: {
      id: c.id,
      number: c.bizNo ?? c.id,
      title: c.title,
      kind: c.kind,
      state: c.state,
      signerCount: c.signers.length,
      createdAt: c.createdAt,
      sentAt: c.sentAt,
      completedAt: c.completedAt,
      invalidates: c.invalidates,
      sender: {
        account: c.sender.account,
        name: c.sender.name,
        enterprise: c.sender.enterpriseName,
        enterpriseId: c.tenant,
        appId: c.sender.appId,
        ip: c.sender.ip,
      },
      platform,
    },
    files: c.documents.map((d) => ({ id: d.id, name: d.name, pages: d.pages, originalSha256: d.original, sha256: d.current })),
    signers: c.signers.map((s) => ({
      id: s.id,
      kind: s.kind,
      subject: s.name,
      account: s.account ? maskAccount(s.account) : undefined,
      state: s.state,
      receivedAt: s.invitedAt,
      readAt: s.readAt,
      signedAt: s.signedAt,
      rejectedAt: s.rejectedAt,
      rejectReason: s.rejectReason,
      ip: s.signature?.ip,
      willingness: s.signature ? { method: s.signature.method, at: s.signature.verifiedAt ?? s.signature.at } : undefined,
      certificateSerial: s.signature?.cert,
      seal: s.signature?.seal,
      operator: s.signature?.operator,
      positions: s.fields.map((f) => ({ document: docNames.get(f.doc) ?? f.doc, page: f.page, ...(f.at ?? {}) })),
    })),
    audit: { events, head: c.audit.seq ? { seq: c.audit.seq, hash: c.audit.hash } : undefined },
  };
}

const METHOD: Record<SignatureMethod, EvidenceWillingness> = { sms_otp: 'sms-otp', password: 'password', face: 'face', auto_stamp: 'auto-sign' };

/**
 * The evidence module's `EvidenceInput` (for `buildEvidencePage`) of a completed contract's
 * evidence data: every signer who signed, with positions as page fractions from the top-left.
 * Throws NOT_COMPLETED before completion. Missing IPs are left for `validateEvidenceInput` to name.
 */
export function evidenceInputOf(data: ContractEvidenceData, opts: { verifyUrl?: string } = {}): EvidenceInput {
  const c = data.contract;
  if (!c.completedAt || !c.sentAt) {
    throw new SignetError('NOT_COMPLETED', `合同尚未签署完成，不能生成存证页。Contract ${c.id} is ${c.state}; the evidence page is made once every party has signed.`, { state: c.state });
  }
  const fileIndex = new Map(data.files.map((f, i) => [f.name, i + 1]));
  return {
    platform: { name: c.platform, ...(opts.verifyUrl ? { verifyUrl: opts.verifyUrl } : {}) },
    contract: {
      name: c.title,
      number: c.number,
      sentAt: c.sentAt,
      completedAt: c.completedAt,
      sender: {
        account: c.sender.account ?? c.sender.appId ?? c.sender.enterpriseId,
        ...(c.sender.name ? { name: c.sender.name } : {}),
        ...(c.sender.enterprise ? { enterprise: c.sender.enterprise } : {}),
        ip: c.sender.ip ?? '',
      },
    },
    files: data.files.map((f) => ({ name: f.name, sha256: f.sha256, originalSha256: f.originalSha256, pages: f.pages })),
    signers: data.signers.filter((s) => s.signedAt).map((s) => ({
      subject: s.subject,
      kind: s.kind,
      ...(s.operator ? { operator: s.operator } : {}),
      account: s.account ?? s.operator ?? s.subject,
      receivedAt: s.receivedAt ?? c.sentAt!,
      signedAt: s.signedAt!,
      ip: s.ip ?? '',
      willingness: { method: METHOD[s.willingness!.method], at: s.willingness!.at ?? s.signedAt! },
      certificateSerial: s.certificateSerial!,
      positions: s.positions.filter((p) => p.x !== undefined && p.y !== undefined).map((p) => ({
        file: fileIndex.get(p.document) ?? 1, page: p.page, x: p.x!, y: p.y!, ...(p.w !== undefined ? { w: p.w } : {}), ...(p.h !== undefined ? { h: p.h } : {}),
      })),
    })),
    ...(data.audit.head ? { audit: { headHash: data.audit.head.hash, events: data.audit.head.seq } } : {}),
  };
}
