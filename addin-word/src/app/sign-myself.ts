/**
 * Signing myself, from the task pane: a contract waiting for me (one sent from this document, or
 * in my to-sign lists), or this document signed by me alone right now. I sign with a seal of my
 * enterprise that I hold a grant for (an organization signer) or with my own signature (a
 * person: Signet's default appearance, or a handwritten signature or personal seal I saved), after
 * a willingness check by SMS code or signing password (PRC Electronic Signature Law art. 13, the
 * signer alone controls the signing data). The server appends each signature in its own
 * incremental revision; Word cannot hold the signed PDF (saving the document again makes a new,
 * unsigned file), so it is downloaded, never put back into Word.
 */
import { AddinError, isAddinError } from '../addin-error.js';
import {
  TASKPANE_METHODS, type ContractView, type SessionInfo, type SignerView, type WillingnessAnswer, type WillingnessChallenge, type WillingnessMethod,
} from '../api/signet-api.js';
import type { AppDeps } from './app-deps.js';
import { readContractIds, rememberContract } from './contract-ids.js';
import { anchorFields, readOutline } from './document-outline.js';
import { exportPdf } from './export-pdf.js';
import { DEFAULT_POLICIES } from './send-for-signature.js';
import type { Download } from './track-contracts.js';

/** Something I may sign with. */
export interface SigningChoice {
  /** `default`, `seal:<sealId>` or `mark:<markId>`. */
  id: string;
  /** `default`: Signet draws my generated personal seal with my name; `seal`: a seal of my enterprise; `mark`: a saved signature or personal seal. */
  kind: 'default' | 'seal' | 'mark';
  /** The seal's name or the mark's label ('' for `default`). */
  label: string;
  sealId?: string;
  /** `mark`: the image sent as the handwriting (base64 of SVG, PNG or JPEG). */
  image?: string;
}

/** Everything needed to sign one contract as one of my signers. */
export interface SigningPlan {
  contract: ContractView;
  signer: SignerView;
  choices: SigningChoice[];
  /** The willingness methods of the signer's policy that the task pane can answer, preferred first. */
  methods: WillingnessMethod[];
}

/** What signing produced. */
export interface SigningResult {
  contract: ContractView;
  /** True when every party has signed: the files are the completed PDFs. Otherwise they are signed so far. */
  completed: boolean;
  /** One PDF per document. */
  files: Download[];
}

/** True when `s` is mine: me as a person, or my current enterprise. */
function isMine(s: SignerView, session: SessionInfo): boolean {
  return s.kind === 'person' ? s.userId === session.user.id : !!session.enterprise && s.enterpriseId === session.enterprise.id;
}

/** My signer that still has to sign (the earliest step first), if any. */
export function mySigner(contract: ContractView, session: SessionInfo): SignerView | undefined {
  const pending = contract.signers.filter((s) => isMine(s, session) && (s.state === 'unread' || s.state === 'read'));
  return pending.sort((a, b) => (a.step ?? 0) - (b.step ?? 0))[0];
}

/**
 * The contracts waiting for my signature: those sent from this document where I may sign now
 * (first), then my to-sign lists (`todo` as a person, `company_todo` for my enterprise's seals).
 */
export async function contractsToSign(deps: AppDeps, session: SessionInfo): Promise<ContractView[]> {
  const ids = await readContractIds(deps.gateway);
  const [fromDocument, todo, company] = await Promise.all([
    Promise.all(ids.map((id) => deps.api.getContract(id).catch((e: unknown) => {
      if (isAddinError(e, 'NOT_FOUND', 'FORBIDDEN')) return undefined;
      throw e;
    }))),
    deps.api.listContracts('todo'),
    session.enterprise ? deps.api.listContracts('company_todo') : Promise.resolve([]),
  ]);
  const out: ContractView[] = [];
  const seen = new Set<string>();
  for (const c of [...fromDocument.filter((c): c is ContractView => !!c && !!c.actions?.includes('sign')), ...todo, ...company]) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out;
}

/** The image of a saved mark for `handwriting.image`: the PNG or JPEG inside a raster mark's SVG, else the SVG itself. */
export function markImage(svg: string): string {
  const raster = /<image\b[^>]*\bhref="data:image\/(?:png|jpeg);base64,([A-Za-z0-9+/=]+)"/.exec(svg);
  if (raster) return raster[1];
  let bin = '';
  for (const b of new TextEncoder().encode(svg)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Loads a contract and works out how I sign it: my signer, what I may sign with, and how I can
 * confirm. Throws CONTRACT_STATE when it is not being signed, FORBIDDEN when nothing in it is
 * mine to sign, SIGNER_OUT_OF_TURN before my turn, SEAL_NOT_GRANTED when my enterprise signs and
 * I hold no usable seal, and INVALID_ARGUMENT when the policy accepts only checks the task pane
 * cannot run (face).
 */
export async function planSigning(deps: AppDeps, session: SessionInfo, contractId: string): Promise<SigningPlan> {
  const contract = await deps.api.getContract(contractId);
  if (contract.state !== 'signing') {
    throw new AddinError('CONTRACT_STATE', `合同“${contract.title}”不在签署中。The contract "${contract.title}" is not being signed (${contract.state}).`);
  }
  const signer = mySigner(contract, session);
  if (!signer) throw new AddinError('FORBIDDEN', `合同“${contract.title}”中没有待您签署的位置。Nothing in "${contract.title}" is yours to sign.`);
  if (!contract.actions?.includes('sign')) {
    throw new AddinError('SIGNER_OUT_OF_TURN', '还未轮到您签署，请等前面的签署方签完。It is not your turn to sign yet: the earlier signers sign first.');
  }
  const methods = (signer.methods ?? DEFAULT_POLICIES.willingness).filter((m) => TASKPANE_METHODS.includes(m));
  if (methods.length === 0) {
    throw new AddinError('INVALID_ARGUMENT', '此签署方须刷脸认证，任务窗格无法完成，请在手机上打开签署链接。This signer must confirm by face, which the task pane cannot do: open the signing link on a phone.');
  }
  let choices: SigningChoice[];
  if (signer.kind === 'organization') {
    const seals = (await deps.api.listSeals()).filter((s) => s.enabled && s.enterpriseId === signer.enterpriseId && (!signer.seal || s.id === signer.seal));
    if (seals.length === 0) {
      throw new AddinError('SEAL_NOT_GRANTED', '您没有可用于此合同的印章授权，请联系印章管理员。You hold no grant for a seal this contract may be stamped with: ask a seal admin of your enterprise.');
    }
    choices = seals.map((s) => ({ id: `seal:${s.id}`, kind: 'seal', label: s.name, sealId: s.id }));
  } else {
    const marks = signer.handwriting === 'forbidden' ? [] : await deps.api.listMySignatures();
    choices = [
      ...(signer.handwriting === 'required' ? [] : [{ id: 'default', kind: 'default' as const, label: '' }]),
      ...marks.map((m) => ({ id: `mark:${m.id}`, kind: 'mark' as const, label: m.label ?? '', image: markImage(m.svg) })),
    ];
    if (choices.length === 0) {
      throw new AddinError('INVALID_ARGUMENT', '此合同要求手写签名，请先在控制台保存您的手写签名。This contract needs a handwritten signature: save one in the console first.');
    }
  }
  return { contract, signer, choices, methods };
}

/**
 * Signs this document by myself now: exports it as PDF, creates a contract with me as its one
 * signer for `role` (as myself, or as my enterprise with its seal), remembers it in the document,
 * and plans the signing. Needs a marker of `role`, and a PDF export.
 */
export async function signDocumentNow(deps: AppDeps, session: SessionInfo, opts: { role: string; as: 'person' | 'organization'; title?: string }): Promise<SigningPlan> {
  const markers = anchorFields(await readOutline(deps.gateway)).filter((f) => f.role === opts.role && f.kind !== 'date');
  if (markers.length === 0) {
    throw new AddinError('INVALID_ARGUMENT', `文档中没有角色 ${opts.role} 的签署位置，请先在“起草”中标记。The document has no marker for role ${opts.role}: mark where you sign in Draft first.`, { details: { field: 'role' } });
  }
  const enterprise = session.enterprise;
  if (opts.as === 'organization' && !enterprise) {
    throw new AddinError('FORBIDDEN', '当前会话未代表企业，无法盖企业印章。This session does not act for an enterprise, so it cannot stamp an enterprise seal: sign as yourself.');
  }
  const exported = await exportPdf(deps.gateway);
  const title = (opts.title ?? (await deps.gateway.documentTitle())).trim();
  const file = await deps.api.uploadFile(exported.bytes, `${title}.pdf`);
  const contract = await deps.api.createContract({
    title,
    fileId: file.fileId,
    fileName: `${title}.pdf`,
    signers: [opts.as === 'organization'
      ? { kind: 'organization', name: enterprise!.name, mobile: '', role: opts.role, order: 1, enterpriseId: enterprise!.id }
      : { kind: 'person', name: session.user.name, mobile: '', role: opts.role, order: 1, userId: session.user.id }],
    order: 'parallel',
    policies: DEFAULT_POLICIES,
    send: true,
  });
  await rememberContract(deps.gateway, contract.id);
  return planSigning(deps, session, contract.id);
}

/** Starts the willingness check (an SMS check sends the code now). */
export function startWillingnessCheck(deps: AppDeps, plan: SigningPlan, method: WillingnessMethod): Promise<WillingnessChallenge> {
  return deps.api.startWillingness([plan.contract.id], method);
}

/** Answers the check, signs with `choiceId`, and fetches every document as signed now. */
export async function finishSigning(deps: AppDeps, plan: SigningPlan, opts: { challenge: WillingnessChallenge; secret: string; choiceId: string }): Promise<SigningResult> {
  const choice = plan.choices.find((c) => c.id === opts.choiceId);
  if (!choice) throw new AddinError('INVALID_ARGUMENT', '请选择签名或印章。Choose the signature or seal to sign with.', { details: { field: 'choice' } });
  let answer: WillingnessAnswer;
  if (opts.challenge.method === 'sms_otp') {
    const code = opts.secret.trim();
    if (!/^\d{4,8}$/.test(code)) throw new AddinError('INVALID_ARGUMENT', '请输入短信中的数字验证码。Enter the numeric code from the SMS.', { details: { field: 'code' } });
    answer = { code };
  } else {
    if (!opts.secret) throw new AddinError('INVALID_ARGUMENT', '请输入签署密码。Enter your signing password.', { details: { field: 'password' } });
    answer = { password: opts.secret };
  }
  const { proofId } = await deps.api.confirmWillingness(opts.challenge.challengeId, answer);
  const contract = await deps.api.sign(plan.contract.id, {
    signerId: plan.signer.id,
    proofId,
    ...(choice.sealId ? { seal: choice.sealId } : {}),
    ...(choice.image ? { handwriting: { image: choice.image } } : {}),
  });
  const completed = contract.state === 'completed';
  const docs = contract.documents ?? [{ id: 'd1', name: `${contract.title}.pdf`, pages: 0, signatures: 0 }];
  const files = await Promise.all(docs.map(async (d): Promise<Download> => ({
    bytes: completed ? await deps.api.downloadDocument(contract.id, d.id) : await deps.api.previewDocument(contract.id, d.id),
    fileName: pdfName(d.name, completed ? '已签署 signed' : '签署中 partly signed'),
    mediaType: 'application/pdf',
  })));
  return { contract, completed, files };
}

/** `合同.pdf` + `已签署 signed` → `合同（已签署 signed）.pdf`. */
export function pdfName(name: string, note: string): string {
  return `${name.replace(/\.pdf$/i, '')}（${note}）.pdf`;
}
