/**
 * The console's client of the Signet API (docs/api-surface.md): session login (password or SMS
 * code), the session's CSRF token on every unsafe call, and one typed method per route the console
 * uses. Types come from the server's own route modules where they export them (type-only imports:
 * nothing of the server is bundled); the others mirror the OpenAPI schemas.
 */
import type { BoxCounts, ContractSummary, TemplateDefinition, TemplateVariable } from '@signet/core';
import type { SessionView } from '../../src/http/routes/auth-routes.js';
import type { ContractView, CreateContractBody, LinkView } from '../../src/http/routes/contract-routes.js';
import type { CertificateView } from '../../src/http/routes/identity-routes.js';
import type { SealView } from '../../src/http/routes/seal-routes.js';
import type { ContractStats } from '../../src/http/routes/stats-routes.js';
import type { TemplateSummaryView } from '../../src/http/routes/template-routes.js';
import type { ChallengeView, ProofView } from '../../src/http/routes/willingness-routes.js';
import { ApiClient, ApiError, type Download } from '../shared/api-client.js';
import type { InkStroke } from '../shared/ink.js';

export type { BoxCounts, ContractSummary, TemplateDefinition, TemplateVariable } from '@signet/core';
export type { SessionView } from '../../src/http/routes/auth-routes.js';
export type { ContractView, CreateContractBody, LinkView, SignerView, FieldView } from '../../src/http/routes/contract-routes.js';
export type { CertificateView } from '../../src/http/routes/identity-routes.js';
export type { SealView } from '../../src/http/routes/seal-routes.js';
export type { ContractStats, StatsDay } from '../../src/http/routes/stats-routes.js';
export type { TemplateSummaryView } from '../../src/http/routes/template-routes.js';
export type { ChallengeView, ProofView } from '../../src/http/routes/willingness-routes.js';

/** A contract list of the console (the API's `box`). */
export type Box = 'inbox' | 'outbox' | 'drafts' | 'all' | 'todo' | 'waiting' | 'deadline' | 'expiry' | 'company_todo';

/** Every list, in the order the console shows them. */
export const BOXES: readonly Box[] = ['todo', 'company_todo', 'waiting', 'inbox', 'outbox', 'drafts', 'deadline', 'expiry', 'all'];

/** A contract state. */
export type ContractState = ContractView['state'];

/** The enterprise roles, most powerful first. */
export const ROLES = ['super_admin', 'system_admin', 'seal_admin', 'template_admin', 'member'] as const;

/** An enterprise role. */
export type Role = (typeof ROLES)[number];

/** A real-name status. */
export interface RealNameStatus {
  status: 'unverified' | 'pending' | 'verified';
  method?: string;
  verifiedAt?: string;
  verificationId?: string;
}

/** `GET /me`. */
export interface MeView {
  user: { id: string; name?: string; mobileMasked: string; idNumberMasked?: string; realName: RealNameStatus; hasLoginPassword: boolean; hasSigningPassword: boolean; createdAt: string };
  memberships: { enterpriseId: string; enterpriseName: string; roles: string[]; joinedAt: string }[];
  currentEnterprise?: { id: string; name: string; realName: RealNameStatus; roles?: string[] };
  actor: SessionView['actor'];
}

/** An enterprise. */
export interface EnterpriseView {
  id: string;
  name: string;
  uscc: string;
  legalRepresentative: string;
  parentId?: string;
  realName: RealNameStatus;
  createdAt: string;
}

/** A member with roles. */
export interface MemberView {
  userId: string;
  name?: string;
  mobileMasked: string;
  roles: string[];
  realNameStatus: RealNameStatus['status'];
  joinedAt: string;
}

/** An invitation (its token goes by SMS only). */
export interface InvitationView {
  id: string;
  enterpriseId: string;
  mobileMasked: string;
  name?: string;
  roles: string[];
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt: string;
  delivered?: boolean;
}

/** An external contact. */
export interface ContactView {
  id: string;
  ownerEnterpriseId: string;
  kind: 'person' | 'enterprise';
  name: string;
  mobileMasked?: string;
  uscc?: string;
  status: 'active' | 'pending' | 'approved' | 'rejected';
  rejectReason?: string;
  createdAt: string;
}

/** A real-name verification. */
export interface VerificationView {
  id: string;
  subjectKind: 'person' | 'enterprise';
  subjectId: string;
  method: 'phone3' | 'bank4' | 'face' | 'legal_rep_phone' | 'micro_transfer' | 'authorization_letter';
  status: 'awaiting_otp' | 'awaiting_transfer' | 'awaiting_review' | 'passed' | 'failed' | 'expired';
  next?: 'enter_code' | 'report_transfer' | 'wait_for_review';
  mobileMasked?: string;
  attemptsLeft?: number;
  createdAt: string;
  expiresAt: string;
  passedAt?: string;
  failedReason?: string;
}

/** A seal grant. */
export interface GrantView {
  id: string;
  sealId: string;
  userId: string;
  userName?: string;
  grantedBy: string;
  grantedAt: string;
  expiresAt?: string;
  revokedAt?: string;
  active: boolean;
}

/** A standing auto-stamp authorization. */
export interface AuthorizationView {
  id: string;
  sealId: string;
  scope: { appIds?: string[]; templateIds?: string[]; senders?: string[] };
  grantedBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  purpose?: string;
  active: boolean;
}

/** One seal use (用印记录). */
export interface LedgerEntryView {
  id: string;
  enterpriseId: string;
  sealId: string;
  sealName: string;
  contractId: string;
  contractTitle: string;
  documents: { id: string; sha256: string }[];
  operator: { kind: 'user' | 'integrator' | 'system' | 'signer'; id: string };
  authority?: { kind: string; [k: string]: unknown };
  at: string;
  outcome: 'stamped' | 'refused';
  reason?: string;
}

/** The filters of the seal ledger. */
export interface LedgerQuery {
  seal?: string;
  contractId?: string;
  /** ISO 8601 times. */
  from?: string;
  to?: string;
}

/** A seal spec (`SealSpec` of the API), as the generator form edits it. */
export interface SealSpecInput {
  type: 'round' | 'oval' | 'square' | 'date';
  name?: string;
  sealType?: string;
  code?: string;
  taxNumber?: string;
  text?: string;
  bottomText?: string;
  date?: string;
  layout?: 'grid' | 'row';
  style?: 'yang' | 'yin';
  innerBorder?: boolean;
  color?: string;
}

/** A seal's category. */
export type SealCategory = SealView['category'];

/** A template with its definition and variables. */
export interface TemplateDetailView extends Omit<TemplateSummaryView, 'variables'> {
  variables: TemplateVariable[];
  definition: TemplateDefinition;
  pdfUrl: string;
}

/** A bundle (合同组合). */
export interface BundleView {
  id: string;
  name: string;
  templateIds: string[];
  templates?: TemplateSummaryView[];
  variables?: TemplateVariable[];
  roles?: string[];
  createdAt: string;
  createdBy: string;
}

/** An uploaded file. */
export interface UploadedFileView {
  fileId: string;
  name: string;
  pages: number;
  sha256: string;
  size: number;
  createdAt: string;
}

/** One event of a contract's audit chain. */
export interface AuditEventView {
  seq: number;
  type: string;
  at: string;
  subject?: string;
  actor?: { kind?: string; id?: string; ip?: string; name?: string };
  data?: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/** An integrator app. */
export interface AppView {
  appId: string;
  enterpriseId: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
  /** Only in the answer that made or rotated it. */
  secret?: string;
}

/** A webhook subscription. */
export interface WebhookView {
  id: string;
  enterpriseId: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One webhook delivery with its attempts. */
export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: { attempt: number; at: string; outcome: 'delivered' | 'failed' | 'timeout' | 'error'; responseCode?: number; durationMs: number; error?: string; nextAttemptAt?: string }[];
  createdAt: string;
  deliveredAt?: string;
}

/** An HR import batch (connector-hr). */
export interface HrBatchView {
  id: string;
  mapping: { name: string; bundleId: string; seal: 'before' | 'after' | 'manual'; id?: string };
  period?: string;
  source: { kind: 'csv' | 'json' | 'corehr'; name?: string; sha256?: string; encoding?: string; rows: number };
  state: 'queued' | 'running' | 'done' | 'failed';
  interrupted: boolean;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
  done: number;
  counts: { created: number; sent: number; stamped: number; failed: number; skipped: number };
  problems: { row?: number; line?: number; column?: string; variable?: string; code: string; message: string }[];
  problemCount: number;
  notices: string[];
  error?: string;
  ratePerSecond?: number;
}

/** One employee of an HR batch. */
export interface HrLaunchView {
  row?: number;
  employeeKey: string;
  name: string;
  mobile: string;
  bizNo: string;
  contractId?: string;
  status: 'failed' | 'draft' | 'awaiting_company' | 'awaiting_employee' | 'completed' | 'rejected' | 'revoked' | 'expired' | 'invalidated';
  statusText: string;
  completedAt?: string;
  reason?: string;
}

/** A page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  next?: number;
}

/** The list query of `GET /contracts`. */
export interface ContractQuery {
  box: Box;
  title?: string;
  sender?: string;
  signer?: string;
  status?: ContractState;
  label?: string;
  limit?: number;
  offset?: number;
}

/** One result of `POST /contracts/batch`. */
export interface BatchResult {
  contractId: string;
  ok: boolean;
  code?: string;
  message?: string;
  state?: ContractState;
  documents?: { docId: string; name: string; path: string }[];
}

const enc = encodeURIComponent;

/** `?a=1&b=2` from the defined values of `q` (empty when none). */
export function queryString(q: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(q).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${enc(k)}=${enc(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Answers for logged-out callers: login and the session. */
export class AuthApi {
  private readonly api = new ApiClient({ kind: 'none' });

  /** The current session, or undefined when there is none (401). */
  async session(): Promise<SessionView | undefined> {
    try {
      return await this.api.json<SessionView>('GET', '/auth/session');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.code === 'AUTH_REQUIRED')) return undefined;
      throw e;
    }
  }

  /** Logs in with mobile and password. */
  loginWithPassword(mobile: string, password: string): Promise<SessionView> {
    return this.api.json('POST', '/auth/login/password', { mobile, password });
  }

  /** Sends a login code by SMS. */
  sendLoginCode(mobile: string): Promise<{ expiresAt: string }> {
    return this.api.json('POST', '/auth/otp', { mobile });
  }

  /** Logs in with mobile and SMS code. */
  loginWithCode(mobile: string, code: string): Promise<SessionView> {
    return this.api.json('POST', '/auth/login/otp', { mobile, code });
  }
}

/** The console's calls, authenticated by the session cookie and its CSRF token. */
export class ConsoleApi {
  private readonly api: ApiClient;

  constructor(readonly session: SessionView) {
    this.api = new ApiClient({ kind: 'session', csrfToken: session.csrfToken });
  }

  /** The enterprise the session acts for. */
  get enterpriseId(): string | undefined {
    return this.session.enterpriseId;
  }

  // ------------------------------------------------------------ session and me

  /** Ends the session. */
  logout(): Promise<void> {
    return this.api.json('POST', '/auth/logout');
  }

  /** Acts for another enterprise: the new session view. */
  switchEnterprise(enterpriseId: string): Promise<SessionView> {
    return this.api.json('PUT', '/auth/session', { enterpriseId });
  }

  /** Me: memberships, real-name status, signing password. */
  me(): Promise<MeView> {
    return this.api.json('GET', '/me');
  }

  /** Sets or changes the signing password. */
  setSigningPassword(newPassword: string, currentPassword?: string): Promise<void> {
    return this.api.json('PUT', '/me/signing-password', { newPassword, ...(currentPassword ? { currentPassword } : {}) });
  }

  /** My certificates, and my enterprise's for admins. */
  certificates(): Promise<{ items: CertificateView[] }> {
    return this.api.json('GET', '/certificates');
  }

  // ------------------------------------------------------------ contracts

  /** One page of a contract list. */
  contracts(q: ContractQuery, signal?: AbortSignal): Promise<{ items: ContractSummary[]; total: number }> {
    return this.api.json('GET', `/contracts${queryString({ ...q })}`, undefined, signal);
  }

  /** The count of every list. */
  counts(): Promise<BoxCounts> {
    return this.api.json('GET', '/contracts/counts');
  }

  /** The labels in use, most used first. */
  labels(): Promise<{ items: { label: string; count: number }[] }> {
    return this.api.json('GET', '/contracts/labels');
  }

  /** A contract with what I may do now. */
  contract(id: string): Promise<ContractView> {
    return this.api.json('GET', `/contracts/${enc(id)}`);
  }

  /** The audit timeline. */
  history(id: string): Promise<{ items: AuditEventView[] }> {
    return this.api.json('GET', `/contracts/${enc(id)}/history`);
  }

  /** Creates (and with `send: true` sends) a contract. */
  createContract(body: CreateContractBody): Promise<ContractView & { created: boolean; links: LinkView[] }> {
    return this.api.json('POST', '/contracts', body);
  }

  /** Sends a draft. */
  send(id: string): Promise<ContractView & { links: LinkView[] }> {
    return this.api.json('POST', `/contracts/${enc(id)}/send`);
  }

  /** Reminds one signer, or everyone whose turn it is. */
  remind(id: string, signerId?: string): Promise<ContractView & { links: LinkView[] }> {
    return this.api.json('POST', `/contracts/${enc(id)}/remind`, signerId ? { signerId } : {});
  }

  /** Revokes a draft or signing contract. */
  revoke(id: string, reason: string): Promise<ContractView> {
    return this.api.json('POST', `/contracts/${enc(id)}/revoke`, { reason });
  }

  /** Starts the invalidation agreement of a completed contract. */
  invalidate(id: string, reason: string): Promise<ContractView & { links: LinkView[] }> {
    return this.api.json('POST', `/contracts/${enc(id)}/invalidate`, { reason });
  }

  /** Moves the signing deadline. */
  extend(id: string, deadline: string): Promise<ContractView> {
    return this.api.json('POST', `/contracts/${enc(id)}/extend`, { deadline });
  }

  /** Locks and finishes a contract made with autoFinish: false. */
  finish(id: string): Promise<ContractView> {
    return this.api.json('POST', `/contracts/${enc(id)}/finish`);
  }

  /** Rejects as my signer (or my enterprise's). */
  reject(id: string, reason: string, signerId?: string): Promise<ContractView> {
    return this.api.json('POST', `/contracts/${enc(id)}/reject`, { reason, ...(signerId ? { signerId } : {}) });
  }

  /** Signs as my signer (or with my enterprise's seal) after a willingness check. */
  sign(id: string, body: { signerId?: string; proofId: string; seal?: string; strokes?: readonly InkStroke[] }): Promise<ContractView> {
    return this.api.json('POST', `/contracts/${enc(id)}/sign`, {
      proofId: body.proofId,
      ...(body.signerId ? { signerId: body.signerId } : {}),
      ...(body.seal ? { seal: body.seal } : {}),
      ...(body.strokes?.length ? { handwriting: { strokes: body.strokes } } : {}),
    });
  }

  /** Sets a contract's labels. */
  setLabels(id: string, labels: string[]): Promise<ContractView> {
    return this.api.json('PUT', `/contracts/${enc(id)}/labels`, { labels });
  }

  /** Remind, revoke, label or download several contracts. */
  batch(action: 'remind' | 'revoke' | 'label' | 'download', contractIds: string[], extra: { reason?: string; labels?: string[] } = {}): Promise<{ results: BatchResult[] }> {
    return this.api.json('POST', '/contracts/batch', { action, contractIds, ...extra });
  }

  /** The current revision of a document. */
  async preview(id: string, docId: string): Promise<ArrayBuffer> {
    return (await this.api.download(`/contracts/${enc(id)}/documents/${enc(docId)}/preview`)).bytes;
  }

  /** The completed PDF of a document. */
  download(id: string, docId: string): Promise<Download> {
    return this.api.download(`/contracts/${enc(id)}/documents/${enc(docId)}/download`);
  }

  /** A file the API names by path (batch downloads). */
  downloadPath(path: string): Promise<Download> {
    return this.api.download(path.replace(/^\/api\/v1/, ''));
  }

  /** The evidence package (zip). */
  evidence(id: string): Promise<Download> {
    return this.api.download(`/contracts/${enc(id)}/evidence`);
  }

  // ------------------------------------------------------------ willingness

  /** Starts a willingness check (`sms_otp` sends the code now). */
  startWillingness(contractId: string, method: 'sms_otp' | 'password'): Promise<ChallengeView> {
    return this.api.json('POST', '/willingness', { contractIds: [contractId], method });
  }

  /** Sends the code again: a fresh challenge. */
  resendWillingness(challengeId: string): Promise<ChallengeView> {
    return this.api.json('POST', `/willingness/${enc(challengeId)}/resend`);
  }

  /** Answers the check. */
  confirmWillingness(challengeId: string, answer: { code: string } | { password: string }): Promise<ProofView> {
    return this.api.json('POST', `/willingness/${enc(challengeId)}/confirm`, answer);
  }

  // ------------------------------------------------------------ files and templates

  /** Uploads a PDF. */
  uploadPdf(file: Blob, name: string): Promise<UploadedFileView> {
    return this.api.upload(`/files${queryString({ name })}`, file, 'application/pdf');
  }

  /** An uploaded file's bytes. */
  async file(fileId: string): Promise<ArrayBuffer> {
    return (await this.api.download(`/files/${enc(fileId)}`)).bytes;
  }

  /** The enterprise's templates. */
  templates(): Promise<Page<TemplateSummaryView>> {
    return this.api.json('GET', '/templates?limit=500');
  }

  /** A template with its variables. */
  template(id: string): Promise<TemplateDetailView> {
    return this.api.json('GET', `/templates/${enc(id)}`);
  }

  /** A template's base PDF. */
  async templatePdf(id: string): Promise<ArrayBuffer> {
    return (await this.api.download(`/templates/${enc(id)}/pdf`)).bytes;
  }

  /** Creates a template from an uploaded base PDF. */
  createTemplate(name: string, fileId: string, definition: Pick<TemplateDefinition, 'fields'> & Partial<TemplateDefinition>): Promise<TemplateDetailView> {
    return this.api.json('POST', '/templates', { name, fileId, definition });
  }

  /** Fills a template with sample values (overridden by `vars`). */
  async previewTemplate(id: string, vars: Record<string, unknown> = {}): Promise<ArrayBuffer> {
    const res = await this.api.download(`/templates/${enc(id)}/preview`, undefined, { method: 'POST', body: { vars } });
    return res.bytes;
  }

  /** The enterprise's bundles. */
  bundles(): Promise<Page<BundleView>> {
    return this.api.json('GET', '/bundles?limit=500');
  }

  /** A bundle with the union of its variables. */
  bundle(id: string): Promise<BundleView> {
    return this.api.json('GET', `/bundles/${enc(id)}`);
  }

  // ------------------------------------------------------------ seals

  /** The enterprise's seals (members: the ones granted to them). */
  seals(): Promise<Page<SealView>> {
    return this.api.json('GET', '/seals?limit=500');
  }

  /** Draws a spec as SVG without saving it. */
  async previewSeal(spec: SealSpecInput, signal?: AbortSignal): Promise<string> {
    const res = await this.api.download('/seals/preview', signal, { method: 'POST', body: { spec } });
    return new TextDecoder().decode(res.bytes);
  }

  /** Creates a generated seal. */
  createSeal(name: string, category: SealCategory, spec: SealSpecInput): Promise<SealView> {
    return this.api.json('POST', '/seals', { name, category, spec });
  }

  /** Creates a seal from an uploaded image (PNG, JPEG or SVG). */
  uploadSeal(file: File, name: string, category: SealCategory): Promise<SealView> {
    return this.api.upload(`/seals/upload${queryString({ name, category })}`, file, file.type || 'image/png');
  }

  /** Enables or disables a seal. */
  setSealEnabled(id: string, enabled: boolean): Promise<SealView> {
    return this.api.json('PUT', `/seals/${enc(id)}/enabled`, { enabled });
  }

  /** The grants of a seal. */
  grants(sealId: string): Promise<{ items: GrantView[] }> {
    return this.api.json('GET', `/seals/${enc(sealId)}/grants`);
  }

  /** Grants a seal to a member. */
  grant(sealId: string, userId: string, expiresAt?: string): Promise<GrantView> {
    return this.api.json('POST', `/seals/${enc(sealId)}/grants`, { userId, ...(expiresAt ? { expiresAt } : {}) });
  }

  /** Revokes a grant. */
  revokeGrant(sealId: string, grantId: string): Promise<void> {
    return this.api.json('DELETE', `/seals/${enc(sealId)}/grants/${enc(grantId)}`);
  }

  /** The standing auto-stamp authorizations of a seal. */
  authorizations(sealId: string): Promise<{ items: AuthorizationView[] }> {
    return this.api.json('GET', `/seals/${enc(sealId)}/authorizations`);
  }

  /** Adds a standing auto-stamp authorization. */
  authorize(sealId: string, body: { expiresAt: string; purpose?: string; scope?: AuthorizationView['scope'] }): Promise<AuthorizationView> {
    return this.api.json('POST', `/seals/${enc(sealId)}/authorizations`, body);
  }

  /** Revokes a standing authorization. */
  revokeAuthorization(sealId: string, authorizationId: string): Promise<void> {
    return this.api.json('DELETE', `/seals/${enc(sealId)}/authorizations/${enc(authorizationId)}`);
  }

  /** One page of the seal ledger. */
  ledger(q: LedgerQuery & { limit?: number; offset?: number }): Promise<Page<LedgerEntryView>> {
    return this.api.json('GET', `/seal-ledger${queryString({ ...q })}`);
  }

  /** The seal ledger as CSV (same filters). */
  ledgerCsv(q: LedgerQuery): Promise<Download> {
    return this.api.download(`/seal-ledger${queryString({ ...q, format: 'csv', limit: 500 })}`);
  }

  // ------------------------------------------------------------ enterprise, members, contacts, identity

  /** An enterprise. */
  enterprise(id: string): Promise<EnterpriseView> {
    return this.api.json('GET', `/enterprises/${enc(id)}`);
  }

  /** The enterprise's members. */
  members(enterpriseId: string): Promise<Page<MemberView>> {
    return this.api.json('GET', `/enterprises/${enc(enterpriseId)}/members?limit=500`);
  }

  /** Replaces a member's roles. */
  setRoles(enterpriseId: string, userId: string, roles: string[]): Promise<MemberView> {
    return this.api.json('PUT', `/enterprises/${enc(enterpriseId)}/members/${enc(userId)}`, { roles });
  }

  /** Removes a member. */
  removeMember(enterpriseId: string, userId: string): Promise<void> {
    return this.api.json('DELETE', `/enterprises/${enc(enterpriseId)}/members/${enc(userId)}`);
  }

  /** Invites a mobile number with roles. */
  invite(enterpriseId: string, body: { mobile: string; name?: string; roles: string[] }): Promise<InvitationView> {
    return this.api.json('POST', `/enterprises/${enc(enterpriseId)}/invitations`, body);
  }

  /** Accepts an invitation sent to my mobile. */
  acceptInvitation(token: string): Promise<MeView['memberships'][number]> {
    return this.api.json('POST', `/invitations/${enc(token)}/accept`);
  }

  /** External contacts. */
  contacts(): Promise<Page<ContactView>> {
    return this.api.json('GET', '/contacts?limit=500');
  }

  /** Adds an external person. */
  addPerson(name: string, mobile: string): Promise<ContactView> {
    return this.api.json('POST', '/contacts/persons', { name, mobile });
  }

  /** Adds an external enterprise (pending review). */
  addEnterprise(name: string, uscc: string): Promise<ContactView> {
    return this.api.json('POST', '/contacts/enterprises', { name, uscc });
  }

  /** Approves or rejects a pending external enterprise. */
  review(contactId: string, approve: boolean, reason?: string): Promise<ContactView> {
    return this.api.json('POST', `/contacts/enterprises/${enc(contactId)}/review`, { approve, ...(reason ? { reason } : {}) });
  }

  /** Starts my real-name verification. */
  verifyPerson(body: { name: string; idNumber: string; method: 'phone3' | 'bank4' | 'face'; bankCard?: string; faceToken?: string }): Promise<VerificationView> {
    return this.api.json('POST', '/identity/person', body);
  }

  /** Starts the enterprise's verification. */
  verifyEnterprise(body: Record<string, unknown>): Promise<VerificationView> {
    return this.api.json('POST', '/identity/enterprise', body);
  }

  /** A verification. */
  verification(id: string): Promise<VerificationView> {
    return this.api.json('GET', `/identity/verifications/${enc(id)}`);
  }

  /** Confirms a verification's SMS code. */
  verificationCode(id: string, code: string): Promise<VerificationView> {
    return this.api.json('POST', `/identity/verifications/${enc(id)}/code`, { code });
  }

  /** Reports the micro-transfer amount and remark. */
  verificationTransfer(id: string, amountFen: number, remark: string): Promise<VerificationView> {
    return this.api.json('POST', `/identity/verifications/${enc(id)}/transfer`, { amountFen, remark });
  }

  // ------------------------------------------------------------ apps and webhooks

  /** The integrator apps. */
  apps(): Promise<{ items: AppView[] }> {
    return this.api.json('GET', '/apps');
  }

  /** Creates an app: its secret is in this answer only. */
  createApp(name: string): Promise<AppView & { secret: string }> {
    return this.api.json('POST', '/apps', { name });
  }

  /** Disables or re-enables an app, or rotates its secret. */
  updateApp(appId: string, body: { status?: 'active' | 'disabled'; rotateSecret?: boolean }): Promise<AppView> {
    return this.api.json('PUT', `/apps/${enc(appId)}`, body);
  }

  /** The webhook subscriptions. */
  webhooks(): Promise<Page<WebhookView>> {
    return this.api.json('GET', '/webhooks?limit=500');
  }

  /** Subscribes a URL: the signing secret is in this answer only. */
  createWebhook(url: string, events: string[]): Promise<{ subscription: WebhookView; secret: string }> {
    return this.api.json('POST', '/webhooks', { url, events });
  }

  /** Changes or disables a subscription. */
  updateWebhook(id: string, body: { url?: string; events?: string[]; enabled?: boolean }): Promise<WebhookView> {
    return this.api.json('PUT', `/webhooks/${enc(id)}`, body);
  }

  /** A subscription's deliveries. */
  deliveries(id: string): Promise<{ items: DeliveryView[]; next?: string }> {
    return this.api.json('GET', `/webhooks/${enc(id)}/deliveries?limit=100`);
  }

  // ------------------------------------------------------------ statistics and HR

  /** Contracts sent, completed and rejected per day. */
  stats(days: number): Promise<ContractStats> {
    return this.api.json('GET', `/stats${queryString({ days, utcOffsetMinutes: -new Date().getTimezoneOffset() })}`);
  }

  /** The HR import batches, newest first; undefined when the HR connector is not mounted. */
  async hrBatches(): Promise<{ items: HrBatchView[] } | undefined> {
    try {
      return await this.api.json<{ items: HrBatchView[] }>('GET', '/hr/batches');
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** One HR batch. */
  hrBatch(id: string): Promise<HrBatchView> {
    return this.api.json('GET', `/hr/batches/${enc(id)}`);
  }

  /** Every employee of an HR batch. */
  hrLaunches(id: string): Promise<{ items: HrLaunchView[] }> {
    return this.api.json('GET', `/hr/batches/${enc(id)}/launches`);
  }
}
