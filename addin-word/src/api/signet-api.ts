/**
 * What the task pane needs from a Signet server, as one interface: sessions, the template and
 * clause library, files, contracts (create with anchors and send, track, remind, download, the
 * evidence package), seals and saved signatures, the willingness check and signing, templates,
 * and verification.
 *
 * `HttpSignetApi` implements it over the server's REST API (`docs/api-surface.md`), `FakeSignetApi`
 * in memory for tests. The shapes are the parts of the server's views that the task pane uses
 * (`ContractView`, `ContractSigner`, `Seal`, `SavedMark`, `WillingnessChallenge`,
 * `VerificationReport` in `/api/v1/openapi.json`), which are not in core's browser-safe
 * `contracts` subpath.
 */

/** A contract's state (core/workflow `ContractState`). */
export type ContractState = 'draft' | 'signing' | 'completed' | 'rejected' | 'revoked' | 'expired' | 'invalidated';

/** A signer's state (core/workflow `SignerState`). */
export type SignerState = 'unread' | 'read' | 'signed' | 'rejected';

/** A willingness check method (core/identity `WillingnessOption`). */
export type WillingnessMethod = 'sms_otp' | 'password' | 'face';

/** Every willingness method, in the order the send form offers them. */
export const WILLINGNESS_METHODS: readonly WillingnessMethod[] = ['sms_otp', 'password', 'face'];

/** The willingness methods the task pane can answer itself (face needs the phone's camera and SDK). */
export const TASKPANE_METHODS: readonly WillingnessMethod[] = ['sms_otp', 'password'];

/** A PAdES baseline level the server can sign at (ETSI EN 319 142-1 §6). */
export type SigningLevel = 'B-T' | 'B-LT' | 'B-LTA';

/** A contract list of `GET /contracts?box=` (core/workflow `ListBox`). */
export type ContractBox = 'inbox' | 'outbox' | 'drafts' | 'todo' | 'waiting' | 'company_todo';

/** The signed-in person. */
export interface UserView {
  id: string;
  name: string;
  /** Masked, e.g. 185****5544. */
  mobileMasked?: string;
  /** Whether a signing password is set (the willingness check by password needs one). */
  hasSigningPassword?: boolean;
}

/** The enterprise the session acts for. */
export interface EnterpriseView {
  id: string;
  name: string;
  /** My roles in it, e.g. `super_admin`. */
  roles: string[];
}

/** A live session. */
export interface SessionInfo {
  user: UserView;
  enterprise?: EnterpriseView;
  /** Echoed in `X-CSRF-Token` on unsafe requests made with the cookie. */
  csrfToken: string;
  /**
   * The session token, from the login only: sent as `Authorization: Session <token>` where the
   * cookie is not (Word on the web shows the task pane in a third-party iframe).
   */
  sessionToken?: string;
  expiresAt?: string;
}

/** The credentials the task pane adopts from the login dialog. */
export interface SessionCredentials {
  csrfToken: string;
  sessionToken?: string;
}

/** A template in the enterprise's library. */
export interface TemplateSummary {
  id: string;
  name: string;
  /** The variable names the template fills. */
  variables: string[];
  /** The roles that sign it. */
  roles: string[];
  createdAt?: string;
}

/** A clause in the enterprise's clause library. */
export interface Clause {
  id: string;
  title: string;
  category?: string;
  /** The server keeps simple HTML; Flat OPC OOXML is for clauses made inside the add-in's tests. */
  format: 'ooxml' | 'html';
  content: string;
}

/** A PDF stored on the server (`POST /files`). */
export interface UploadedFile {
  fileId: string;
  name: string;
  pages: number;
  /** Hex SHA-256 of the bytes, as the server computed it. */
  sha256: string;
  size: number;
}

/**
 * A place a party marker puts in the PDF: `signet:sign:<role>` or `signet:seal:<role>` (and
 * `signet:date:<role>`, which the server does not fill yet).
 */
export interface AnchorField {
  kind: 'signature' | 'seal' | 'date';
  role: string;
  anchorText: string;
}

/** A signer as the sender enters them. */
export interface SignerDraft {
  /** A person signs with their own certificate; an organization with its seal, through a member holding a grant. */
  kind: 'person' | 'organization';
  /** The person's name, or the organization's name. */
  name: string;
  /** Persons: where the invitation and SMS codes go. Organizations: the operator's mobile for the invitation (optional). */
  mobile: string;
  /** The role of their markers in the document (e.g. `partyA`): the server turns those markers into their fields. */
  role: string;
  /** 1-based step: signers of step N+1 sign after every signer of step N; equal steps sign in parallel. */
  order: number;
  /** Organizations: the Signet enterprise that signs. */
  enterpriseId?: string;
  /** Organizations: the seal that must be used (default: the operator chooses one they hold a grant for). */
  seal?: string;
  /** Persons: the platform user, when known (signing it myself). */
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
  /** The uploaded PDF. */
  fileId: string;
  fileName: string;
  signers: SignerDraft[];
  order: 'sequential' | 'parallel';
  /** ISO 8601 signing deadline. */
  deadline?: string;
  policies: SendPolicies;
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
  /** Absent in list summaries. */
  step?: number;
  state: SignerState;
  /** The invitation account, masked. */
  accountMasked?: string;
  signedAt?: string;
  userId?: string;
  enterpriseId?: string;
  /** Organizations: the seal they must use. */
  seal?: string;
  /** The willingness methods their policy accepts (absent in list summaries). */
  methods?: WillingnessMethod[];
  handwriting?: SendPolicies['handwriting'];
}

/** A document of a contract (`d1`, `d2`, …). */
export interface DocumentView {
  id: string;
  name: string;
  pages: number;
  /** Signatures appended so far. */
  signatures: number;
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
  /** Absent in list summaries. */
  documents?: DocumentView[];
  /** What I may do now (`sign`, `remind`, `download`, …); absent in list summaries. */
  actions?: string[];
}

/** A seal of my enterprise (those I hold grants for, or all of them for seal admins). */
export interface SealView {
  id: string;
  name: string;
  category: string;
  enterpriseId: string;
  enabled: boolean;
  /** Path of its SVG on the server. */
  imageUrl: string;
}

/** A handwritten signature or personal seal I saved (`GET /me/signatures`). */
export interface SavedMark {
  id: string;
  kind: 'handwritten_signature' | 'personal_seal';
  label?: string;
  /** The mark as an SVG document. */
  svg: string;
}

/** A willingness challenge in progress. */
export interface WillingnessChallenge {
  challengeId: string;
  method: WillingnessMethod;
  /** Other methods the policy allows, to fall back to. */
  fallbacks: WillingnessMethod[];
  /** `sms_otp`: where the code went, masked. */
  maskedMobile?: string;
  expiresAt: string;
}

/** The answer to a challenge. */
export type WillingnessAnswer = { code: string } | { password: string };

/** Proof that the willingness check passed, consumed once per contract by its signature. */
export interface WillingnessProof {
  proofId: string;
}

/** What signing needs. */
export interface SignInput {
  /** Which signer I sign as (default: mine whose turn it is). */
  signerId?: string;
  proofId: string;
  /** Organizations: the seal to stamp with. */
  seal?: string;
  /** Persons: a saved mark drawn in the field (base64 of an SVG, PNG or JPEG). */
  handwriting?: { image: string };
}

/** A document published as a template. */
export interface CreateTemplateInput {
  name: string;
  fileId: string;
  /** The signature and seal places, found in the PDF by their anchor text. */
  fields: AnchorField[];
}

/** One signature in a verification report (the parts of core's `SignatureReport` the task pane shows). */
export interface VerifySignatureView {
  index: number;
  type: 'signature' | 'doc-timestamp';
  fieldName: string;
  page: number | null;
  /** The revision it signed (1-based). */
  revision?: number;
  signer?: { commonName?: string; organization?: string; subject: string };
  claimedTime?: string;
  timestamp?: { time: string; valid: boolean; trusted: boolean };
  coversWholeDocument: boolean;
  ltv: boolean;
  padesLevel: string;
  certification?: { p: 1 | 2 | 3 };
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
  /** Logs in with mobile number and password, asking for the session token as well as the cookie. */
  loginWithPassword(mobile: string, password: string): Promise<SessionInfo>;
  /** Sends a login code by SMS. */
  requestLoginOtp(mobile: string): Promise<{ expiresAt: string }>;
  /** Logs in with the SMS code, asking for the session token as well as the cookie. */
  loginWithOtp(mobile: string, code: string): Promise<SessionInfo>;
  /** Adopts the credentials of a session made elsewhere (the login dialog). */
  useSession(credentials: SessionCredentials): void;
  /** Ends the session on the server and forgets its credentials. */
  logout(): Promise<void>;

  /** The enterprise's templates, optionally filtered by name. */
  listTemplates(query?: string): Promise<TemplateSummary[]>;
  /** The clause library, optionally filtered by title or text. */
  listClauses(query?: string): Promise<Clause[]>;

  /** Stores a PDF (the server checks it) and returns its id. */
  uploadFile(pdf: Uint8Array, name: string): Promise<UploadedFile>;
  /** Creates a contract from an uploaded PDF; the server turns its party markers into fields. */
  createContract(input: CreateContractInput): Promise<ContractView>;
  /** One contract, with its documents and what I may do now. */
  getContract(contractId: string): Promise<ContractView>;
  /** A contract list, newest first (summaries: no documents, actions or steps). */
  listContracts(box: ContractBox, opts?: { limit?: number }): Promise<ContractView[]>;
  /** Reminds one signer, or all whose turn it is (fresh signing links go out). */
  remind(contractId: string, signerId?: string): Promise<void>;

  /** The seals of my enterprise I may see (those granted to me, or all for seal admins). */
  listSeals(): Promise<SealView[]>;
  /** My saved handwritten signatures and personal seals. */
  listMySignatures(): Promise<SavedMark[]>;
  /** Starts a willingness check for signing these contracts (an SMS check sends the code now). */
  startWillingness(contractIds: string[], method?: WillingnessMethod): Promise<WillingnessChallenge>;
  /** Answers the check with the SMS code or the signing password. */
  confirmWillingness(challengeId: string, answer: WillingnessAnswer): Promise<WillingnessProof>;
  /** Signs as me, in a new incremental revision of each document. */
  sign(contractId: string, input: SignInput): Promise<ContractView>;
  /** A completed document (NOT_COMPLETED before every party signed). */
  downloadDocument(contractId: string, docId: string): Promise<Uint8Array>;
  /** A document's current revision (signed so far). */
  previewDocument(contractId: string, docId: string): Promise<Uint8Array>;
  /** The evidence package (zip) of a completed contract. */
  downloadEvidence(contractId: string): Promise<Uint8Array>;

  /** Publishes an uploaded PDF with its signature and seal places as an enterprise template. */
  createTemplate(input: CreateTemplateInput): Promise<TemplateSummary>;
  /** Verifies a PDF's signatures. */
  verify(pdf: Uint8Array): Promise<VerifyReportView>;
}
