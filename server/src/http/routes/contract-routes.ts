/**
 * The contract routes (docs/api-surface.md, "Server part B"): create from uploaded files or from a
 * template or bundle, with `bizNo` idempotency; lists and counts; detail with what the caller may do
 * now; history; send, remind, sign, silent stamp, reject, revoke, invalidate (作废), extend, finish,
 * labels and batches; preview, download and the evidence package.
 *
 * Every rule lives in the workflow (`core/src/workflow/contract-service.ts`): these handlers turn
 * JSON into its inputs (fileIds into bytes, mobiles into directory users), pass the caller's IP for
 * the evidence page, and turn records into views with masked accounts.
 */
import type { Request } from 'express';
import {
  CONTRACT_ACTIONS, CONTRACT_STATES, SignetError, WILLINGNESS_OPTIONS, buildEvidencePackage, buildEvidencePage,
  evidenceInputOf, isSignetError, maskAccount, signEvidencePage, timestampChainHead, validateMobile,
  type Actor, type ContractAction, type ContractRecord, type ContractSigner, type ErrorCode, type ExternalApproval, type Handwriting,
  type LinkDelivery, type PadesLevel, type RequestContext, type SignerInput, type WillingnessOption, type WillingnessPolicy,
  type ContractListQuery, type ListBox,
} from '@signet/core';
import { DEMO_PLATFORM } from '../../cli/cmd-evidence.js';
import { baseUrlOf, requirePlatform, type Platform } from '../../platform.js';
import { cleanFileName } from '../../files/file-service.js';
import { defineRoute, reply, schemaRef, type JsonSchema, type Reply } from '../route.js';
import type { RouteModule } from '../route-registry.js';

// ------------------------------------------------------------------ views

/** A signature field as views show it: document, page, rectangle (points) and the rectangle as page fractions from the top-left. */
export interface FieldView {
  doc: string;
  page: number;
  rect?: { x: number; y: number; w: number; h: number };
  at?: { x: number; y: number; w?: number; h?: number };
  kind: 'signature' | 'seal' | 'date' | 'text';
  /** Date and text fields: the name to fill (`values` of the sign call), what it asks for, whether it must be filled. */
  name?: string;
  label?: string;
  required?: boolean;
  /** Filled date and text fields: the value, once the signer signed. */
  value?: string;
}

/** A signer as views show it: the account masked, the signature's facts without proof ids. */
export interface SignerView {
  id: string;
  kind: 'person' | 'organization';
  name: string;
  userId?: string;
  enterpriseId?: string;
  operator?: string;
  seal?: string;
  role?: string;
  step: number;
  state: ContractSigner['state'];
  /** The invitation account, masked (138****8000). */
  account?: string;
  willingness: WillingnessPolicy;
  fields: FieldView[];
  invitedAt?: string;
  readAt?: string;
  signedAt?: string;
  rejectedAt?: string;
  rejectReason?: string;
  signature?: { at: string; method: string; verifiedAt?: string; seal?: string; certificateSerial: string };
}

/** A contract as the API shows it, with what the caller may do now. */
export interface ContractView {
  id: string;
  kind: ContractRecord['kind'];
  title: string;
  state: ContractRecord['state'];
  enterpriseId: string;
  bizNo?: string;
  order: ContractRecord['order'];
  autoFinish: boolean;
  level?: PadesLevel;
  certify?: 1 | 2 | 3;
  sender: { userId?: string; appId?: string; name?: string; enterpriseName?: string };
  documents: { id: string; name: string; pages: number; signatures: number; sha256: string; originalSha256: string }[];
  signers: SignerView[];
  labels: string[];
  deadline?: string;
  expiresAt?: string;
  createdAt: string;
  sentAt?: string;
  completedAt?: string;
  endedAt?: string;
  endReason?: string;
  template?: { templateIds: string[]; bundleId?: string };
  invalidation?: { agreementId: string; reason: string };
  invalidates?: string;
  actions: ContractAction[];
}

/** A signing link handed to the sender side (send, remind): the URL carries the one-time token. */
export interface LinkView {
  signerId: string;
  url?: string;
  expiresAt: string;
  delivered: boolean;
}

const opt = <T>(k: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [k]: v });

/** The view of one signer. */
export function signerView(s: ContractSigner): SignerView {
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    ...opt('userId', s.userId),
    ...opt('enterpriseId', s.enterpriseId),
    ...opt('operator', s.operator),
    ...opt('seal', s.seal),
    ...opt('role', s.role),
    step: s.step,
    state: s.state,
    ...opt('account', s.account ? maskAccount(s.account) : undefined),
    willingness: { methods: [...s.willingness.methods], handwriting: s.willingness.handwriting },
    fields: s.fields.map((f) => ({
      doc: f.doc, page: f.page, ...opt('rect', f.rect), ...opt('at', f.at), kind: f.kind,
      ...opt('name', f.name), ...opt('label', f.label), ...opt('required', f.required), ...opt('value', f.name ? s.signature?.values?.[f.name] : undefined),
    })),
    ...opt('invitedAt', s.invitedAt),
    ...opt('readAt', s.readAt),
    ...opt('signedAt', s.signedAt),
    ...opt('rejectedAt', s.rejectedAt),
    ...opt('rejectReason', s.rejectReason),
    ...(s.signature ? {
      signature: {
        at: s.signature.at, method: s.signature.method, ...opt('verifiedAt', s.signature.verifiedAt), ...opt('seal', s.signature.seal), certificateSerial: s.signature.cert,
      },
    } : {}),
  };
}

/** The view of a contract record, with the caller's actions. */
export function contractView(c: ContractRecord, actions: ContractAction[]): ContractView {
  return {
    id: c.id,
    kind: c.kind,
    title: c.title,
    state: c.state,
    enterpriseId: c.tenant,
    ...opt('bizNo', c.bizNo),
    order: c.order,
    autoFinish: c.autoFinish,
    ...opt('level', c.level),
    ...opt('certify', c.certify),
    sender: { ...opt('userId', c.sender.userId), ...opt('appId', c.sender.appId), ...opt('name', c.sender.name), ...opt('enterpriseName', c.sender.enterpriseName) },
    documents: c.documents.map((d) => ({ id: d.id, name: d.name, pages: d.pages, signatures: d.signatures, sha256: d.current, originalSha256: d.original })),
    signers: c.signers.map(signerView),
    labels: [...c.labels],
    ...opt('deadline', c.deadline),
    ...opt('expiresAt', c.expiresAt),
    createdAt: c.createdAt,
    ...opt('sentAt', c.sentAt),
    ...opt('completedAt', c.completedAt),
    ...opt('endedAt', c.endedAt),
    ...opt('endReason', c.endReason),
    ...(c.template ? { template: { templateIds: [...c.template.templateIds], ...opt('bundleId', c.template.bundleId) } } : {}),
    ...(c.invalidation ? { invalidation: { agreementId: c.invalidation.agreementId, reason: c.invalidation.reason } } : {}),
    ...opt('invalidates', c.invalidates),
    actions,
  };
}

/** The view of the links a change issued (the token is in the URL; it is shown once). */
export function linkViews(links: LinkDelivery[]): LinkView[] {
  return links.map((l) => ({ signerId: l.signerId, ...opt('url', l.url), expiresAt: l.expiresAt, delivered: l.delivered }));
}

/** Where a request came from, for the audit log and the evidence page. */
export function requestContext(req: Request): RequestContext {
  return req.ip ? { ip: req.ip } : {};
}

/** The view of `c` for `actor`, with the actions it may take now. */
export async function viewFor(p: Platform, actor: Actor, c: ContractRecord): Promise<ContractView> {
  return contractView(c, await p.workflow.contracts.actionsFor(actor, c));
}

// ------------------------------------------------------------------ schemas

const str = (description: string, max = 200): JsonSchema => ({ type: 'string', minLength: 1, maxLength: max, description });
const ID = (description: string): JsonSchema => str(description, 128);
const TIME: JsonSchema = { type: 'string', format: 'date-time' };
const RECT: JsonSchema = {
  type: 'object', additionalProperties: false, required: ['x', 'y', 'w', 'h'], description: '矩形（点，PDF 用户空间，左下角原点）Rectangle in points, PDF user space (origin bottom-left)',
  properties: { x: { type: 'number' }, y: { type: 'number' }, w: { type: 'number', exclusiveMinimum: 0 }, h: { type: 'number', exclusiveMinimum: 0 } },
};
const FIELD_KIND: JsonSchema = { enum: ['signature', 'seal', 'date', 'text'], description: '签名、印章、签署日期或签署方填写的文字 A signature, a seal, the signing date or a text the signer fills (default: signature for persons, seal for organizations)' };
const FIELD_EXTRA = {
  label: str('文字字段要填写什么，如 身份证号 What a text field asks for, e.g. ID number', 50),
  required: { type: 'boolean', description: '文字字段是否必填（默认是）Whether the signer must fill a text field (default true)' },
} satisfies Record<string, JsonSchema>;
const FILE_INDEX: JsonSchema = { type: 'integer', minimum: 0, maximum: 19, description: '文件序号（从 0 起）Index of the document, from 0 (default 0)' };
const FIELD_INPUT: JsonSchema = {
  description: '签署位置：页码+矩形、定位文字或不可见 A signature place: page + rect, an anchor text, or invisible',
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['page', 'rect'], properties: { file: FILE_INDEX, page: { type: 'integer', minimum: 1 }, rect: RECT, kind: FIELD_KIND, ...FIELD_EXTRA } },
    {
      type: 'object', additionalProperties: false, required: ['anchor'], properties: {
        file: FILE_INDEX,
        kind: FIELD_KIND,
        ...FIELD_EXTRA,
        anchor: {
          type: 'object', additionalProperties: false, required: ['text'], properties: {
            text: str('定位文字，如 signet:sign:partyA 或 甲方（盖章） The anchor text, e.g. signet:sign:partyA or 甲方（盖章）', 100),
            offsetX: { type: 'number' }, offsetY: { type: 'number' },
            width: { type: 'number', exclusiveMinimum: 0 }, height: { type: 'number', exclusiveMinimum: 0 },
            occurrence: { enum: ['first', 'all'] },
          },
        },
      },
    },
    { type: 'object', additionalProperties: false, required: ['invisible'], properties: { file: FILE_INDEX, invisible: { const: true }, kind: { enum: ['signature', 'seal'] } } },
  ],
};
const METHOD: JsonSchema = { enum: [...WILLINGNESS_OPTIONS], description: '意愿认证方式 A willingness method' };
const HANDWRITING_POLICY: JsonSchema = { enum: ['required', 'forbidden', 'optional'], description: '手写签名：必须、禁止或可选 Handwriting required, forbidden or optional' };
const SIGNER_INPUT: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name'],
  description: '签署方：个人（userId，或手机号+姓名）或企业（enterpriseId，可指定印章与经办人）A signer: a person (userId, or mobile + name) or an organization (enterpriseId, optional seal and operator)',
  properties: {
    kind: { enum: ['person', 'organization'] },
    name: str('姓名或企业名称 The person\'s or the organization\'s name', 100),
    userId: ID('个人签署方：平台用户 Person signers: the platform user'),
    mobile: str('手机号：个人签署方无 userId 时据此创建未实名用户；也是签署通知的接收号码 Mobile number: without userId, a person signer is found or created by it (unverified); invitations go to it', 32),
    enterpriseId: ID('企业签署方 Organization signers: the enterprise'),
    seal: ID('企业签署方须使用的印章 Organization signers: the seal to use'),
    operator: ID('企业签署方的指定经办人（成员 userId） Organization signers: the designated member who operates the seal'),
    role: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$', description: '角色：模板中的签署位置和 PDF 中的 signet:sign:<role> / signet:seal:<role> 标记归此签署方 The role: template positions and signet:sign:<role> / signet:seal:<role> markers in the PDF become this signer\'s fields' },
    step: { type: 'integer', minimum: 1, maximum: 50, description: '顺序签署的步骤（默认按列表顺序）The step in a sequential contract (default: list order)' },
    willingness: {
      description: '意愿认证：一种方式、优先顺序（如刷脸优先、短信兜底）或完整策略 One method, a preference list (face first, SMS as fallback) or a whole policy',
      oneOf: [
        METHOD,
        { type: 'array', minItems: 1, maxItems: 3, items: METHOD },
        { type: 'object', additionalProperties: false, properties: { methods: { type: 'array', minItems: 1, maxItems: 3, items: METHOD }, handwriting: HANDWRITING_POLICY } },
      ],
    },
    handwriting: HANDWRITING_POLICY,
    fields: { type: 'array', maxItems: 50, items: FIELD_INPUT },
  },
};
const CREATE: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['signers'],
  description: '由上传文件（documents）或模板/合同组合（template）发起，二选一 Create from uploaded files (documents) or from a template or bundle (template): one of the two',
  properties: {
    title: str('合同名称（默认取文件或模板名）The title (default: the file\'s or template\'s name)'),
    documents: {
      type: 'array', minItems: 1, maxItems: 20,
      items: { type: 'object', additionalProperties: false, required: ['fileId'], properties: { fileId: ID('POST /files 返回的 fileId The fileId from POST /files'), name: str('文件名 The document\'s name') } },
    },
    template: {
      type: 'object', additionalProperties: false, properties: {
        templateId: ID('模板 A template'), bundleId: ID('合同组合 A bundle (合同组合): one contract with a document per template'),
        vars: { type: 'object', description: '模板变量 The template variables', additionalProperties: true },
      },
    },
    signers: { type: 'array', minItems: 1, maxItems: 50, items: schemaRef('ContractSignerInput') },
    order: { enum: ['sequential', 'parallel'], description: '签署顺序（默认顺序签）Signing order (default sequential)' },
    deadline: { ...TIME, description: '签署截止时间 Signing deadline' },
    expiresAt: { ...TIME, description: '合同到期日 The contract\'s own expiry date' },
    labels: { type: 'array', maxItems: 20, items: str('标签 A label', 32) },
    bizNo: str('业务编号：同一应用重复发起返回同一合同 Business number: creating again with it returns the same contract', 128),
    send: { type: 'boolean', description: '立即发起（默认存为草稿）Send at once (default: keep as a draft)' },
    autoFinish: { type: 'boolean', description: '全部签完自动完成（默认 true）Complete when everyone signed (default true); false waits for finish' },
    level: { enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'], description: 'PAdES 级别（默认 B-LT）PAdES level (default B-LT)' },
    certify: { enum: [1, 2, 3], description: '首个签名认证文档（DocMDP P）Certify with the first signature (DocMDP P, ISO 32000-1 §12.8.2.2)' },
  },
};
const FIELD_VIEW: JsonSchema = {
  type: 'object', required: ['doc', 'page', 'kind'],
  properties: {
    doc: { type: 'string' }, page: { type: 'integer' },
    rect: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' }, w: { type: 'number' }, h: { type: 'number' } } },
    at: { type: 'object', description: '页面比例坐标（左上角原点）Position as fractions of the page from its top-left', properties: { x: { type: 'number' }, y: { type: 'number' }, w: { type: 'number' }, h: { type: 'number' } } },
    kind: { enum: ['signature', 'seal', 'date', 'text'] },
    name: { type: 'string', description: '日期/文字字段名（签署时 values 的键）A date or text field\'s name (the key in the sign call\'s values)' },
    label: { type: 'string' }, required: { type: 'boolean' },
    value: { type: 'string', description: '签署后填写的值 The value filled at signing' },
  },
};
/** The values a signer types into their text fields when signing (date fields are filled by Signet). */
export const FIELD_VALUES: JsonSchema = {
  type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 200 },
  description: '签署方填写的文字字段值，键为字段名 The signer\'s text field values, by field name (date fields are filled by Signet)',
};
const SIGNER_VIEW: JsonSchema = {
  type: 'object',
  required: ['id', 'kind', 'name', 'step', 'state', 'willingness', 'fields'],
  properties: {
    id: { type: 'string' }, kind: { enum: ['person', 'organization'] }, name: { type: 'string' },
    userId: { type: 'string' }, enterpriseId: { type: 'string' }, operator: { type: 'string' }, seal: { type: 'string' }, role: { type: 'string' },
    step: { type: 'integer' }, state: { enum: ['unread', 'read', 'signed', 'rejected'] },
    account: { type: 'string', description: '掩码后的通知账号 The invitation account, masked' },
    willingness: { type: 'object', required: ['methods', 'handwriting'], properties: { methods: { type: 'array', items: METHOD }, handwriting: HANDWRITING_POLICY } },
    fields: { type: 'array', items: schemaRef('SignatureFieldView') },
    invitedAt: TIME, readAt: TIME, signedAt: TIME, rejectedAt: TIME, rejectReason: { type: 'string' },
    signature: {
      type: 'object', required: ['at', 'method', 'certificateSerial'],
      properties: { at: TIME, method: { enum: [...WILLINGNESS_OPTIONS, 'auto_stamp'] }, verifiedAt: TIME, seal: { type: 'string' }, certificateSerial: { type: 'string' } },
    },
  },
};
const CONTRACT_VIEW: JsonSchema = {
  type: 'object',
  required: ['id', 'kind', 'title', 'state', 'enterpriseId', 'order', 'autoFinish', 'sender', 'documents', 'signers', 'labels', 'createdAt', 'actions'],
  properties: {
    id: { type: 'string' },
    kind: { enum: ['contract', 'invalidation'], description: 'contract，或作废协议 invalidation (an invalidation agreement)' },
    title: { type: 'string' },
    state: { enum: [...CONTRACT_STATES] },
    enterpriseId: { type: 'string', description: '发起企业 The sending enterprise' },
    bizNo: { type: 'string' },
    order: { enum: ['sequential', 'parallel'] },
    autoFinish: { type: 'boolean' },
    level: { enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'] },
    certify: { enum: [1, 2, 3] },
    sender: { type: 'object', properties: { userId: { type: 'string' }, appId: { type: 'string' }, name: { type: 'string' }, enterpriseName: { type: 'string' } } },
    documents: {
      type: 'array',
      items: {
        type: 'object', required: ['id', 'name', 'pages', 'signatures', 'sha256', 'originalSha256'],
        properties: {
          id: { type: 'string', description: 'docId：d1, d2, …' }, name: { type: 'string' }, pages: { type: 'integer' },
          signatures: { type: 'integer', description: '已追加的签名数 Signatures appended so far' },
          sha256: { type: 'string', description: '当前版本的 SHA-256 SHA-256 of the current revision' },
          originalSha256: { type: 'string', description: '原始文件的 SHA-256 SHA-256 of the file as uploaded or filled' },
        },
      },
    },
    signers: { type: 'array', items: schemaRef('ContractSigner') },
    labels: { type: 'array', items: { type: 'string' } },
    deadline: TIME, expiresAt: TIME, createdAt: TIME, sentAt: TIME, completedAt: TIME, endedAt: TIME, endReason: { type: 'string' },
    template: { type: 'object', properties: { templateIds: { type: 'array', items: { type: 'string' } }, bundleId: { type: 'string' } } },
    invalidation: { type: 'object', description: '签署中的作废协议 An invalidation agreement being signed', properties: { agreementId: { type: 'string' }, reason: { type: 'string' } } },
    invalidates: { type: 'string', description: '作废协议：被作废的合同 Invalidation agreements: the contract they invalidate' },
    actions: { type: 'array', description: '调用方此刻可做的操作 What the caller may do now', items: { enum: [...CONTRACT_ACTIONS] } },
  },
};
const LINK_VIEW: JsonSchema = {
  type: 'object', required: ['signerId', 'expiresAt', 'delivered'],
  properties: {
    signerId: { type: 'string' },
    url: { type: 'string', description: '签署链接（含一次性令牌，只显示这一次）The signing link, with its one-time token: shown only here' },
    expiresAt: TIME,
    delivered: { type: 'boolean', description: '短信通知是否已发出 Whether the invitation message went out' },
  },
};
const WITH_LINKS: JsonSchema = {
  allOf: [schemaRef('ContractView'), { type: 'object', required: ['links'], properties: { links: { type: 'array', items: schemaRef('SigningLinkView') } } }],
};
const CREATED: JsonSchema = {
  allOf: [schemaRef('ContractView'), {
    type: 'object', required: ['created', 'links'],
    properties: { created: { type: 'boolean', description: 'false：相同 bizNo 的已有合同 false: an earlier create with the same bizNo' }, links: { type: 'array', items: schemaRef('SigningLinkView') } },
  }],
};
const SUMMARY: JsonSchema = {
  type: 'object', required: ['id', 'kind', 'title', 'state', 'sender', 'signers', 'labels', 'createdAt'],
  properties: {
    id: { type: 'string' }, kind: { enum: ['contract', 'invalidation'] }, title: { type: 'string' }, state: { enum: [...CONTRACT_STATES] }, bizNo: { type: 'string' },
    sender: { type: 'object', properties: { userId: { type: 'string' }, appId: { type: 'string' }, name: { type: 'string' } } },
    signers: { type: 'array', items: { type: 'object', required: ['id', 'kind', 'name', 'state'], properties: { id: { type: 'string' }, kind: { enum: ['person', 'organization'] }, name: { type: 'string' }, state: { type: 'string' } } } },
    labels: { type: 'array', items: { type: 'string' } },
    createdAt: TIME, sentAt: TIME, deadline: TIME, expiresAt: TIME, completedAt: TIME,
  },
};
const AUDIT_EVENT: JsonSchema = {
  type: 'object', required: ['seq', 'type', 'at', 'hash', 'prevHash'],
  description: '哈希链审计事件 A hash-chained audit event: each carries the previous event\'s hash',
  properties: {
    seq: { type: 'integer' }, type: { type: 'string' }, at: TIME, subject: { type: 'string' },
    actor: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, ip: { type: 'string' } } },
    data: { type: 'object' }, hash: { type: 'string' }, prevHash: { type: 'string' },
  },
};
const HANDWRITING: JsonSchema = {
  type: 'object', additionalProperties: false,
  description: '手写签名：笔迹点（如 signature_pad 所给）或图片（base64 PNG/JPEG）Handwriting: stroke points (as signature_pad gives them) or an image (base64 PNG or JPEG)',
  properties: {
    strokes: {
      type: 'array', minItems: 1, maxItems: 500,
      items: {
        type: 'array', minItems: 1, maxItems: 5000,
        items: { type: 'object', required: ['x', 'y'], properties: { x: { type: 'number' }, y: { type: 'number' }, t: { type: 'number' }, time: { type: 'number' }, pressure: { type: 'number', minimum: 0, maximum: 1 } } },
      },
    },
    image: { type: 'string', format: 'byte', maxLength: 1_500_000 },
  },
};
const REASON = (what: string): JsonSchema => ({ type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: str(what, 500) } });
const PDF_ERRORS: ErrorCode[] = ['PDF_NOT_PDF', 'PDF_TRUNCATED', 'PDF_ENCRYPTED', 'PDF_XREF_BROKEN', 'PDF_MALFORMED', 'PDF_LIMIT_EXCEEDED', 'PDF_PAGE_OUT_OF_RANGE', 'PDF_RECT_OFF_PAGE', 'DOCMDP_LOCKED', 'CERTIFY_NOT_FIRST'];
const SIGN_ERRORS: ErrorCode[] = [
  'NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'SEAL_NOT_GRANTED', 'SEAL_DISABLED', 'WILLINGNESS_REQUIRED', 'IDENTITY_NOT_VERIFIED',
  'VERSION_CONFLICT', 'TSA_FAILED', 'IMAGE_INVALID', 'SVG_UNSUPPORTED', 'SEAL_TEXT_TOO_LONG', 'DOCMDP_LOCKED', 'PDF_FIELD_EXISTS', 'PDF_RECT_OFF_PAGE', 'PDF_MALFORMED',
  'CA_NOT_INITIALISED', 'SIGNATURE_TOO_LARGE', 'KEY_UNSUPPORTED',
];

// ------------------------------------------------------------------ inputs

interface FieldBody { file?: number; page?: number; rect?: { x: number; y: number; w: number; h: number }; anchor?: { text: string; offsetX?: number; offsetY?: number; width?: number; height?: number; occurrence?: 'first' | 'all' }; invisible?: true; kind?: 'signature' | 'seal' | 'date' | 'text'; label?: string; required?: boolean }
interface SignerBody {
  kind: 'person' | 'organization'; name: string; userId?: string; mobile?: string; enterpriseId?: string; seal?: string; operator?: string; role?: string; step?: number;
  willingness?: WillingnessOption | WillingnessOption[] | Partial<WillingnessPolicy>; handwriting?: WillingnessPolicy['handwriting']; fields?: FieldBody[];
}
/** The body of `POST /contracts`. */
export interface CreateContractBody {
  title?: string;
  documents?: { fileId: string; name?: string }[];
  template?: { templateId?: string; bundleId?: string; vars?: Record<string, unknown> };
  signers: SignerBody[];
  order?: 'sequential' | 'parallel';
  deadline?: string;
  expiresAt?: string;
  labels?: string[];
  bizNo?: string;
  send?: boolean;
  autoFinish?: boolean;
  level?: PadesLevel;
  certify?: 1 | 2 | 3;
}
interface HandwritingBody { strokes?: { x: number; y: number; t?: number; time?: number; pressure?: number }[][]; image?: string }

function invalid(zh: string, en: string, details?: Record<string, unknown>): SignetError {
  return new SignetError('INVALID_ARGUMENT', `${zh} ${en}`, details);
}

/** Core's handwriting from the JSON form (strokes, or a base64 image). */
export function handwritingOf(h: HandwritingBody | undefined): Handwriting | undefined {
  if (!h) return undefined;
  if (h.strokes && h.image) throw invalid('手写签名请给笔迹或图片之一。', 'Give handwriting as strokes or as an image, not both.', { field: 'handwriting' });
  if (h.image) {
    const image = new Uint8Array(Buffer.from(h.image, 'base64'));
    if (image.length === 0) throw invalid('手写签名图片为空。', 'handwriting.image is empty: send a base64 PNG or JPEG.', { field: 'handwriting.image' });
    return { image };
  }
  if (h.strokes) return { strokes: h.strokes.map((s) => s.map((p) => ({ x: p.x, y: p.y, ...opt('t', p.t ?? p.time), ...opt('pressure', p.pressure) }))) };
  return undefined;
}

function dateOf(iso: string | undefined): Date | undefined {
  return iso === undefined ? undefined : new Date(iso);
}

/** Finds the user with this mobile, or creates one (unverified: they verify their real name inside the signing flow). */
async function userByMobile(p: Platform, mobile: string, name: string): Promise<string> {
  const found = await p.directory.findUserByMobile(mobile);
  if (found) return found.id;
  try {
    return (await p.directory.createUser({ mobile, name }, { kind: 'system', reason: 'contract signer' })).id;
  } catch (e) {
    // Another request created it at the same moment.
    if (isSignetError(e, 'DUPLICATE')) {
      const again = await p.directory.findUserByMobile(mobile);
      if (again) return again.id;
    }
    throw e;
  }
}

/** Turns the JSON signers into the workflow's: persons by userId or by mobile (found or created), organizations by enterprise. */
async function signerInputs(p: Platform, signers: SignerBody[]): Promise<SignerInput[]> {
  const out: SignerInput[] = [];
  for (const [i, s] of signers.entries()) {
    const where = `signers[${i}]`;
    let mobile: string | undefined;
    if (s.mobile !== undefined) {
      const m = validateMobile(s.mobile);
      if (!m.ok) throw invalid(`第 ${i + 1} 个签署方的手机号无效。`, `${where}.mobile: ${m.reason}.`, { field: `${where}.mobile` });
      mobile = m.mobile!;
    }
    const base = {
      kind: s.kind, name: s.name, ...opt('role', s.role), ...opt('step', s.step), ...opt('willingness', s.willingness), ...opt('handwriting', s.handwriting),
      ...opt('fields', s.fields as SignerInput['fields']),
    };
    if (s.kind === 'person') {
      if (s.enterpriseId || s.seal || s.operator) throw invalid(`个人签署方「${s.name}」不能指定企业、印章或经办人。`, `${where}: enterpriseId, seal and operator are for organization signers.`, { field: where });
      let userId = s.userId;
      if (userId) {
        const user = await p.directory.getUser(userId);
        if (!user) throw new SignetError('NOT_FOUND', `用户 ${userId} 不存在。${where}.userId: user ${userId} does not exist; give the signer's mobile instead.`);
        const own = await p.directory.mobileOf(userId);
        if (mobile && mobile !== own) throw invalid(`签署方「${s.name}」的手机号与用户不符。`, `${where}: the mobile is not the one of user ${userId}; give one of them.`, { field: `${where}.mobile` });
        mobile = own;
      } else if (mobile) {
        userId = await userByMobile(p, mobile, s.name);
      } else {
        throw invalid(`个人签署方「${s.name}」须有 userId 或手机号。`, `${where}: a person signer needs userId, or mobile and name.`, { field: `${where}.userId` });
      }
      out.push({ ...base, userId, account: mobile });
    } else {
      if (!s.enterpriseId) throw invalid(`企业签署方「${s.name}」须有 enterpriseId。`, `${where}.enterpriseId is required for an organization signer.`, { field: `${where}.enterpriseId` });
      if (s.userId) throw invalid('企业签署方请用 operator 指定经办人。', `${where}: name the member who operates the seal with operator, not userId.`, { field: `${where}.userId` });
      if (!(await p.directory.getEnterprise(s.enterpriseId))) throw new SignetError('NOT_FOUND', `企业 ${s.enterpriseId} 不存在。${where}.enterpriseId: enterprise ${s.enterpriseId} does not exist; check the id.`);
      let account = mobile;
      if (!account && s.operator) account = await p.directory.mobileOf(s.operator).catch(() => undefined);
      out.push({ ...base, enterpriseId: s.enterpriseId, ...opt('seal', s.seal), ...opt('operator', s.operator), ...opt('account', account) });
    }
  }
  return out;
}

/** Who sent it, for the evidence page: the member's name and account and the enterprise's name. */
async function senderOf(p: Platform, actor: Actor): Promise<{ senderName?: string; senderAccount?: string; enterpriseName?: string }> {
  if (actor.kind !== 'member' && actor.kind !== 'app') return {};
  const ent = await p.directory.getEnterprise(actor.enterpriseId);
  if (actor.kind === 'app') return { ...opt('enterpriseName', ent?.name), senderName: `应用 App ${actor.appId}` };
  const user = await p.directory.getUser(actor.userId);
  return { ...opt('enterpriseName', ent?.name), ...opt('senderName', user?.name), senderAccount: await p.directory.mobileOf(actor.userId) };
}

/** Creates a contract from the JSON body (files by fileId, or a template or bundle). */
export async function createContract(p: Platform, actor: Actor, body: CreateContractBody, ctx: RequestContext) {
  if (!!body.documents === !!body.template) {
    throw invalid('请给出 documents（上传的文件）或 template（模板），二选一。', 'Give either documents (uploaded files) or template (a template or a bundle), not both and not neither.', { field: 'documents' });
  }
  if (actor.kind !== 'member' && actor.kind !== 'app') throw new SignetError('FORBIDDEN', '只有企业成员或企业应用可以发起合同。Only a member or an app of an enterprise can create contracts; switch to an enterprise first.');
  const signers = await signerInputs(p, body.signers);
  const common = {
    signers,
    ...opt('order', body.order),
    ...opt('deadline', dateOf(body.deadline)),
    ...opt('expiresAt', dateOf(body.expiresAt)),
    ...opt('labels', body.labels),
    ...opt('bizNo', body.bizNo),
    ...opt('send', body.send),
    ...opt('autoFinish', body.autoFinish),
    ...opt('level', body.level),
    ...opt('certify', body.certify),
    ...(await senderOf(p, actor)),
  };
  const contracts = p.workflow.contracts;
  if (body.documents) {
    const files: { name: string; pdf: Uint8Array }[] = [];
    for (const d of body.documents) {
      const { record, bytes } = await p.files.get(actor, d.fileId);
      files.push({ name: d.name === undefined ? record.name : cleanFileName(d.name), pdf: bytes });
    }
    const title = body.title ?? files[0].name.replace(/\.pdf$/i, '');
    return contracts.create(actor, { ...common, title, files }, ctx);
  }
  const t = body.template!;
  if (!!t.templateId === !!t.bundleId) throw invalid('请指定 templateId 或 bundleId，二选一。', 'template needs either templateId or bundleId.', { field: 'template' });
  let title = body.title;
  if (!title) title = t.bundleId ? (await p.workflow.templates.getBundle(actor, t.bundleId)).name : (await p.workflow.templates.get(actor, t.templateId!)).name;
  return contracts.createFromTemplate(actor, { ...common, title, ...opt('templateId', t.templateId), ...opt('bundleId', t.bundleId), vars: t.vars ?? {} }, ctx);
}

// ------------------------------------------------------------------ evidence

/**
 * The evidence package (存证包) of a completed contract, as a zip: the evidence page built from the
 * workflow's evidence data, signed by the platform's organization certificate ("Signet 签约平台") at
 * B-LT and certified with DocMDP P=1 (ISO 32000-1 §12.8.2.2), the hash-chained audit log with an
 * RFC 3161 time-stamp over its head, and every file before and after signing. Audited as an export.
 */
export async function evidencePackageOf(p: Platform, actor: Actor, contractId: string, ctx: RequestContext): Promise<{ zip: Uint8Array; name: string }> {
  const c = await p.workflow.contracts.visible(actor, contractId);
  if (c.state !== 'completed' && c.state !== 'invalidated') {
    throw new SignetError('NOT_COMPLETED', `合同尚未签署完成，暂无存证包。Contract ${c.id} is ${c.state}; its evidence package is made once every party has signed.`, { state: c.state });
  }
  const data = await p.workflow.contracts.evidence(actor, contractId, ctx);
  const inst = p.deps.installation;
  const page = buildEvidencePage(evidenceInputOf(data, { verifyUrl: `${baseUrlOf(p.deps).replace(/\/$/, '')}/verify` }), { font: p.deps.font });
  const signer = await p.keys.signerFor({ kind: 'organization', name: DEMO_PLATFORM.name, uscc: DEMO_PLATFORM.uscc });
  const signedPage = await signEvidencePage(page, { signer, timestamper: inst.timestamper, validationData: inst.validationData, clock: p.clock });
  const events = data.audit.events;
  const headTimestamp = await timestampChainHead(events[events.length - 1], inst.timestamper);
  const files = [];
  for (const f of data.files) files.push({ signed: await p.deps.blobs.get(f.sha256), original: await p.deps.blobs.get(f.originalSha256) });
  const zip = buildEvidencePackage({ evidencePage: signedPage, files, audit: { events, headTimestamp } });
  return { zip, name: `存证包-${c.bizNo ?? c.id}.zip` };
}

/** A PDF download reply with the document's UTF-8 name. */
export function pdfReply(pdf: Uint8Array, name: string, sha256: string): Reply {
  return reply.bytes(pdf, 'application/pdf', { filename: /\.pdf$/i.test(name) ? name : `${name}.pdf`, headers: { 'X-Signet-SHA256': sha256, 'Cache-Control': 'no-store' } });
}

// ------------------------------------------------------------------ routes

const BOXES: ListBox[] = ['inbox', 'outbox', 'drafts', 'all', 'todo', 'waiting', 'deadline', 'expiry', 'company_todo'];
const CONTRACT_PARAMS: JsonSchema = { type: 'object', required: ['contractId'], properties: { contractId: ID('合同 The contract') } };
const DOC_PARAMS: JsonSchema = { type: 'object', required: ['contractId', 'docId'], properties: { contractId: ID('合同 The contract'), docId: ID('文件 The document: d1, d2, …') } };
const PDF_RESPONSE = (what: string) => ({
  description: what, contentType: 'application/pdf',
  headers: {
    'Content-Disposition': { description: 'attachment, with the UTF-8 file name (RFC 6266)', schema: { type: 'string' } },
    'X-Signet-SHA256': { description: 'SHA-256 of the bytes', schema: { type: 'string' } },
  },
});
const VIEW_RESPONSE = { description: 'The contract, with what you may do now', schema: schemaRef('ContractView') };

/** The contract routes. */
export function contractRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => requirePlatform(s.platform);
  const view = async (actor: Actor, c: ContractRecord) => viewFor(p(), actor, c);
  const withLinks = async (actor: Actor, r: { contract: ContractRecord; links: LinkDelivery[] }) => ({ ...(await view(actor, r.contract)), links: linkViews(r.links) });

  return {
    schemas: {
      ContractView: CONTRACT_VIEW, ContractSigner: SIGNER_VIEW, SignatureFieldView: FIELD_VIEW, FieldValues: FIELD_VALUES, ContractSignerInput: SIGNER_INPUT,
      ContractCreate: CREATE, ContractSummary: SUMMARY, SigningLinkView: LINK_VIEW, AuditEvent: AUDIT_EVENT, Handwriting: HANDWRITING,
    },
    tags: [{ name: 'contracts', description: '合同：发起、签署、拒签、撤销、作废、下载与存证 Contracts: create, sign, reject, revoke, invalidate, download and evidence' }],
    routes: [
      defineRoute<{ body: CreateContractBody }>({
        operationId: 'createContract',
        method: 'post',
        path: '/api/v1/contracts',
        summary: '发起合同 Create a contract from uploaded files or a template',
        description: 'PDF 中 signet:sign:<role> / signet:seal:<role> 标记成为该角色签署方的签署位置（该文件中未另给位置时）。同一应用的同一 bizNo 只生成一份合同：再次发起返回 200 与 created: false。'
          + ' Markers signet:sign:<role> and signet:seal:<role> in the PDF (as the Word add-in exports them) become fields of the signer with that role, in each document where that signer has no other field.'
          + ' Idempotent on bizNo per app: the first create answers 201, a repeat 200 with created: false and the same contract, also for concurrent duplicates.'
          + ' With send: true the response carries each invited signer\'s signing link.',
        tags: ['contracts'],
        auth: ['session', 'app'],
        body: { kind: 'json', maxBytes: 1024 * 1024, schema: schemaRef('ContractCreate') },
        responses: {
          201: { description: 'Created (and sent, with send: true)', schema: CREATED },
          200: { description: 'A contract with this bizNo exists already: it is returned unchanged', schema: CREATED },
        },
        errors: [
          'NOT_FOUND', 'FORBIDDEN', 'DUPLICATE', 'IDENTITY_INVALID', 'LEVEL_UNKNOWN', 'TEMPLATE_INVALID', 'TEMPLATE_TEXT_OVERFLOW', 'TEMPLATE_BASE_SIGNED',
          'ANCHOR_NOT_FOUND', 'CONTRACT_STATE', 'VERSION_CONFLICT', 'MESSAGE_SEND_FAILED', 'RECORD_TOO_LARGE', ...PDF_ERRORS,
        ],
        handler: async ({ actor, body, req }) => {
          const r = await createContract(p(), actor, body, requestContext(req));
          return reply.json({ ...(await view(actor, r.contract)), created: r.created, links: linkViews(r.links) }, { status: r.created ? 201 : 200 });
        },
      }),
      defineRoute<{ query: Omit<ContractListQuery, 'status'> & { status?: string } }>({
        operationId: 'listContracts',
        method: 'get',
        path: '/api/v1/contracts',
        summary: '合同列表 List contracts (inbox, outbox, drafts, to sign, waiting, deadline near, expiry near, company to-do)',
        tags: ['contracts'],
        auth: ['session', 'app'],
        query: {
          type: 'object', additionalProperties: false,
          properties: {
            box: { enum: BOXES, default: 'inbox', description: '列表 The list: inbox, outbox, drafts, all (admins and apps), todo, waiting, deadline, expiry, company_todo' },
            title: str('标题包含 Title contains', 100), sender: str('发起方包含 Sender contains', 100), signer: str('签署方包含 A signer contains', 100),
            status: { enum: [...CONTRACT_STATES], description: '状态 State' }, label: str('标签 Label', 32),
            withinDays: { type: 'integer', minimum: 1, maximum: 366, description: 'deadline/expiry 列表的天数（默认 7）Days ahead for deadline and expiry (default 7)' },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
        responses: { 200: { description: 'One page, newest first', schema: { type: 'object', required: ['items', 'total'], properties: { items: { type: 'array', items: schemaRef('ContractSummary') }, total: { type: 'integer' } } } } },
        errors: ['FORBIDDEN'],
        handler: ({ actor, query }) => p().workflow.inbox.list(actor, { ...query, box: query.box ?? 'inbox', status: query.status as ContractListQuery['status'] }),
      }),
      defineRoute({
        operationId: 'countContracts',
        method: 'get',
        path: '/api/v1/contracts/counts',
        summary: '各列表数量 The count of every list',
        tags: ['contracts'],
        auth: ['session'],
        responses: {
          200: {
            description: 'Counts',
            schema: { type: 'object', required: ['inbox', 'outbox', 'drafts', 'todo', 'waiting', 'deadline', 'expiry', 'company_todo'], properties: Object.fromEntries(['inbox', 'outbox', 'drafts', 'todo', 'waiting', 'deadline', 'expiry', 'company_todo'].map((k) => [k, { type: 'integer' }])) },
          },
        },
        errors: ['FORBIDDEN'],
        handler: ({ actor }) => p().workflow.inbox.counts(actor),
      }),
      defineRoute({
        operationId: 'listContractLabels',
        method: 'get',
        path: '/api/v1/contracts/labels',
        summary: '使用中的标签 Labels in use on my contracts',
        tags: ['contracts'],
        auth: ['session'],
        responses: { 200: { description: 'Labels, most used first', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['label', 'count'], properties: { label: { type: 'string' }, count: { type: 'integer' } } } } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor }) => ({ items: await p().workflow.inbox.labels(actor) }),
      }),
      defineRoute<{ body: { action: 'remind' | 'revoke' | 'label' | 'download'; contractIds: string[]; reason?: string; labels?: string[] } }>({
        operationId: 'batchContracts',
        method: 'post',
        path: '/api/v1/contracts/batch',
        summary: '批量操作 Remind, revoke, label or download several contracts',
        description: '每份合同一个结果；任何一份不存在（或不可见）时整个请求失败。One result per contract; a contract that does not exist for you fails the whole request (NOT_FOUND; FORBIDDEN for one of your enterprise you may not see), so that ids cannot be probed one by one.'
          + ' download answers each completed document\'s download path (GET it; each download is audited).',
        tags: ['contracts'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 64 * 1024,
          schema: {
            type: 'object', additionalProperties: false, required: ['action', 'contractIds'],
            properties: {
              action: { enum: ['remind', 'revoke', 'label', 'download'] },
              contractIds: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: ID('合同 A contract') },
              reason: str('撤销原因（revoke）The reason (revoke)', 500),
              labels: { type: 'array', maxItems: 20, items: str('标签 A label', 32), description: '新的标签（label）The labels to set (label)' },
            },
          },
        },
        responses: {
          200: {
            description: 'Per-contract results',
            schema: {
              type: 'object', required: ['results'],
              properties: {
                results: {
                  type: 'array',
                  items: {
                    type: 'object', required: ['contractId', 'ok'],
                    properties: {
                      contractId: { type: 'string' }, ok: { type: 'boolean' }, code: { type: 'string' }, message: { type: 'string' }, state: { enum: [...CONTRACT_STATES] },
                      documents: { type: 'array', items: { type: 'object', required: ['docId', 'name', 'path'], properties: { docId: { type: 'string' }, name: { type: 'string' }, path: { type: 'string' } } } },
                    },
                  },
                },
              },
            },
          },
        },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, body, req }) => {
          const pl = p();
          const records: ContractRecord[] = [];
          for (const id of body.contractIds) {
            try {
              records.push(await pl.workflow.contracts.visible(actor, id));
            } catch (e) {
              if (isSignetError(e, 'NOT_FOUND')) throw new SignetError('NOT_FOUND', `合同 ${id} 不存在。Contract ${id} does not exist; remove it from contractIds.`);
              if (isSignetError(e, 'FORBIDDEN')) throw new SignetError('FORBIDDEN', `你无权查看合同 ${id}。You may not see contract ${id}; remove it from contractIds.`);
              throw e;
            }
          }
          if (body.action === 'revoke' && !body.reason) throw invalid('批量撤销须填写原因。', 'Give reason for action revoke.', { field: 'reason' });
          if (body.action === 'label' && !body.labels) throw invalid('批量设置标签须给出 labels。', 'Give labels for action label.', { field: 'labels' });
          const ctx = requestContext(req);
          const results = [];
          for (const c of records) {
            try {
              let state = c.state;
              let documents: { docId: string; name: string; path: string }[] | undefined;
              if (body.action === 'remind') state = (await pl.workflow.contracts.remind(actor, c.id, undefined, ctx)).contract.state;
              else if (body.action === 'revoke') state = (await pl.workflow.contracts.revoke(actor, c.id, { reason: body.reason! }, ctx)).state;
              else if (body.action === 'label') state = (await pl.workflow.contracts.setLabels(actor, c.id, body.labels!, ctx)).state;
              else {
                if (c.state !== 'completed' && c.state !== 'invalidated') throw new SignetError('NOT_COMPLETED', `合同尚未签署完成。Contract ${c.id} is ${c.state}, not completed.`);
                documents = c.documents.map((d) => ({ docId: d.id, name: d.name, path: `/api/v1/contracts/${encodeURIComponent(c.id)}/documents/${d.id}/download` }));
              }
              results.push({ contractId: c.id, ok: true, state, ...opt('documents', documents) });
            } catch (e) {
              if (!isSignetError(e) || e.code === 'INTERNAL') throw e;
              results.push({ contractId: c.id, ok: false, code: e.code, message: e.message });
            }
          }
          return { results };
        },
      }),
      defineRoute<{ params: { contractId: string } }>({
        operationId: 'getContract',
        method: 'get',
        path: '/api/v1/contracts/:contractId',
        summary: '合同详情 A contract: documents, signers with their states, and what you may do now',
        description: '签署方首次查看时标记为已读；每次查看都记入审计日志。A signer opening it for the first time is marked read; every view is audited.',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        responses: { 200: VIEW_RESPONSE },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, req }) => view(actor, await p().workflow.contracts.view(actor, params.contractId, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string } }>({
        operationId: 'getContractHistory',
        method: 'get',
        path: '/api/v1/contracts/:contractId/history',
        summary: '合同审计时间线 The audit timeline (hash-chained events)',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        responses: { 200: { description: 'Every event in chain order', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('AuditEvent') } } } } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => ({ items: await p().workflow.contracts.history(actor, params.contractId) }),
      }),
      defineRoute<{ params: { contractId: string } }>({
        operationId: 'sendContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/send',
        summary: '发起签署 Send a draft: the first signers get their links by SMS',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        responses: { 200: { description: 'Sent, with the signing links issued', schema: WITH_LINKS } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, req }) => withLinks(actor, await p().workflow.contracts.send(actor, params.contractId, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string }; body: { signerId?: string } }>({
        operationId: 'remindContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/remind',
        summary: '催签 Remind one signer, or every signer whose turn it is (fresh links; older ones stop working)',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        body: { kind: 'json', maxBytes: 4096, schema: { type: 'object', additionalProperties: false, properties: { signerId: ID('只催这一位 Remind only this signer') } } },
        responses: { 200: { description: 'Reminded, with the fresh links', schema: WITH_LINKS } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body, req }) => withLinks(actor, await p().workflow.contracts.remind(actor, params.contractId, body.signerId, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string }; body: { signerId?: string; proofId: string; seal?: string; handwriting?: HandwritingBody; values?: Record<string, string> } }>({
        operationId: 'signContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/sign',
        summary: '签署 Sign as the caller, after a willingness check (POST /willingness)',
        description: '签署本人在每份文件中的每个签署位置，每个签名一个增量版本。Signs every field of yours in every document, one incremental revision per signature, with your own certificate.'
          + ' An organization signer is signed by a member holding a grant for the seal. Nothing changes when a check fails, and the proof is then not spent.',
        tags: ['contracts'],
        auth: ['session'],
        params: CONTRACT_PARAMS,
        body: {
          kind: 'json', maxBytes: 2 * 1024 * 1024,
          schema: {
            type: 'object', additionalProperties: false, required: ['proofId'],
            properties: { signerId: ID('以哪个签署方身份（默认当前轮到的）Which signer (default: yours whose turn it is)'), proofId: ID('意愿认证凭证 The willingness proof'), seal: ID('企业签署方的印章 The seal, for organization signers'), handwriting: schemaRef('Handwriting'), values: schemaRef('FieldValues') },
          },
        },
        responses: { 200: VIEW_RESPONSE },
        errors: SIGN_ERRORS,
        handler: async ({ actor, params, body, req }) => {
          const r = await p().workflow.contracts.sign(actor, params.contractId, { ...opt('signerId', body.signerId), proofId: body.proofId, ...opt('seal', body.seal), ...opt('handwriting', handwritingOf(body.handwriting)), ...opt('values', body.values) }, requestContext(req));
          return view(actor, r.contract);
        },
      }),
      defineRoute<{ params: { contractId: string }; body: { signerId?: string; seal?: string; authority?: ExternalApproval } }>({
        operationId: 'stampContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/stamp',
        summary: '静默签署 Stamp silently under a standing auto-stamp authorization (enterprise apps and connectors)',
        description: '企业签署方由企业应用在自动盖章授权下盖章，可附 OA 审批作为依据，记入审计日志与用印记录。The enterprise\'s integrator app stamps its organization signer under a standing authorization of the seal;'
          + ' authority (e.g. the OA approval that asked for it) is recorded in the audit log and the seal ledger. People sign with POST /sign instead (FORBIDDEN here).',
        tags: ['contracts'],
        auth: ['app', 'session'],
        params: CONTRACT_PARAMS,
        body: {
          kind: 'json', maxBytes: 64 * 1024,
          schema: {
            type: 'object', additionalProperties: false,
            properties: {
              signerId: ID('企业签署方 The organization signer'), seal: ID('印章 The seal'),
              authority: {
                type: 'object', additionalProperties: false, required: ['kind', 'system', 'instanceCode', 'approvers'],
                description: '本次用印的审批依据 The approval this use was asked under',
                properties: {
                  kind: { const: 'approval' }, system: str('审批系统，如 lark Approval system, e.g. lark', 50), instanceCode: str('审批实例号 Approval instance code', 128), title: str('审批标题 Title'),
                  approvers: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'object', additionalProperties: false, required: ['name', 'at'], properties: { name: str('审批人 Approver', 100), at: TIME, userId: ID('审批人的用户 The approver\'s user') } } },
                },
              },
            },
          },
        },
        responses: { 200: VIEW_RESPONSE },
        errors: SIGN_ERRORS,
        handler: async ({ actor, params, body, req }) => {
          const r = await p().workflow.contracts.signSilently(actor, params.contractId, { ...opt('signerId', body.signerId), ...opt('seal', body.seal), ...opt('authority', body.authority) }, requestContext(req));
          return view(actor, r.contract);
        },
      }),
      defineRoute<{ params: { contractId: string }; body: { reason: string; signerId?: string } }>({
        operationId: 'rejectContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/reject',
        summary: '拒签 Reject signing, with a reason: the contract ends rejected',
        tags: ['contracts'],
        auth: ['session'],
        params: CONTRACT_PARAMS,
        body: { kind: 'json', maxBytes: 8192, schema: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: str('拒签原因 The reason', 500), signerId: ID('以哪个签署方身份 Which signer') } } },
        responses: { 200: VIEW_RESPONSE },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body, req }) => view(actor, await p().workflow.contracts.reject(actor, params.contractId, { reason: body.reason, ...opt('signerId', body.signerId) }, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string }; body: { reason: string } }>({
        operationId: 'revokeContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/revoke',
        summary: '撤销 Revoke a draft or signing contract: every signing link stops working',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        body: { kind: 'json', maxBytes: 8192, schema: REASON('撤销原因 The reason') },
        responses: { 200: VIEW_RESPONSE },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body, req }) => view(actor, await p().workflow.contracts.revoke(actor, params.contractId, body, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string }; body: { reason: string } }>({
        operationId: 'invalidateContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/invalidate',
        summary: '作废 Invalidate a completed contract: an invalidation agreement that every party signs',
        description: '生成作废协议（载明合同、文件 SHA-256 与原因）发给原合同各方；全部签署后原合同变为「已作废」，原 PDF 不被改动。'
          + ' Draws up an invalidation agreement (the contract, its files\' SHA-256 and the reason) and sends it to every party; once all have signed it, the original becomes invalidated. The original PDF is never changed.',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        body: { kind: 'json', maxBytes: 8192, schema: REASON('作废原因 The reason') },
        responses: { 201: { description: 'The invalidation agreement (a contract of kind invalidation), sent, with its signing links', schema: WITH_LINKS } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'VERSION_CONFLICT', 'DUPLICATE'],
        handler: async ({ actor, params, body, req }) => {
          const r = await p().workflow.contracts.invalidate(actor, params.contractId, body, requestContext(req));
          return reply.json(await withLinks(actor, r), { status: 201 });
        },
      }),
      defineRoute<{ params: { contractId: string }; body: { deadline: string } }>({
        operationId: 'extendContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/extend',
        summary: '延期 Extend the signing deadline (active links live until the new one)',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        body: { kind: 'json', maxBytes: 4096, schema: { type: 'object', additionalProperties: false, required: ['deadline'], properties: { deadline: { ...TIME, description: '新的截止时间 The new deadline' } } } },
        responses: { 200: VIEW_RESPONSE },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body, req }) => view(actor, await p().workflow.contracts.extend(actor, params.contractId, { deadline: new Date(body.deadline) }, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string } }>({
        operationId: 'finishContract',
        method: 'post',
        path: '/api/v1/contracts/:contractId/finish',
        summary: '锁定并完成 Lock and finish a contract created with autoFinish: false, once everyone signed',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        responses: { 200: VIEW_RESPONSE },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'VERSION_CONFLICT', 'TSA_FAILED'],
        handler: async ({ actor, params, req }) => view(actor, await p().workflow.contracts.finish(actor, params.contractId, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string }; body: { labels: string[] } }>({
        operationId: 'setContractLabels',
        method: 'put',
        path: '/api/v1/contracts/:contractId/labels',
        summary: '设置标签 Set the contract\'s labels',
        tags: ['contracts'],
        auth: ['session'],
        params: CONTRACT_PARAMS,
        body: { kind: 'json', maxBytes: 8192, schema: { type: 'object', additionalProperties: false, required: ['labels'], properties: { labels: { type: 'array', maxItems: 20, items: str('标签 A label', 32) } } } },
        responses: { 200: VIEW_RESPONSE },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body, req }) => view(actor, await p().workflow.contracts.setLabels(actor, params.contractId, body.labels, requestContext(req))),
      }),
      defineRoute<{ params: { contractId: string; docId: string } }>({
        operationId: 'previewContractDocument',
        method: 'get',
        path: '/api/v1/contracts/:contractId/documents/:docId/preview',
        summary: '预览 The current revision of a document (parties only)',
        tags: ['contracts'],
        auth: ['session', 'app', 'link'],
        params: DOC_PARAMS,
        responses: { 200: PDF_RESPONSE('The current PDF') },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, req }) => {
          const { document, pdf } = await p().workflow.contracts.preview(actor, params.contractId, params.docId, requestContext(req));
          return pdfReply(pdf, document.name, document.current);
        },
      }),
      defineRoute<{ params: { contractId: string; docId: string } }>({
        operationId: 'downloadContractDocument',
        method: 'get',
        path: '/api/v1/contracts/:contractId/documents/:docId/download',
        summary: '下载 The completed PDF (parties only; NOT_COMPLETED before)',
        tags: ['contracts'],
        auth: ['session', 'app', 'link'],
        params: DOC_PARAMS,
        responses: { 200: PDF_RESPONSE('The completed, signed PDF') },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'NOT_COMPLETED', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, req }) => {
          const { document, pdf } = await p().workflow.contracts.download(actor, params.contractId, params.docId, requestContext(req));
          return pdfReply(pdf, document.name, document.current);
        },
      }),
      defineRoute<{ params: { contractId: string } }>({
        operationId: 'getContractEvidence',
        method: 'get',
        path: '/api/v1/contracts/:contractId/evidence',
        summary: '存证包 The evidence package (zip) of a completed contract, verifiable offline with `signet evidence verify`',
        tags: ['contracts'],
        auth: ['session', 'app'],
        params: CONTRACT_PARAMS,
        responses: {
          200: {
            description: 'The zip: manifest.json, evidence-page.pdf (signed by the platform), audit-events.json (with a time-stamp over the chain head), original/ and signed/ files',
            contentType: 'application/zip',
            headers: { 'Content-Disposition': { description: 'attachment, with the UTF-8 file name', schema: { type: 'string' } } },
          },
        },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'NOT_COMPLETED', 'VERSION_CONFLICT', 'TSA_FAILED', 'INVALID_ARGUMENT'],
        handler: async ({ actor, params, req }) => {
          const { zip, name } = await evidencePackageOf(p(), actor, params.contractId, requestContext(req));
          return reply.bytes(zip, 'application/zip', { filename: name, headers: { 'Cache-Control': 'no-store' } });
        },
      }),
    ],
  };
}
