/**
 * The stored shape of identity checks and willingness: verification records, one-time codes and
 * their send log, attempt counters, willingness challenges and proofs. No secret is kept in clear
 * text: codes and transfer amounts as keyed digests (FieldCipher.blindIndex), ID, mobile and card
 * numbers encrypted field-wise, with masked copies for display.
 */
import type { Collection, RecordStore, StoredRecord } from '../ports/record-store.js';
import type { WillingnessMethod } from '../workflow/contract.js';

/** How a person's real-name verification is completed after name + ID number (id2). */
export type PersonVerificationMethod = 'phone3' | 'bank4' | 'face';
/** How an enterprise's real-name verification is completed after name + USCC + legal representative (org3). */
export type EnterpriseVerificationMethod = 'legal_rep_phone' | 'micro_transfer' | 'authorization_letter';

/** One provider check that ran during a verification. */
export interface CheckTrace {
  method: string;
  ok: boolean;
  reference?: string;
  at: string;
}

/** One real-name verification attempt of a person or an enterprise. */
export interface IdentityVerificationRecord extends StoredRecord {
  subjectKind: 'person' | 'enterprise';
  /** The user id or enterprise id. */
  subjectId: string;
  method: PersonVerificationMethod | EnterpriseVerificationMethod;
  /**
   * `awaiting_otp` (a code was sent to the mobile checked), `awaiting_transfer` (the applicant must
   * report the amount and remark), `awaiting_review` (an authorization letter waits for a reviewer),
   * then `passed`, `failed` or `expired`.
   */
  status: 'awaiting_otp' | 'awaiting_transfer' | 'awaiting_review' | 'passed' | 'failed' | 'expired';
  checks: CheckTrace[];
  /** The user who started it. */
  startedBy: string;
  createdAt: string;
  /** Open steps must be completed by then. */
  expiresAt: string;
  passedAt?: string;
  failedReason?: string;
  /** Person: the name checked. Enterprise: the legal representative's name. */
  name?: string;
  /** Person: the ID number checked, encrypted (field `id_number`). Enterprise: the legal representative's. */
  idNumberCipher?: string;
  idNumberMasked?: string;
  /** The mobile number the code went to, encrypted (field `mobile`). */
  mobileCipher?: string;
  mobileMasked?: string;
  /** `bank4`: the card, encrypted (field `bank_card`). */
  bankCardCipher?: string;
  bankCardMasked?: string;
  /** `micro_transfer`: the transfer and what the applicant must report. */
  transfer?: {
    reference?: string;
    /** blindIndex(`${amountFen}|${remark}`, `micro_transfer`). */
    digest: string;
    attemptsLeft: number;
    accountMasked: string;
    bankName: string;
  };
  /** `authorization_letter`: the uploaded letter and its review. */
  letter?: {
    blobId: string;
    reviewedBy?: string;
    reviewedAt?: string;
    approved?: boolean;
    reason?: string;
  };
}

/** The current one-time code of one purpose for one mobile number. */
export interface OtpCodeRecord extends StoredRecord {
  mobileIndex: string;
  purpose: string;
  /** blindIndex(`${id}|${issuedAt}|${bind}|${code}`, `otp_code`). */
  codeDigest: string;
  issuedAt: string;
  expiresAt: string;
  used: boolean;
  /** The request the code was sent for (a challenge or verification id), when bound to one. */
  bind?: string;
}

/** When codes were sent to one mobile number in the last hour (for the rate limits). */
export interface OtpSendRecord extends StoredRecord {
  mobileIndex: string;
  /** Every send in the last hour, any purpose (the hourly cap). */
  sentAt: string[];
  /** The last send per purpose (the resend interval applies per purpose). */
  lastByPurpose?: Record<string, string>;
}

/** Consecutive failures of one secret (a code, a password) for one key, and the lock they caused. */
export interface AttemptRecord extends StoredRecord {
  scope: string;
  failures: number;
  lockedUntil?: string;
}


/** A started willingness check, waiting for the user's code, password or face token. */
export interface WillingnessChallengeRecord extends StoredRecord {
  userId: string;
  method: WillingnessMethod;
  contractIds: string[];
  createdAt: string;
  expiresAt: string;
  status: 'open' | 'passed';
  proofId?: string;
}

/** A passed willingness check: it covers `contractIds`, each consumable once, until `expiresAt`. */
export interface WillingnessProofRecord extends StoredRecord {
  userId: string;
  method: WillingnessMethod;
  challengeId: string;
  contractIds: string[];
  /** The contracts it was consumed for already. */
  consumed: string[];
  verifiedAt: string;
  expiresAt: string;
  /** The face check's provider reference, when `method` is `face`. */
  reference?: string;
}

/** The identity module's collections over one store. */
export interface IdentityCollections {
  verifications: Collection<IdentityVerificationRecord>;
  otpCodes: Collection<OtpCodeRecord>;
  otpSends: Collection<OtpSendRecord>;
  attempts: Collection<AttemptRecord>;
  challenges: Collection<WillingnessChallengeRecord>;
  proofs: Collection<WillingnessProofRecord>;
}

const opened = new WeakMap<RecordStore, IdentityCollections>();

/**
 * Opens the identity collections on `store`, once per store: `identity_verifications` (by subject,
 * sharded by subject), `otp_codes` and `otp_sends` (sharded by mobile index), `attempt_limits`,
 * `willingness_challenges` and `willingness_proofs` (sharded by user).
 */
export function identityCollections(store: RecordStore): IdentityCollections {
  let c = opened.get(store);
  if (c) return c;
  c = {
    verifications: store.collection<IdentityVerificationRecord>({
      name: 'identity_verifications', indexes: { subject: (v) => v.subjectId }, shard: (v) => v.subjectId,
    }),
    otpCodes: store.collection<OtpCodeRecord>({ name: 'otp_codes', shard: (o) => o.mobileIndex }),
    otpSends: store.collection<OtpSendRecord>({ name: 'otp_sends', shard: (o) => o.mobileIndex }),
    attempts: store.collection<AttemptRecord>({ name: 'attempt_limits' }),
    challenges: store.collection<WillingnessChallengeRecord>({
      name: 'willingness_challenges', indexes: { user: (w) => w.userId }, shard: (w) => w.userId,
    }),
    proofs: store.collection<WillingnessProofRecord>({
      name: 'willingness_proofs', indexes: { user: (w) => w.userId }, shard: (w) => w.userId,
    }),
  };
  opened.set(store, c);
  return c;
}
