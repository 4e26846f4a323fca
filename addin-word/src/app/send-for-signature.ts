/**
 * Sending the open document for signature: check the signers against the document's markers,
 * export it as PDF (a Word that exports only DOCX is refused, before any upload: the server signs
 * PDFs only), upload it, create the contract with a signer per role and send it, then remember the
 * contract id in the document. The server turns each `signet:sign:<role>` / `signet:seal:<role>`
 * marker in the PDF into a field of the signer with that role.
 */
import { AddinError } from '../addin-error.js';
import type { ContractView, SendPolicies, SignerDraft } from '../api/signet-api.js';
import type { MessageKey } from '../i18n/i18n.js';
import { ROLE_PATTERN } from '../office/signet-tag.js';
import type { AppDeps } from './app-deps.js';
import { rememberContract } from './contract-ids.js';
import { readOutline, type DocumentOutline } from './document-outline.js';
import { exportPdf } from './export-pdf.js';

/** Mainland China mobile numbers (11 digits, 1[3-9]…), the numbers SMS codes can reach. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;

/** One problem with the send form, for the field it concerns. */
export interface FormProblem {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** The signer's index, for signer fields. */
  signer?: number;
  field?: 'name' | 'mobile' | 'role' | 'order' | 'enterprise' | 'deadline' | 'title' | 'signers' | 'willingness';
  /** Errors block sending; warnings are shown and allow it. */
  severity: 'error' | 'warning';
}

/** What the send form holds. */
export interface SendRequest {
  title: string;
  signers: SignerDraft[];
  /** ISO 8601; must be in the future. */
  deadline?: string;
  policies: SendPolicies;
}

/** The outcome of a send. */
export interface SendOutcome {
  contract: ContractView;
  /** The contract ids now kept in the document. */
  rememberedIds: string[];
}

/** The policies the send form starts with: SMS code or password, B-LT, no certification. */
export const DEFAULT_POLICIES: SendPolicies = { willingness: ['sms_otp', 'password'], certify: 0, level: 'B-LT', handwriting: 'optional' };

/** Checks the form against the document's markers; an empty list means it can be sent. */
export function checkSendRequest(req: SendRequest, outline: DocumentOutline, now: Date = new Date()): FormProblem[] {
  const problems: FormProblem[] = [];
  const err = (p: Omit<FormProblem, 'severity'>) => problems.push({ ...p, severity: 'error' });
  if (!req.title.trim()) err({ key: 'problem.titleRequired', field: 'title' });
  if (req.signers.length === 0) err({ key: 'problem.noSigners', field: 'signers' });
  const roles = new Map<string, number>();
  req.signers.forEach((s, i) => {
    if (!s.name.trim()) err({ key: 'problem.nameRequired', signer: i, field: 'name' });
    // An organization's mobile is its operator's, for the invitation; a person's is required.
    if ((s.kind === 'person' || s.mobile.trim()) && !MOBILE_PATTERN.test(s.mobile.trim())) err({ key: 'problem.mobileInvalid', signer: i, field: 'mobile' });
    if (s.kind === 'organization' && !s.enterpriseId?.trim()) err({ key: 'problem.enterpriseRequired', signer: i, field: 'enterprise' });
    if (!ROLE_PATTERN.test(s.role)) err({ key: 'problem.roleInvalid', signer: i, field: 'role' });
    else if (roles.has(s.role)) err({ key: 'problem.roleTaken', params: { role: s.role }, signer: i, field: 'role' });
    else roles.set(s.role, i);
    if (!Number.isInteger(s.order) || s.order < 1 || s.order > 50) err({ key: 'problem.orderInvalid', signer: i, field: 'order' });
    if (ROLE_PATTERN.test(s.role) && !outline.roles.includes(s.role)) {
      problems.push({ key: 'problem.roleUnmarked', params: { role: s.role }, signer: i, field: 'role', severity: 'warning' });
    }
  });
  for (const role of outline.roles) {
    if (!roles.has(role)) err({ key: 'problem.markerWithoutSigner', params: { role }, field: 'signers' });
  }
  if (req.deadline !== undefined) {
    const t = Date.parse(req.deadline);
    if (!Number.isFinite(t) || t <= now.getTime()) err({ key: 'problem.deadlinePast', field: 'deadline' });
  }
  if (req.policies.willingness.length === 0) err({ key: 'problem.willingnessRequired', field: 'willingness' });
  return problems;
}

/**
 * Sends the document. Throws INVALID_ARGUMENT (with `details.problems`) when the form has errors,
 * before anything is exported or uploaded.
 */
export async function sendForSignature(deps: AppDeps, req: SendRequest, now: Date = new Date()): Promise<SendOutcome> {
  const outline = await readOutline(deps.gateway);
  const problems = checkSendRequest(req, outline, now).filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    throw new AddinError('INVALID_ARGUMENT', `发送表单有 ${problems.length} 处需要修改。The send form has ${problems.length} problem(s) to fix.`, { details: { problems } });
  }
  const exported = await exportPdf(deps.gateway);
  const title = req.title.trim();
  const fileName = `${title}.pdf`;
  const file = await deps.api.uploadFile(exported.bytes, fileName);
  const signers = req.signers.map((s): SignerDraft => ({
    ...s, name: s.name.trim(), mobile: s.mobile.trim(),
    ...(s.enterpriseId ? { enterpriseId: s.enterpriseId.trim() } : {}),
  }));
  const contract = await deps.api.createContract({
    title,
    fileId: file.fileId,
    fileName,
    signers,
    order: new Set(signers.map((s) => s.order)).size > 1 ? 'sequential' : 'parallel',
    ...(req.deadline ? { deadline: new Date(req.deadline).toISOString() } : {}),
    policies: req.policies,
    send: true,
  });
  const rememberedIds = await rememberContract(deps.gateway, contract.id);
  return { contract, rememberedIds };
}
