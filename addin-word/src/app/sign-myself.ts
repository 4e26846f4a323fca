/**
 * Signing the open document myself: export it as PDF, create a one-signer contract for my role,
 * pass the willingness check (SMS code), sign with my signature or a seal I hold a grant for, and
 * fetch the signed PDF. Word cannot hold a signed PDF (saving the document again would produce a
 * new, unsigned file), so the signed PDF is opened or downloaded, never put back into Word.
 */
import { AddinError } from '../addin-error.js';
import type { ContractView, SessionInfo, SigningOption, WillingnessChallenge } from '../api/signet-api.js';
import type { AppDeps } from './app-deps.js';
import { rememberContract } from './contract-ids.js';
import { anchorFields, readOutline, variableValues } from './document-outline.js';
import { DEFAULT_POLICIES } from './send-for-signature.js';

/** A self-signing in progress: the contract, my signer in it, and the SMS challenge. */
export interface SelfSignStart {
  contract: ContractView;
  signerId: string;
  challenge: WillingnessChallenge;
}

/** The outcome: the completed contract and its signed PDF. */
export interface SelfSignResult {
  contract: ContractView;
  pdf: Uint8Array;
  fileName: string;
}

/** The signatures and seals I may use. */
export function signingOptions(deps: AppDeps): Promise<SigningOption[]> {
  return deps.api.listSigningOptions();
}

/**
 * Starts: needs a PDF export (a DOCX cannot be signed) and at least one marker of `role`.
 * Sends the SMS code and returns what {@link finishSelfSign} needs.
 */
export async function startSelfSign(deps: AppDeps, opts: { role: string; session: SessionInfo; mobile: string; title?: string }): Promise<SelfSignStart> {
  const outline = await readOutline(deps.gateway);
  const fields = anchorFields(outline).filter((f) => f.role === opts.role);
  if (fields.length === 0) {
    throw new AddinError('INVALID_ARGUMENT', `文档中没有角色 ${opts.role} 的签署位置，请先在“起草”中标记。The document has no marker for role ${opts.role}: mark where you sign in Draft first.`, { details: { field: 'role' } });
  }
  const exported = await deps.gateway.exportDocument();
  if (exported.format !== 'pdf') {
    throw new AddinError('OFFICE_UNSUPPORTED', '此版本的 Word 不能导出 PDF，无法签署。请使用 Windows、Mac 或网页版 Word。This Word cannot export PDF, and only a PDF can be signed: use Word on Windows, Mac or the web.');
  }
  const title = (opts.title ?? (await deps.gateway.documentTitle())).trim();
  const file = await deps.api.uploadFile(exported.bytes, { name: `${title}.pdf`, format: 'pdf' });
  const contract = await deps.api.createContract({
    title,
    fileId: file.fileId,
    fileName: `${title}.pdf`,
    signers: [{ kind: 'person', name: opts.session.user.name, mobile: opts.mobile, role: opts.role, order: 1, userId: opts.session.user.id }],
    fields,
    order: 'parallel',
    policies: { ...DEFAULT_POLICIES, willingness: ['sms_otp'] },
    variables: variableValues(outline),
    send: true,
  });
  await rememberContract(deps.gateway, contract.id);
  const me = contract.signers.find((s) => s.role === opts.role) ?? contract.signers[0];
  const challenge = await deps.api.requestWillingness(contract.id, me.id, 'sms_otp');
  return { contract, signerId: me.id, challenge };
}

/** Finishes: checks the code, signs with `optionId`, and downloads the signed PDF. */
export async function finishSelfSign(deps: AppDeps, start: SelfSignStart, opts: { code: string; optionId: string }): Promise<SelfSignResult> {
  const code = opts.code.trim();
  if (!/^\d{4,8}$/.test(code)) {
    throw new AddinError('INVALID_ARGUMENT', '请输入短信中的数字验证码。Enter the numeric code from the SMS.', { details: { field: 'code' } });
  }
  const { proofId } = await deps.api.confirmWillingness(start.challenge.challengeId, code);
  const contract = await deps.api.sign(start.contract.id, { signerId: start.signerId, optionId: opts.optionId, proofId });
  const pdf = await deps.api.downloadSigned(contract.id);
  return { contract, pdf, fileName: `${contract.title}（已签署 signed）.pdf` };
}
