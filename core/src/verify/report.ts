/**
 * The verification report: data, never exceptions, for every outcome (STYLE.md: outcomes are
 * values). Indications follow ETSI EN 319 102-1 §5.1.3.
 */
import type { ModificationLevel, ObjectChange, RevisionChanges } from './modifications.js';

/** ETSI main indication. */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** ETSI sub-indications Signet uses (EN 319 102-1 §5.1.3, Table 4–6), plus MODIFIED_AFTER_SIGNING. */
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'REVOKED_NO_POE'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'MODIFIED_AFTER_SIGNING';

/** A certificate as the report shows it. */
export interface CertificateSummary {
  subject: string;
  commonName?: string;
  organization?: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
}

/** The embedded signature time-stamp, or the document time-stamp itself. */
export interface TimestampSummary {
  time: string;
  valid: boolean;
  trusted: boolean;
  authority?: string;
  problems: string[];
}

/** Everything known about one signature or document time-stamp. */
export interface SignatureReport {
  /** 1-based, in AcroForm order. */
  index: number;
  type: 'signature' | 'doc-timestamp';
  fieldName: string;
  subFilter: string;
  /** 1-based page of the widget, or null when not on a page. */
  page: number | null;
  /** Widget position as fractions of the page (x, y from the bottom-left), when visible. */
  position?: { x: number; y: number; w: number; h: number };
  visible: boolean;
  /**
   * Every widget of the field, when it has more than one (a cross-page seal has one slice per page):
   * its page and position. Still one signature.
   */
  widgets?: { page: number | null; position?: { x: number; y: number; w: number; h: number } }[];
  signer?: CertificateSummary;
  /** The claimed signing time (/M). */
  claimedTime?: string;
  reason?: string;
  location?: string;
  /** The revision this signature closes (1-based) and the file's revision count. */
  revision: number;
  revisionCount: number;
  byteRange: number[];
  coversWholeDocument: boolean;
  integrity: { byteRangeValid: boolean; digestMatches: boolean; signatureValid: boolean; algorithm?: string };
  timestamp?: TimestampSummary;
  certificate: { trusted: boolean; chain: CertificateSummary[]; problems: string[]; revocation: { subject: string; status: string; source?: string }[] };
  /** LTV: revocation data for every certificate of the signer's and the time-stamp's chains is embedded. */
  ltv: boolean;
  /** DocMDP P when this signature certifies the document. */
  certification?: { p: 1 | 2 | 3; description: string };
  /** Changes made after this signature, by later revision. */
  modifications: { level: ModificationLevel; allowed: boolean; disallowed: ObjectChange[]; revisions: RevisionChanges[] };
  padesLevel: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA' | 'none';
  indication: Indication;
  subIndication?: SubIndication;
  problems: string[];
}

/** The report for a whole file. */
export interface VerificationReport {
  /** True only when every signature is TOTAL_PASSED and nothing illegal changed after any of them. */
  valid: boolean;
  /** Adobe-style one-line verdict. */
  summary: string;
  summaryZh: string;
  fileSha256: string;
  fileSize: number;
  revisionCount: number;
  signatureCount: number;
  certified?: { p: 1 | 2 | 3; by?: string };
  signatures: SignatureReport[];
  verifiedAt: string;
}
