/**
 * The seal-use request (用印申请) as a Lark approval definition, and its instances' forms read back
 * into a {@link SealUseRequest}. Widget types and value shapes follow open.feishu.cn
 * "审批定义表单控件参数" and "审批实例表单控件参数" (approval-v4): attachmentV2 takes file codes
 * and gives back URLs (names in `ext`); radioV2 takes an option key and gives back the option's
 * text (or the key, from some clients); number is a float.
 */
import { SignetError } from '@signet/core';
import type { LarkFormWidget } from './lark-approval-api.js';

/** The widget ids of the form (stable: instances are read by them). */
export const SEAL_USE_WIDGETS = {
  document: 'signet_document',
  seal: 'signet_seal',
  useType: 'signet_use_type',
  reason: 'signet_reason',
  counterparty: 'signet_counterparty',
  copies: 'signet_copies',
  counterpartySigns: 'signet_counterparty_signs',
  counterpartySigner: 'signet_counterparty_signer',
  counterpartyMobile: 'signet_counterparty_mobile',
} as const;

/** What a seal is used for (用印类型). */
export const USE_TYPES = [
  { key: 'contract', zh: '合同用印', en: 'Contract' },
  { key: 'certificate', zh: '证明文件', en: 'Certificate' },
  { key: 'letter', zh: '公函/介绍信', en: 'Official letter' },
  { key: 'other', zh: '其他', en: 'Other' },
] as const;

const YES_NO = [
  { key: 'yes', zh: '是', en: 'Yes' },
  { key: 'no', zh: '否', en: 'No' },
] as const;

/** A seal offered in the form: its Signet id (the option key) and the label people pick. */
export interface SealOption {
  id: string;
  label: string;
}

/** Who approves in a provisioned definition. */
export interface ApproverSpec {
  /** Approvers by open_id (a seal keeper, 印章管理员): one node, any one of them approves (或签). */
  openIds?: string[];
  /** The applicant's direct supervisor approves first (default true). */
  supervisor?: boolean;
}

/** Options of {@link sealUseDefinition}. */
export interface SealUseDefinitionOptions {
  seals: SealOption[];
  /** Replace this existing definition instead of creating a new one. */
  approvalCode?: string;
  approvers?: ApproverSpec;
  /** Shown in the approval list (default 用印申请). */
  name?: string;
}

/** Makes seal labels unique (two seals named 合同专用章 get their ids appended), as radio texts must tell them apart. */
export function sealOptions(seals: { id: string; name: string }[]): SealOption[] {
  const count = new Map<string, number>();
  for (const s of seals) count.set(s.name, (count.get(s.name) ?? 0) + 1);
  return seals.map((s) => ({ id: s.id, label: (count.get(s.name) ?? 0) > 1 ? `${s.name}（${s.id}）` : s.name }));
}

/**
 * The body of `POST /open-apis/approval/v4/approvals` for the seal-use request: the form, a
 * supervisor and/or seal-keeper node, visible to the whole tenant, with zh-CN and en-US texts.
 */
export function sealUseDefinition(opts: SealUseDefinitionOptions): Record<string, unknown> {
  if (opts.seals.length === 0) {
    throw new SignetError('INVALID_ARGUMENT', '企业没有启用的印章，无法创建用印申请。The enterprise has no enabled seal to offer: create or enable a seal in Signet first.');
  }
  const zh: Record<string, string> = {};
  const en: Record<string, string> = {};
  const text = (key: string, z: string, e: string) => {
    zh[`@i18n@${key}`] = z;
    en[`@i18n@${key}`] = e;
    return `@i18n@${key}`;
  };
  const W = SEAL_USE_WIDGETS;
  const form: Record<string, unknown>[] = [
    { id: W.document, type: 'attachmentV2', required: true, name: text('signet_w_document', '用印文件（PDF）', 'Document to stamp (PDF)') },
    {
      id: W.seal, type: 'radioV2', required: true, name: text('signet_w_seal', '印章', 'Seal'),
      value: opts.seals.map((s, i) => ({ key: s.id, text: text(`signet_seal_${i}`, s.label, s.label) })),
    },
    {
      id: W.useType, type: 'radioV2', required: true, name: text('signet_w_use_type', '用印类型', 'Use type'),
      value: USE_TYPES.map((u) => ({ key: u.key, text: text(`signet_use_${u.key}`, u.zh, u.en) })),
    },
    { id: W.reason, type: 'textarea', required: true, name: text('signet_w_reason', '用印事由', 'Reason') },
    { id: W.counterparty, type: 'input', required: false, name: text('signet_w_counterparty', '相对方', 'Counterparty') },
    { id: W.copies, type: 'number', required: true, name: text('signet_w_copies', '份数', 'Copies') },
    {
      id: W.counterpartySigns, type: 'radioV2', required: true, name: text('signet_w_cp_signs', '需相对方签署', 'Counterparty must sign'),
      value: YES_NO.map((y) => ({ key: y.key, text: text(`signet_yn_${y.key}`, y.zh, y.en) })),
    },
    { id: W.counterpartySigner, type: 'input', required: false, name: text('signet_w_cp_signer', '相对方签署人姓名', 'Counterparty signer\'s name') },
    { id: W.counterpartyMobile, type: 'input', required: false, name: text('signet_w_cp_mobile', '相对方签署人手机号', 'Counterparty signer\'s mobile') },
  ];
  const nodes: Record<string, unknown>[] = [{ id: 'START' }];
  const approvers = opts.approvers ?? {};
  if (approvers.supervisor !== false) {
    nodes.push({ id: 'signet_supervisor', name: text('signet_n_supervisor', '直属主管审批', 'Supervisor'), node_type: 'AND', approver: [{ type: 'Supervisor', level: '1' }] });
  }
  if (approvers.openIds?.length) {
    nodes.push({
      id: 'signet_seal_keeper', name: text('signet_n_keeper', '印章管理员审批', 'Seal keeper'), node_type: 'OR',
      approver: approvers.openIds.map((id) => ({ type: 'Personal', user_id: id })),
    });
  }
  if (nodes.length === 1) throw new SignetError('INVALID_ARGUMENT', '审批流程至少需要一个审批节点。The approval needs at least one approver: keep the supervisor node or name seal keepers.');
  nodes.push({ id: 'END' });
  const name = text('signet_approval_name', opts.name ?? '用印申请', 'Seal-use request');
  const description = text('signet_approval_desc', '审批通过后由 Signet 自动加盖电子印章并回传文件。', 'Once approved, Signet stamps the electronic seal and attaches the stamped file.');
  const resources = (locale: string, texts: Record<string, string>, isDefault: boolean) => ({
    locale, is_default: isDefault, texts: Object.entries(texts).map(([key, value]) => ({ key, value })),
  });
  return {
    approval_name: name,
    ...(opts.approvalCode ? { approval_code: opts.approvalCode } : {}),
    description,
    viewers: [{ viewer_type: 'TENANT' }],
    form: { form_content: JSON.stringify(form) },
    node_list: nodes,
    settings: { revert_interval: 0 },
    config: { can_update_viewer: false, can_update_form: false, can_update_process: true, can_update_revert: false },
    icon: 0,
    i18n_resources: [resources('zh-CN', zh, true), resources('en-US', en, false)],
  };
}

/** A seal-use request as the applicant filled it in. */
export interface SealUseRequest {
  documents: { url: string; name: string }[];
  /** The seal picked: the option key (a Signet seal id) or the option's text, as Lark returned it. */
  seal: string;
  useType?: string;
  reason: string;
  counterparty?: string;
  copies?: number;
  counterpartySigns: boolean;
  counterpartySigner?: string;
  counterpartyMobile?: string;
}

/** The widget with this id (or custom id). */
function widget(form: LarkFormWidget[], id: string): LarkFormWidget | undefined {
  return form.find((w) => w.id === id || w.custom_id === id);
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.length) return textOf(v[0]);
  return '';
}

/** Attachment names from `ext`: `'a.pdf','b.pdf'`, `a.pdf,b.pdf`, or an array. */
function attachmentNames(ext: unknown, n: number): string[] {
  if (Array.isArray(ext)) return ext.map(String);
  if (typeof ext !== 'string' || !ext) return [];
  const quoted = [...ext.matchAll(/'([^']*)'/g)].map((m) => m[1]);
  const names = quoted.length ? quoted : ext.split(',').map((s) => s.trim());
  return names.slice(0, Math.max(n, names.length));
}

function fileNameOf(url: string, fallback: string): string {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return /\.pdf$/i.test(last) ? last : fallback;
  } catch {
    return fallback;
  }
}

/** True when a yes/no widget says yes (key, zh or en text). */
function yes(v: unknown): boolean {
  const t = textOf(v).toLowerCase();
  return t === 'yes' || t === '是' || t === 'true' || t === 'y' || t === '1';
}

/** True when the form is a seal-use request (it has the document and seal widgets). */
export function isSealUseForm(form: LarkFormWidget[]): boolean {
  return !!widget(form, SEAL_USE_WIDGETS.document) && !!widget(form, SEAL_USE_WIDGETS.seal);
}

/** Reads an instance's form; INVALID_ARGUMENT (in Chinese and English) names what is missing. */
export function parseSealUseForm(form: LarkFormWidget[]): SealUseRequest {
  const W = SEAL_USE_WIDGETS;
  const doc = widget(form, W.document);
  const raw = doc?.value;
  const urls = (Array.isArray(raw) ? raw : typeof raw === 'string' && raw ? raw.split(',') : []).map((u) => String(u).trim()).filter(Boolean);
  if (urls.length === 0) throw new SignetError('INVALID_ARGUMENT', '申请中没有附上用印文件。The request carries no document: attach the PDF to stamp.');
  const names = attachmentNames(doc?.ext, urls.length);
  const documents = urls.map((url, i) => {
    if (!/^https?:\/\//i.test(url)) throw new SignetError('INVALID_ARGUMENT', `附件 ${i + 1} 无法下载。Attachment ${i + 1} has no download URL (${url.slice(0, 40)}).`);
    return { url, name: names[i] || fileNameOf(url, `document-${i + 1}.pdf`) };
  });
  const seal = textOf(widget(form, W.seal)?.value);
  if (!seal) throw new SignetError('INVALID_ARGUMENT', '申请中没有选择印章。The request names no seal: pick the seal to use.');
  const copies = Number(textOf(widget(form, W.copies)?.value));
  return {
    documents,
    seal,
    useType: textOf(widget(form, W.useType)?.value) || undefined,
    reason: textOf(widget(form, W.reason)?.value),
    counterparty: textOf(widget(form, W.counterparty)?.value) || undefined,
    copies: Number.isFinite(copies) && copies > 0 ? copies : undefined,
    counterpartySigns: yes(widget(form, W.counterpartySigns)?.value),
    counterpartySigner: textOf(widget(form, W.counterpartySigner)?.value) || undefined,
    counterpartyMobile: textOf(widget(form, W.counterpartyMobile)?.value) || undefined,
  };
}

/** What {@link sealUseInstanceForm} fills in. */
export interface SealUseInstanceInput {
  /** Approval file codes of the documents (from the approval file endpoint). */
  fileCodes: string[];
  sealId: string;
  useType?: string;
  reason: string;
  counterparty?: string;
  copies?: number;
  counterpartySigns?: boolean;
  counterpartySigner?: string;
  counterpartyMobile?: string;
}

/** The `form` string of `POST /open-apis/approval/v4/instances` for a seal-use request. */
export function sealUseInstanceForm(input: SealUseInstanceInput): string {
  const W = SEAL_USE_WIDGETS;
  const useType = USE_TYPES.find((u) => u.key === input.useType || u.zh === input.useType)?.key ?? 'contract';
  const form: { id: string; type: string; value: unknown }[] = [
    { id: W.document, type: 'attachmentV2', value: input.fileCodes },
    { id: W.seal, type: 'radioV2', value: input.sealId },
    { id: W.useType, type: 'radioV2', value: useType },
    { id: W.reason, type: 'textarea', value: input.reason },
    { id: W.copies, type: 'number', value: input.copies ?? 1 },
    { id: W.counterpartySigns, type: 'radioV2', value: input.counterpartySigns ? 'yes' : 'no' },
  ];
  if (input.counterparty) form.push({ id: W.counterparty, type: 'input', value: input.counterparty });
  if (input.counterpartySigner) form.push({ id: W.counterpartySigner, type: 'input', value: input.counterpartySigner });
  if (input.counterpartyMobile) form.push({ id: W.counterpartyMobile, type: 'input', value: input.counterpartyMobile });
  return JSON.stringify(form);
}

/**
 * The seal a form's value names: an option key (a seal id) directly, else the option whose text
 * matches (from the definition's options, or the seals' own names).
 */
export function resolveSealChoice(value: string, seals: { id: string; name: string }[], definitionForm?: LarkFormWidget[]): string | undefined {
  if (seals.some((s) => s.id === value)) return value;
  const w = definitionForm && widget(definitionForm, SEAL_USE_WIDGETS.seal);
  // A definition read back has `option: [{ value, text }]` (or `value: [{ key, text }]` as created).
  const opts = [w?.option, w?.value].flatMap((o) => (Array.isArray(o) ? o : [])) as { key?: string; value?: string; text?: string }[];
  const byText = opts.find((o) => o.text === value);
  const key = byText?.value ?? byText?.key;
  if (key && seals.some((s) => s.id === key)) return key;
  const labels = sealOptions(seals);
  return labels.find((l) => l.label === value)?.id ?? (seals.filter((s) => s.name === value).length === 1 ? seals.find((s) => s.name === value)!.id : undefined);
}
