/**
 * What the task pane needs from a Signet server, as one interface: sessions, the template and
 * clause library, contracts (upload, create with anchors, send, track, remind, download,
 * evidence), signing with a willingness check, saving templates, and verification.
 *
 * `HttpSignetApi` implements it over the server's REST API (JSON under `/api/v1`); `FakeSignetApi`
 * in memory for tests. The shapes mirror core's workflow types (`ContractState`, `SignerState`,
 * `WillingnessMethod`, `AnchorSpec`) and the verifier's report, which are not yet in core's
 * browser-safe `contracts` subpath.
 */

/** A contract's state (core/workflow `ContractState`). */
export type ContractState = 'draft' | 'signing' | 'completed' | 'rejected' | 'revoked' | 'expired' | 'invalidated';

/** A signer's state (core/workflow `SignerState`). */
export type SignerState = 'unread' | 'read' | 'signed' | 'rejected';

/** A willingness check method (core/workflow `WillingnessMethod`). */
export type WillingnessMethod = 'sms_otp' | 'password' | 'face';

/** Every willingness method, in the order the send form offers them. */
export const WILLINGNESS_METHODS: readonly WillingnessMethod[] = ['sms_otp', 'password', 'face'];

/** A PAdES baseline level the server can sign at (ETSI EN 319 142-1 §6). */
export type SigningLevel = 'B-T' | 'B-LT' | 'B-LTA';

/** The signed-in person. */
export interface UserView {
  id: string;
  name: string;
  /** Masked, e.g. 185****5544. */
  mobileMasked?: string;
}

/** The enterprise the session acts for. */
export interface EnterpriseView {
  id: string;
  name: string;
}

/** A live session. */
export interface SessionInfo {
  user: UserView;
  enterprise?: EnterpriseView;
  /** Echoed in `X-CSRF-Token` on every unsafe request. */
  csrfToken: string;
  expiresAt?: string;
}

/** A template in the enterprise's library. */
export interface TemplateSummary {
  id: string;
  name: string;
  description?: string;
  /** The variable names the template fills. */
  variables: string[];
  /** The roles that sign it. */
  roles: string[];
  updatedAt?: string;
}

/** A clause in the enterprise's clause library. */
export interface Clause {
  id: string;
  title: string;
  category?: string;
  format: 'ooxml' | 'html';
  content: string;
}

/** A file stored on the server. */
export interface UploadedFile {
  fileId: string;
  /** Hex SHA-256 of the bytes, as the server computed it. */
  sha256: string;
  size: number;
  pages?: number;
}

/**
 * A field the server places by searching the PDF for `anchorText` (core/workflow `AnchorSpec`,
 * every occurrence), for the signer of `role`.
 */
export interface AnchorField {
  kind: 'signature' | 'seal' | 'date';
  role: string;
  anchorText: string;
}

/** A signer as the sender enters them. */
export interface SignerDraft {
  /** A person signs with their own signature; an organization with its seal, through a member. */
  kind: 'person' | 'organization';
  /** The person's name, or the organization's name. */
  name: string;
  /** The mobile number invitations and SMS codes go to (the operator's, for an organization). */
  mobile: string;
  /** The role their markers carry in the document (e.g. `partyA`). */
  role: string;
  /** 1-based step: signers of step N+1 sign after every signer of step N; equal steps sign in parallel. */
  order: number;
  /** Set when the signer is the signed-in user (signing it myself). */
  userId?: string;
}

/** How a contract is signed. */
export interface SendPolicies {
  /** Accepted willingness methods, preferred first. */
  willingness: WillingnessMethod[];
  /** DocMDP P of the certifying first signature (ISO 32000-1 §12.8.2.2), or none. */
  certify: 0 | 1 | 2 | 3;
  level: SigningLevel;
  /** Whether each signer must draw a handwritten signature. */
  handwriting: 'required' | 'optional' | 'forbidden';
}

/** What a contract is created with. */
export interface CreateContractInput {
  title: string;
  /** The uploaded document. */
  fileId: string;
  fileName: string;
  signers: SignerDraft[];
  fields: AnchorField[];
  order: 'sequential' | 'parallel';
  /** ISO 8601 signing deadline. */
  deadline?: string;
  policies: SendPolicies;
  /** The variable values the document was filled with, for the record. */
  variables: Record<string, string>;
  /** Send right away (otherwise a draft). */
  send: boolean;
  /** Idempotency key: creating again with the same key returns the same contract. */
  bizNo?: string;
}

/** A signer as the server reports them. */
export interface SignerView {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  role?: string;
  step: number;
  state: SignerState;
  accountMasked?: string;
  signedAt?: string;
  userId?: string;
}

/** A contract as lists and details show it. */
export interface ContractView {
  id: string;
  title: string;
  state: ContractState;
  createdAt: string;
  sentAt?: string;
  completedAt?: string;
  deadline?: string;
  signers: SignerView[];
}

/** A signature or seal the signed-in user may sign with. */
export interface SigningOption {
  id: string;
  /** `signature`: my own; `seal`: an enterprise seal I hold a grant for. */
  kind: 'signature' | 'seal';
  label: string;
  enterpriseName?: string;
  /** e.g. 合同专用章. */
  sealType?: string;
}

/** A willingness challenge in progress (an SMS code sent). */
export interface WillingnessChallenge {
  challengeId: string;
  method: WillingnessMethod;
  /** Where the code went, masked. */
  maskedMobile?: string;
  expiresAt: string;
}

/** Proof that the willingness check passed, consumed by one signature. */
export interface WillingnessProof {
  proofId: string;
}

/** What signing needs. */
export interface SignInput {
  /** Which signer I sign as (default: the one I may sign for now). */
  signerId?: string;
  /** A {@link SigningOption} id. */
  optionId: string;
  proofId: string;
}

/** A document published as a template. */
export interface CreateTemplateInput {
  name: string;
  description?: string;
  fileId: string;
  variables: string[];
  fields: AnchorField[];
}

/** One signature in a verification report (the parts of core's `SignatureReport` the task pane shows). */
export interface VerifySignatureView {
  index: number;
  type: 'signature' | 'doc-timestamp';
  fieldName: string;
  page: number | null;
  signer?: { commonName?: string; organization?: string; subject: string };
  claimedTime?: string;
  timestamp?: { time: string; valid: boolean; trusted: boolean };
  coversWholeDocument: boolean;
  ltv: boolean;
  padesLevel: string;
  certification?: { p: 1 | 2 | 3; description: string };
  indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  subIndication?: string;
  problems: string[];
}

/** A verification report (the parts of core's `VerificationReport` the task pane shows). */
export interface VerifyReportView {
  valid: boolean;
  summary: string;
  summaryZh: string;
  fileSha256: string;
  revisionCount: number;
  signatureCount: number;
  signatures: VerifySignatureView[];
}

/** The Signet server, as the task pane uses it. Every method throws `AddinError` with the server's code. */
export interface SignetApi {
  /** The server's base URL, without a trailing slash. */
  readonly baseUrl: string;

  /** The current session, or undefined when not logged in (or it expired). */
  session(): Promise<SessionInfo | undefined>;
  /** Logs in with mobile number and password; the server sets the session cookie. */
  loginWithPassword(mobile: string, password: string): Promise<SessionInfo>;
  /** Sends a login code by SMS. */
  requestLoginOtp(mobile: string): Promise<{ expiresAt: string }>;
  /** Logs in with the SMS code. */
  loginWithOtp(mobile: string, code: string): Promise<SessionInfo>;
  /** Adopts the CSRF token of a session made elsewhere (the login dialog). */
  useCsrfToken(token: string): void;
  /** Ends the session. */
  logout(): Promise<void>;

  /** The enterprise's templates, optionally filtered by name. */
  listTemplates(query?: string): Promise<TemplateSummary[]>;
  /** The clause library, optionally filtered by title. */
  listClauses(query?: string): Promise<Clause[]>;

  /** Stores a document (PDF or DOCX) and returns its id. */
  uploadFile(bytes: Uint8Array, meta: { name: string; format: 'pdf' | 'docx' }): Promise<UploadedFile>;
  /** Creates a contract from an uploaded file; the server turns the anchors into fields. */
  createContract(input: CreateContractInput): Promise<ContractView>;
  /** Sends a draft contract to its signers. */
  sendContract(contractId: string): Promise<ContractView>;
  /** One contract. */
  getContract(contractId: string): Promise<ContractView>;
  /** My most recent contracts (sent by me, or waiting for me), newest first. */
  listMyContracts(opts?: { limit?: number }): Promise<ContractView[]>;
  /** Sends a signer a reminder. */
  remind(contractId: string, signerId: string): Promise<void>;

  /** The signatures and granted seals I may sign with. */
  listSigningOptions(): Promise<SigningOption[]>;
  /** Starts a willingness check for signing as `signerId` (sends the SMS code). */
  requestWillingness(contractId: string, signerId: string, method?: WillingnessMethod): Promise<WillingnessChallenge>;
  /** Completes the willingness check with the code. */
  confirmWillingness(challengeId: string, code: string): Promise<WillingnessProof>;
  /** Signs, in a new incremental revision of the contract's PDF. */
  sign(contractId: string, input: SignInput): Promise<ContractView>;
  /** The signed PDF (its newest revision; complete once every signer signed). */
  downloadSigned(contractId: string): Promise<Uint8Array>;
  /** The evidence package (zip), once the contract is complete. */
  downloadEvidence(contractId: string): Promise<Uint8Array>;
  /** A URL a browser can open to download the signed PDF (after logging in there). */
  signedPdfUrl(contractId: string): string;

  /** Publishes a document as an enterprise template. */
  createTemplate(input: CreateTemplateInput): Promise<TemplateSummary>;
  /** Verifies a PDF's signatures. */
  verify(pdf: Uint8Array): Promise<VerifyReportView>;
}
