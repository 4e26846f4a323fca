/**
 * The contract aggregate as the RecordStore keeps it: documents (blob ids, never bytes), signers
 * with their order, willingness policy and fields, deadlines, and the head of the contract's
 * hash-chained audit log. One record per contract, kept compact: 30,000 of them, with their audit
 * events, must sit comfortably in the memory of the lowdb store.
 */
import type { StoredRecord } from '../ports/record-store.js';
import type { Rect } from '../pdf/acroform.js';
import type { PadesLevel } from '../pades/levels.js';

/** Contract states: draft → signing → completed | rejected | revoked | expired; completed → invalidated. */
export type ContractState = 'draft' | 'signing' | 'completed' | 'rejected' | 'revoked' | 'expired' | 'invalidated';

/** Every contract state, in life order. */
export const CONTRACT_STATES: readonly ContractState[] = ['draft', 'signing', 'completed', 'rejected', 'revoked', 'expired', 'invalidated'];

/** Signer states: unread → read → signed | rejected. */
export type SignerState = 'unread' | 'read' | 'signed' | 'rejected';

/** How signers take turns: one step after another, or all at once. */
export type SigningOrder = 'sequential' | 'parallel';

/** A willingness check (意愿认证) method. */
export type WillingnessOption = 'sms_otp' | 'password' | 'face';

/**
 * The same as {@link WillingnessOption}, under the name the identity module imports. Not re-exported
 * from the package root, where the evidence module's `WillingnessMethod` (its print labels) lives.
 */
export type WillingnessMethod = WillingnessOption;

/** Every willingness method. */
export const WILLINGNESS_OPTIONS: readonly WillingnessOption[] = ['sms_otp', 'password', 'face'];

/**
 * What a signer must do before each signature: one willingness method, or a preference list
 * (`['face', 'sms_otp']`: face first, SMS as the fallback; any listed method is accepted), and
 * whether a handwritten signature is required, forbidden or optional.
 */
export interface WillingnessPolicy {
  methods: WillingnessOption[];
  handwriting: 'required' | 'forbidden' | 'optional';
}

/** The policy when a signer gives none: SMS OTP or signing password, handwriting optional. */
export const DEFAULT_WILLINGNESS_POLICY: WillingnessPolicy = { methods: ['sms_otp', 'password'], handwriting: 'optional' };

/** A position on a page as fractions of the page, measured from its top-left corner (as the evidence page shows it). */
export interface PageFractions {
  x: number;
  y: number;
  w?: number;
  h?: number;
}

/** Where one signature of one signer goes: a document, a page and a rectangle (points). */
export interface SignatureField {
  /** Document id within the contract (`d1`, `d2`, …). */
  doc: string;
  /** 1-based page. */
  page: number;
  /** Widget rectangle in PDF user space; absent for an invisible signature. */
  rect?: Rect;
  /** The rectangle as fractions of the page, for the evidence page. */
  at?: PageFractions;
  /**
   * `seal` for an organization's seal, `signature` for a person's (or a legal representative's)
   * signature; `date` (the signing date, filled by Signet) and `text` (a value the signer types)
   * are text fields the signer fills when signing, in the same revision as the signature.
   */
  kind: FieldKind;
  /** Text fields: the PDF field name (`Signet-s1-text1`), unique in the document. */
  name?: string;
  /** Text fields: what the signer is asked for (e.g. 身份证号 ID number). */
  label?: string;
  /** Text fields: whether the signer must fill it (default true for `text`). */
  required?: boolean;
}

/** What a field is: a signature, a seal, or a text field filled at signing. */
export type FieldKind = 'signature' | 'seal' | 'date' | 'text';

/** True for the fields that hold a signature (a signature or a seal), false for date and text fields. */
export function isSignatureField(f: Pick<SignatureField, 'kind'>): boolean {
  return f.kind === 'signature' || f.kind === 'seal';
}

/** One document of a contract. Bytes live in the BlobStore under their SHA-256. */
export interface ContractDocument {
  /** `d1`, `d2`, … */
  id: string;
  name: string;
  /** Blob id (SHA-256) of the file as uploaded or filled. */
  original: string;
  /** Blob id (SHA-256) of the newest revision. */
  current: string;
  pages: number;
  /** Signatures Signet has appended to this document (the first one may certify it). */
  signatures: number;
}

/** How a signature was authorised: the signer's willingness, or an enterprise's authority to auto-stamp. */
export type SignatureMethod = WillingnessOption | 'auto_stamp';

/** What a signer's signature recorded, for evidence. */
export interface SignatureRecord {
  at: string;
  method: SignatureMethod;
  /** The willingness proof consumed (manual signing). */
  proof?: string;
  /** When the willingness check passed. */
  verifiedAt?: string;
  /** The member who operated an organization's seal. */
  operator?: string;
  /** The seal used by an organization signer. */
  seal?: string;
  /** Hex serial number of the signing certificate. */
  cert: string;
  ip?: string;
  /** Blob id of the handwriting (strokes JSON or image) when one was drawn. */
  handwriting?: string;
  /** Seal ledger entry of this use. */
  ledger?: string;
  /** The values the signer filled in their date and text fields, by field name. */
  values?: Record<string, string>;
}

/** One party to a contract: a person, or an organization signing with a seal through a member. */
export interface ContractSigner {
  /** `s1`, `s2`, … */
  id: string;
  kind: 'person' | 'organization';
  /** The person's name, or the organization's name. */
  name: string;
  /** Person signers: the platform user who signs (real-name verified before signing). */
  userId?: string;
  /** Organization signers: the enterprise whose seal is applied. */
  enterpriseId?: string;
  /** Organization signers: the member designated to operate the seal (otherwise any member with a grant). */
  operator?: string;
  /** Mobile number or e-mail for invitations (masked on the evidence page). */
  account?: string;
  /** Template role this signer fills (e.g. `partyA`). */
  role?: string;
  /** 1-based step: in a sequential contract, step N+1 signs after every signer of step N. */
  step: number;
  state: SignerState;
  willingness: WillingnessPolicy;
  /** Organization signers: the seal that must be used (otherwise any seal the operator holds a grant for). */
  seal?: string;
  fields: SignatureField[];
  invitedAt?: string;
  readAt?: string;
  signedAt?: string;
  rejectedAt?: string;
  rejectReason?: string;
  signature?: SignatureRecord;
}

/** Who sent a contract. */
export interface ContractSender {
  /** The member who sent it (console, Word add-in). */
  userId?: string;
  /** The integrator app that sent it. */
  appId?: string;
  name?: string;
  /** The sender's account (mobile or e-mail), stored masked (185****5544) for the evidence page. */
  account?: string;
  /** The sender's enterprise name, as shown on the evidence page. */
  enterpriseName?: string;
  ip?: string;
}

/** The head of the contract's audit chain: the last event's seq and hash. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** A contract record. */
export interface ContractRecord extends StoredRecord {
  /** The sending enterprise (tenant). */
  tenant: string;
  /** `contract`, or an invalidation agreement (作废协议) for a completed contract. */
  kind: 'contract' | 'invalidation';
  title: string;
  /** Idempotency key, with `bizNo`: the integrator's app (or `console`). */
  appId?: string;
  bizNo?: string;
  sender: ContractSender;
  state: ContractState;
  order: SigningOrder;
  /** Complete as soon as every signer signed; otherwise the sender locks and finishes it explicitly. */
  autoFinish: boolean;
  /** PAdES level of each signature (default: the service's, B-LT). */
  level?: PadesLevel;
  /** Certify each document with the first signature (DocMDP P, ISO 32000-1 §12.8.2.2). */
  certify?: 1 | 2 | 3;
  documents: ContractDocument[];
  signers: ContractSigner[];
  labels: string[];
  /** Signing deadline (ISO 8601): past it, the expiry job moves a signing contract to `expired`. */
  deadline?: string;
  /** The contract's own expiry (合同到期日), which drives the "expiring soon" list. */
  expiresAt?: string;
  createdAt: string;
  sentAt?: string;
  completedAt?: string;
  /** When it was rejected, revoked, expired or invalidated. */
  endedAt?: string;
  endReason?: string;
  /** Created from these templates. */
  template?: { templateIds: string[]; bundleId?: string };
  /** An invalidation agreement (作废协议) for this contract is being signed. */
  invalidation?: { agreementId: string; requestedBy: string; reason: string };
  /** Invalidation agreements: the contract they invalidate. */
  invalidates?: string;
  /** Invalidation agreements: when the outcome was applied to the original contract. */
  settledAt?: string;
  audit: AuditHead;
}

/** States from which nothing but views happen any more. */
export const TERMINAL_STATES: readonly ContractState[] = ['rejected', 'revoked', 'expired', 'invalidated'];

/** The signers who may sign now: pending, and (sequential) in the lowest step that is not done. */
export function signersInTurn(c: Pick<ContractRecord, 'state' | 'order' | 'signers'>): ContractSigner[] {
  if (c.state !== 'signing') return [];
  const pending = c.signers.filter((s) => s.state === 'unread' || s.state === 'read');
  if (c.order === 'parallel' || pending.length === 0) return pending;
  const step = Math.min(...pending.map((s) => s.step));
  return pending.filter((s) => s.step === step);
}

/** True when every signer has signed. */
export function allSigned(c: Pick<ContractRecord, 'signers'>): boolean {
  return c.signers.every((s) => s.state === 'signed');
}
