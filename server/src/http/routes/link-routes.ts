/**
 * The routes of the signer's page `/sign/<token>` (docs/api-surface.md, "Server part B"). The page
 * sends its link token as `Authorization: Link <token>`; the token stands for one signer of one
 * contract.
 *
 * - `GET /link`: what the page shows (the contract, my signer and fields, the other signers'
 *   states, my real-name status, the willingness methods I can use now, what I may do).
 * - `POST /link/identity` + `/code`: real-name verification inside the flow (name + ID number, then
 *   phone three-factor with a code to the signer's mobile) when the person is not verified yet.
 * - `POST /link/sign`, `POST /link/reject`, and the documents to read and download.
 *
 * What a link may still do once used: a link that signed or rejected stays valid until it expires
 * (the signing deadline, or 30 days) for looking only: `GET /link` (the status), the documents'
 * current revision, and the completed PDF. Signing, rejecting, identity and willingness answer
 * `LINK_USED`. Expired, revoked and unknown links answer `LINK_EXPIRED`, `LINK_REVOKED` and
 * `AUTH_LINK_INVALID`.
 */
import { SignetError, type Actor, type ContractAction, type ContractRecord, type VerificationView, type WillingnessOption } from '@signet/core';
import { requirePlatform, type Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { handwritingOf, pdfReply, requestContext, signerView, type SignerView } from './contract-routes.js';
import { LINK_SYSTEM_ACTOR } from './willingness-routes.js';

type LinkActor = Extract<Actor, { kind: 'link' }>;

/** What the holder of a link may do now. */
export type LinkAction = 'verify_identity' | 'sign' | 'reject' | 'download';

/** The signer's page view of `GET /link`. */
export interface LinkPageView {
  contract: {
    id: string;
    kind: ContractRecord['kind'];
    title: string;
    state: ContractRecord['state'];
    order: ContractRecord['order'];
    sender: { name?: string; enterpriseName?: string };
    deadline?: string;
    sentAt?: string;
    completedAt?: string;
    documents: { id: string; name: string; pages: number; sha256: string }[];
  };
  me: SignerView;
  others: { id: string; kind: 'person' | 'organization'; name: string; step: number; state: string; signedAt?: string }[];
  realName: { status: 'unverified' | 'pending' | 'verified' | 'not_applicable' };
  willingness: { methods: WillingnessOption[]; available: WillingnessOption[]; handwriting: 'required' | 'forbidden' | 'optional' };
  link: { used: boolean; expiresAt: string };
  actions: LinkAction[];
}

function linkActor(actor: Actor): LinkActor {
  if (actor.kind !== 'link') throw new SignetError('AUTH_REQUIRED', '请使用签署链接打开。Open this with a signing link (Authorization: Link <token>).');
  return actor;
}

/** The page view of `c` for the link's holder (no audit: callers that show it audit the view). */
export async function linkPageView(p: Platform, actor: LinkActor, c: ContractRecord): Promise<LinkPageView> {
  const me = c.signers.find((s) => s.id === actor.signerId);
  const link = await p.workflow.collections.links.get(actor.linkId);
  if (!me || !link) throw new SignetError('NOT_FOUND', '签署链接对应的签署方不存在。The signer of this link no longer exists; ask the sender for a new link.');
  const core = await p.workflow.contracts.actionsFor(actor, c);
  const user = me.kind === 'person' && me.userId ? await p.directory.getUser(me.userId) : undefined;
  const status = me.kind === 'person' ? (user?.realName.status ?? 'unverified') : 'not_applicable';
  const willUser = me.kind === 'person' ? me.userId : me.operator;
  const available = willUser ? await p.willingness.availableMethods(willUser, me.willingness) : [];
  const canAct = core.includes('sign') || core.includes('reject');
  const actions: LinkAction[] = [];
  if (canAct && status !== 'verified' && status !== 'not_applicable') actions.push('verify_identity');
  for (const a of ['sign', 'reject', 'download'] as ContractAction[]) if (core.includes(a)) actions.push(a as LinkAction);
  return {
    contract: {
      id: c.id, kind: c.kind, title: c.title, state: c.state, order: c.order,
      sender: { ...(c.sender.name ? { name: c.sender.name } : {}), ...(c.sender.enterpriseName ? { enterpriseName: c.sender.enterpriseName } : {}) },
      ...(c.deadline ? { deadline: c.deadline } : {}), ...(c.sentAt ? { sentAt: c.sentAt } : {}), ...(c.completedAt ? { completedAt: c.completedAt } : {}),
      documents: c.documents.map((d) => ({ id: d.id, name: d.name, pages: d.pages, sha256: d.current })),
    },
    me: signerView(me),
    others: c.signers.filter((s) => s.id !== me.id).map((s) => ({ id: s.id, kind: s.kind, name: s.name, step: s.step, state: s.state, ...(s.signedAt ? { signedAt: s.signedAt } : {}) })),
    realName: { status },
    willingness: { methods: [...me.willingness.methods], available, handwriting: me.willingness.handwriting },
    link: { used: !!link.usedAt, expiresAt: link.expiresAt },
    actions,
  };
}

/** The person behind an unused link whose turn it is, for real-name verification in the flow. */
async function personOfLink(p: Platform, actor: LinkActor): Promise<{ userId: string; name: string }> {
  const { signer } = await p.workflow.contracts.signerFor(actor, actor.contractId);
  if (signer.kind !== 'person' || !signer.userId) {
    throw new SignetError('INVALID_ARGUMENT', '企业签署方请由企业在控制台完成企业实名。An organization signer is verified by its enterprise in the console, not through a signing link.');
  }
  return { userId: signer.userId, name: signer.name };
}

function verificationOut(v: VerificationView) {
  return {
    verificationId: v.id, method: v.method, status: v.status, ...(v.next ? { next: v.next } : {}), ...(v.mobileMasked ? { mobileMasked: v.mobileMasked } : {}),
    expiresAt: v.expiresAt, ...(v.passedAt ? { passedAt: v.passedAt } : {}), ...(v.failedReason ? { failedReason: v.failedReason } : {}),
  };
}

const LINK_VIEW: JsonSchema = {
  type: 'object',
  required: ['contract', 'me', 'others', 'realName', 'willingness', 'link', 'actions'],
  properties: {
    contract: {
      type: 'object', required: ['id', 'kind', 'title', 'state', 'order', 'sender', 'documents'],
      properties: {
        id: { type: 'string' }, kind: { enum: ['contract', 'invalidation'] }, title: { type: 'string' }, state: { type: 'string' }, order: { enum: ['sequential', 'parallel'] },
        sender: { type: 'object', properties: { name: { type: 'string' }, enterpriseName: { type: 'string' } } },
        deadline: { type: 'string', format: 'date-time' }, sentAt: { type: 'string', format: 'date-time' }, completedAt: { type: 'string', format: 'date-time' },
        documents: { type: 'array', items: { type: 'object', required: ['id', 'name', 'pages', 'sha256'], properties: { id: { type: 'string' }, name: { type: 'string' }, pages: { type: 'integer' }, sha256: { type: 'string' } } } },
      },
    },
    me: schemaRef('ContractSigner'),
    others: {
      type: 'array', description: '其他签署方的状态 The other signers\' states',
      items: { type: 'object', required: ['id', 'kind', 'name', 'step', 'state'], properties: { id: { type: 'string' }, kind: { enum: ['person', 'organization'] }, name: { type: 'string' }, step: { type: 'integer' }, state: { type: 'string' }, signedAt: { type: 'string', format: 'date-time' } } },
    },
    realName: { type: 'object', required: ['status'], properties: { status: { enum: ['unverified', 'pending', 'verified', 'not_applicable'], description: '未实名时先 POST /link/identity Before signing, an unverified person verifies with POST /link/identity' } } },
    willingness: {
      type: 'object', required: ['methods', 'available', 'handwriting'],
      properties: {
        methods: { type: 'array', items: { enum: ['sms_otp', 'password', 'face'] }, description: '策略允许的方式 Methods the policy allows' },
        available: { type: 'array', items: { enum: ['sms_otp', 'password', 'face'] }, description: '此刻可用的方式 Methods usable now' },
        handwriting: { enum: ['required', 'forbidden', 'optional'] },
      },
    },
    link: { type: 'object', required: ['used', 'expiresAt'], properties: { used: { type: 'boolean' }, expiresAt: { type: 'string', format: 'date-time' } } },
    actions: { type: 'array', items: { enum: ['verify_identity', 'sign', 'reject', 'download'] }, description: '此刻可做的操作 What you may do now' },
  },
};
const VERIFICATION: JsonSchema = {
  type: 'object', required: ['verificationId', 'method', 'status', 'expiresAt'],
  properties: {
    verificationId: { type: 'string' }, method: { type: 'string' }, status: { type: 'string' },
    next: { enum: ['enter_code', 'report_transfer', 'wait_for_review'] }, mobileMasked: { type: 'string' },
    expiresAt: { type: 'string', format: 'date-time' }, passedAt: { type: 'string', format: 'date-time' }, failedReason: { type: 'string' },
  },
};
const LINK_ERRORS = ['NOT_FOUND', 'FORBIDDEN', 'VERSION_CONFLICT'] as const;
const DOC_PARAM: JsonSchema = { type: 'object', required: ['docId'], properties: { docId: { type: 'string', minLength: 1, maxLength: 16, description: '文件 The document: d1, d2, …' } } };

/** The signer's page routes. */
export function linkRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => requirePlatform(s.platform);
  const view = async (actor: Actor, c: ContractRecord) => linkPageView(p(), linkActor(actor), c);
  return {
    schemas: { LinkPageView: LINK_VIEW, LinkVerification: VERIFICATION },
    tags: [{ name: 'link', description: '签署链接：外部签署方的签署页 Signing links: the external signer\'s page (Authorization: Link <token>)' }],
    routes: [
      defineRoute({
        operationId: 'getLink',
        method: 'get',
        path: '/api/v1/link',
        summary: '签署页 The signing page\'s view: the contract, my fields, the others\' states, what I may do',
        description: '首次打开时标记为已读，每次查看记入审计日志。签署或拒签之后，链接在到期前仍可查看状态和下载完成的 PDF。'
          + ' Opening it marks my signer read; every view is audited. After I signed or rejected, the link still shows the status and downloads the completed PDF until it expires.',
        tags: ['link'],
        auth: ['link'],
        responses: { 200: { description: 'The page\'s view', schema: schemaRef('LinkPageView') } },
        errors: [...LINK_ERRORS],
        handler: async ({ actor, req }) => {
          const a = linkActor(actor);
          return view(a, await p().workflow.contracts.view(a, a.contractId, requestContext(req)));
        },
      }),
      defineRoute<{ body: { name: string; idNumber: string; method?: 'phone3' } }>({
        operationId: 'startLinkIdentity',
        method: 'post',
        path: '/api/v1/link/identity',
        summary: '签署流程中实名认证 Real-name verification inside the signing flow: name + ID number, then a code to my mobile',
        description: '姓名须与合同上的签署方姓名一致；核验手机三要素后向签署方手机发送验证码。The name must be the signer\'s name on the contract;'
          + ' name, ID number (GB 11643) and the signer\'s mobile are checked (phone three-factor), then a code goes to that mobile: confirm it with /link/identity/{verificationId}/code.',
        tags: ['link'],
        auth: ['link'],
        body: {
          kind: 'json', maxBytes: 4096,
          schema: {
            type: 'object', additionalProperties: false, required: ['name', 'idNumber'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 50, description: '姓名 Name as on the ID card' },
              idNumber: { type: 'string', minLength: 15, maxLength: 18, description: '居民身份证号 Resident ID number (18 digits, GB 11643)' },
              method: { const: 'phone3', description: '手机三要素（默认）Phone three-factor (the default and only method on a link)' },
            },
          },
        },
        responses: { 201: { description: 'Checked; the code is on its way to the signer\'s mobile', schema: schemaRef('LinkVerification') } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'IDENTITY_INVALID', 'IDENTITY_CHECK_FAILED', 'IDENTITY_VERIFICATION_CLOSED', 'IDENTITY_PROVIDER_FAILED',
          'DUPLICATE', 'RATE_LIMITED', 'OTP_LOCKED', 'MESSAGE_SEND_FAILED', 'VERSION_CONFLICT'],
        handler: async ({ actor, body }) => {
          const pl = p();
          const a = linkActor(actor);
          const person = await personOfLink(pl, a);
          if (body.name.replace(/\s/g, '') !== person.name.replace(/\s/g, '')) {
            throw new SignetError('IDENTITY_CHECK_FAILED', `姓名须与合同上的签署方「${person.name}」一致；如有误请联系发起方更正。The name must be the signer's name on the contract (${person.name}); ask the sender to correct the contract if it is wrong.`, { check: 'name' });
          }
          const v = await pl.realName.startPersonVerification(LINK_SYSTEM_ACTOR, person.userId, { name: body.name, idNumber: body.idNumber, method: 'phone3', mobile: await pl.directory.mobileOf(person.userId) });
          return reply.json(verificationOut(v), { status: 201 });
        },
      }),
      defineRoute<{ params: { verificationId: string }; body: { code: string } }>({
        operationId: 'confirmLinkIdentity',
        method: 'post',
        path: '/api/v1/link/identity/:verificationId/code',
        summary: '确认实名验证码 Confirm the real-name verification with the code sent to my mobile',
        tags: ['link'],
        auth: ['link'],
        params: { type: 'object', required: ['verificationId'], properties: { verificationId: { type: 'string', minLength: 1, maxLength: 128 } } },
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['code'], properties: { code: { type: 'string', pattern: '^[0-9]{4,8}$', description: '短信验证码 The SMS code' } } } },
        responses: { 200: { description: 'Verified (status passed)', schema: schemaRef('LinkVerification') } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'OTP_INVALID', 'OTP_EXPIRED', 'OTP_LOCKED', 'IDENTITY_VERIFICATION_CLOSED', 'DUPLICATE', 'VERSION_CONFLICT'],
        handler: async ({ actor, params, body }) => {
          const pl = p();
          const person = await personOfLink(pl, linkActor(actor));
          const v = await pl.realName.getVerification(params.verificationId).catch(() => undefined);
          if (!v || v.subjectKind !== 'person' || v.subjectId !== person.userId) {
            throw new SignetError('NOT_FOUND', `实名认证 ${params.verificationId} 不存在。Verification ${params.verificationId} does not exist for this signer; start one with POST /api/v1/link/identity.`);
          }
          return verificationOut(await pl.realName.confirmCode(LINK_SYSTEM_ACTOR, params.verificationId, body.code));
        },
      }),
      defineRoute<{ body: { proofId: string; handwriting?: Parameters<typeof handwritingOf>[0]; values?: Record<string, string> } }>({
        operationId: 'signLink',
        method: 'post',
        path: '/api/v1/link/sign',
        summary: '签署 Sign every field of mine in every document, with a willingness proof',
        tags: ['link'],
        auth: ['link'],
        body: {
          kind: 'json', maxBytes: 2 * 1024 * 1024,
          schema: {
            type: 'object', additionalProperties: false, required: ['proofId'],
            properties: {
              proofId: { type: 'string', minLength: 1, maxLength: 128, description: '意愿认证凭证 The proof from POST /willingness/{challengeId}/confirm' },
              handwriting: schemaRef('Handwriting'),
              values: schemaRef('FieldValues'),
            },
          },
        },
        responses: { 200: { description: 'Signed: the page\'s view afterwards', schema: schemaRef('LinkPageView') } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'SEAL_NOT_GRANTED', 'SEAL_DISABLED', 'WILLINGNESS_REQUIRED', 'IDENTITY_NOT_VERIFIED',
          'VERSION_CONFLICT', 'TSA_FAILED', 'IMAGE_INVALID', 'SVG_UNSUPPORTED', 'SEAL_TEXT_TOO_LONG', 'DOCMDP_LOCKED', 'PDF_FIELD_EXISTS', 'PDF_FIELD_MISSING', 'INVALID_ARGUMENT', 'PDF_RECT_OFF_PAGE', 'PDF_MALFORMED', 'CA_NOT_INITIALISED', 'SIGNATURE_TOO_LARGE', 'KEY_UNSUPPORTED'],
        handler: async ({ actor, body, req }) => {
          const a = linkActor(actor);
          const r = await p().workflow.contracts.sign(a, a.contractId, { proofId: body.proofId, ...(body.handwriting ? { handwriting: handwritingOf(body.handwriting) } : {}), ...(body.values ? { values: body.values } : {}) }, requestContext(req));
          return view(a, r.contract);
        },
      }),
      defineRoute<{ body: { reason: string } }>({
        operationId: 'rejectLink',
        method: 'post',
        path: '/api/v1/link/reject',
        summary: '拒签 Reject, with a reason: the contract ends rejected',
        tags: ['link'],
        auth: ['link'],
        body: { kind: 'json', maxBytes: 8192, schema: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 500, description: '拒签原因 The reason' } } } },
        responses: { 200: { description: 'Rejected: the page\'s view afterwards', schema: schemaRef('LinkPageView') } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'CONTRACT_STATE', 'SIGNER_OUT_OF_TURN', 'VERSION_CONFLICT'],
        handler: async ({ actor, body, req }) => {
          const a = linkActor(actor);
          return view(a, await p().workflow.contracts.reject(a, a.contractId, { reason: body.reason, signerId: a.signerId }, requestContext(req)));
        },
      }),
      defineRoute<{ params: { docId: string } }>({
        operationId: 'getLinkDocument',
        method: 'get',
        path: '/api/v1/link/documents/:docId',
        summary: '阅读文件 The current revision of a document, to read',
        tags: ['link'],
        auth: ['link'],
        params: DOC_PARAM,
        responses: { 200: { description: 'The current PDF', contentType: 'application/pdf', headers: { 'Content-Disposition': { description: 'attachment, with the UTF-8 file name', schema: { type: 'string' } } } } },
        errors: [...LINK_ERRORS],
        handler: async ({ actor, params, req }) => {
          const a = linkActor(actor);
          const { document, pdf } = await p().workflow.contracts.preview(a, a.contractId, params.docId, requestContext(req));
          return pdfReply(pdf, document.name, document.current);
        },
      }),
      defineRoute<{ params: { docId: string } }>({
        operationId: 'downloadLinkDocument',
        method: 'get',
        path: '/api/v1/link/documents/:docId/download',
        summary: '下载完成的文件 The completed PDF (NOT_COMPLETED before every party signed)',
        tags: ['link'],
        auth: ['link'],
        params: DOC_PARAM,
        responses: { 200: { description: 'The completed, signed PDF', contentType: 'application/pdf', headers: { 'Content-Disposition': { description: 'attachment, with the UTF-8 file name', schema: { type: 'string' } } } } },
        errors: [...LINK_ERRORS, 'NOT_COMPLETED'],
        handler: async ({ actor, params, req }) => {
          const a = linkActor(actor);
          const { document, pdf } = await p().workflow.contracts.download(a, a.contractId, params.docId, requestContext(req));
          return pdfReply(pdf, document.name, document.current);
        },
      }),
    ],
  };
}
