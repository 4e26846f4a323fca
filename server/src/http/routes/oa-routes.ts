/**
 * The OA connector's routes on the Signet server (`@signet/connector-oa`, mounted through
 * `platform.oa`):
 *
 * - `POST /lark/events`: the Lark/Feishu event subscription URL. Lark signs and encrypts its
 *   pushes; the connector's receiver checks them on the raw bytes and hands them to the SDK's
 *   `EventDispatcher` with `adaptExpress`, which answers the URL challenge.
 * - `POST /oa/webhook`: the generic OA webhook (HMAC-signed JSON, see the README).
 * - `POST /api/v1/oa/lark/instances`: files a seal-use request in Lark on behalf of the Word
 *   add-in or the console (the PDF uploaded first with `POST /files`).
 * - `GET /api/v1/oa/requests`: what became of an approval instance.
 *
 * Until the connector is configured every route answers 404 `NOT_FOUND`, saying what to set.
 */
import { SignetError, type Actor } from '@signet/core';
import { OA_SIGNATURE_HEADER, type OaRequestView } from '@signet/connector-oa';
import type { Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { platformOf } from './route-helpers.js';

const REQUEST: JsonSchema = {
  type: 'object',
  description: '用印申请的处理情况 What became of a seal-use request',
  required: ['id', 'system', 'instanceId', 'status', 'outcome', 'statuses', 'updatedAt'],
  properties: {
    id: { type: 'string', description: '`<system>:<instance id>`' },
    system: { type: 'string', description: 'lark, dingtalk, wecom, weaver, …' },
    instanceId: { type: 'string' },
    status: { type: 'string', description: 'The latest status the OA reported (APPROVED, REJECTED, …)' },
    outcome: { enum: ['pending', 'stamping', 'stamped', 'completed', 'refused', 'failed', 'rejected', 'canceled', 'deleted', 'reverted', 'ignored', 'counterparty_declined'] },
    contractId: { type: 'string' },
    sealId: { type: 'string' },
    stampedAt: { type: 'string', format: 'date-time' },
    ledgerEntryIds: { type: 'array', items: { type: 'string' }, description: 'The seal-ledger entries of the stamp' },
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
    statuses: { type: 'array', items: { type: 'object', required: ['status', 'at'], properties: { status: { type: 'string' }, at: { type: 'string', format: 'date-time' } } } },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

const SUBMIT: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fileId', 'sealId', 'reason', 'applicant'],
  properties: {
    fileId: { type: 'string', minLength: 1, description: 'The PDF, uploaded with POST /api/v1/files' },
    sealId: { type: 'string', minLength: 1, description: 'One of the enterprise\'s enabled seals' },
    reason: { type: 'string', minLength: 1, maxLength: 2000, description: '用印事由 Reason' },
    useType: { enum: ['contract', 'certificate', 'letter', 'other'], description: '用印类型 Use type (default contract)' },
    copies: { type: 'integer', minimum: 1, maximum: 1000 },
    counterparty: { type: 'string', maxLength: 200 },
    counterpartySigns: { type: 'boolean', description: '需相对方签署 The counterparty signs after the stamp' },
    counterpartySigner: { type: 'string', maxLength: 100 },
    counterpartyMobile: { type: 'string', maxLength: 32 },
    applicant: {
      type: 'object', additionalProperties: false, minProperties: 1,
      description: 'The applicant in Lark: open_id, user_id or mobile (resolved with the contact API)',
      properties: { openId: { type: 'string', minLength: 1 }, userId: { type: 'string', minLength: 1 }, mobile: { type: 'string', minLength: 5, maxLength: 32 } },
    },
    requestId: { type: 'string', minLength: 1, maxLength: 64, description: 'Makes a retried submission create one instance' },
  },
};

const OA_ERRORS = ['NOT_FOUND', 'FORBIDDEN', 'OA_UPSTREAM_FAILED'] as const;

/** The mounted connector's enterprise must be the caller's: a connector stamps for one enterprise. */
async function requireOwnConnector(p: Platform, actor: Actor) {
  const built = p.oa.require();
  const tenant = actor.kind === 'member' || actor.kind === 'app' ? actor.enterpriseId : undefined;
  if (!tenant || tenant !== (await built.connector.enterpriseId())) {
    throw new SignetError('NOT_FOUND', '此企业未连接 OA。No OA connector serves your enterprise on this server.');
  }
  return built;
}

/** The OA connector's routes. */
export function oaRoutes(s: { platform?: Platform }): RouteModule {
  return {
    schemas: { OaRequest: REQUEST, OaLarkSubmission: SUBMIT },
    tags: [{ name: 'oa', description: 'OA 连接器 Seal-use approvals from Lark/Feishu and other OA systems' }],
    routes: [
      defineRoute<{ body: Buffer }>({
        operationId: 'larkEvents',
        method: 'post',
        path: '/lark/events',
        summary: '飞书事件订阅地址 The Lark/Feishu event subscription URL (approval_instance events, URL challenge)',
        description: 'Configure this URL in the Lark app (事件与回调 → 事件配置 → 请求地址). Pushes are checked on their raw bytes: X-Lark-Signature, '
          + 'the timestamp, the nonce, AES-256-CBC decryption with the encrypt key, and the verification token. What fails is refused with 401 OA_EVENT_INVALID.',
        tags: ['oa'],
        auth: ['public'],
        body: { kind: 'binary', contentTypes: ['application/json'], maxBytes: 1024 * 1024, description: 'The push as Lark sends it: {"encrypt": "…"}' },
        responses: { 200: { description: 'Accepted (or the challenge answered)', schema: { type: 'object' } } },
        errors: ['NOT_FOUND', 'OA_EVENT_INVALID'],
        handler: async ({ req, res }) => {
          const receiver = platformOf(s).oa.require().receiver;
          if (!receiver) throw new SignetError('NOT_FOUND', '未配置飞书应用。No Lark app is configured for the OA connector (SIGNET_OA_LARK_APP_ID …).');
          await receiver.handle(req, res);
          return undefined;
        },
      }),
      defineRoute<{ body: Buffer }>({
        operationId: 'oaWebhook',
        method: 'post',
        path: '/oa/webhook',
        summary: '通用 OA 回调 The generic OA webhook (DingTalk, WeCom, 泛微 …): an HMAC-signed approval result',
        description: 'See the README, "Other OA systems". Sign `<t>.<raw body>` with HMAC-SHA256 under the shared secret and send `X-Signet-Signature: t=<t>,v1=<hex>`. '
          + 'Answers 202 once the request is stored; the result is posted, signed the same way, to callbackUrl.',
        tags: ['oa'],
        auth: ['public'],
        body: { kind: 'binary', contentTypes: ['application/json'], maxBytes: 70 * 1024 * 1024, description: 'The webhook JSON' },
        responses: {
          200: { description: 'A duplicate of an event already received', schema: { type: 'object', required: ['accepted'], properties: { accepted: { const: true }, duplicate: { type: 'boolean' }, requestId: { type: 'string' }, outcome: { type: 'string' } } } },
          202: { description: 'Accepted', schema: { type: 'object', required: ['accepted'], properties: { accepted: { const: true }, requestId: { type: 'string' }, outcome: { type: 'string' } } } },
        },
        errors: ['NOT_FOUND', 'OA_EVENT_INVALID', 'OA_UPSTREAM_FAILED', 'PAYLOAD_TOO_LARGE'],
        handler: async ({ req, body }) => {
          const built = platformOf(s).oa.require();
          const sig = req.headers[OA_SIGNATURE_HEADER];
          const r = await built.connector.onGenericWebhook(Array.isArray(sig) ? sig[0] : sig, body);
          return reply.json(r.body, { status: r.status });
        },
      }),
      defineRoute<{ body: { fileId: string; sealId: string; reason: string; useType?: string; copies?: number; counterparty?: string; counterpartySigns?: boolean; counterpartySigner?: string; counterpartyMobile?: string; applicant: { openId?: string; userId?: string; mobile?: string }; requestId?: string }; result: { instanceCode: string } }>({
        operationId: 'submitLarkSealRequest',
        method: 'post',
        path: '/api/v1/oa/lark/instances',
        summary: '发起飞书用印申请 File a seal-use request (用印申请) in Lark on someone\'s behalf',
        description: 'For the Word add-in and the console: the uploaded PDF goes to Lark\'s approval file endpoint, then the instance is created. '
          + 'When it is approved, the connector stamps it and comments on it.',
        tags: ['oa'],
        auth: ['session', 'app'],
        body: { kind: 'json', schema: schemaRef('OaLarkSubmission') },
        responses: { 201: { description: 'Created in Lark', schema: { type: 'object', required: ['instanceCode'], properties: { instanceCode: { type: 'string' } } } } },
        errors: [...OA_ERRORS],
        handler: async ({ actor, body }) => {
          const p = platformOf(s);
          const built = await requireOwnConnector(p, actor);
          const { record, bytes } = await p.files.get(actor, body.fileId);
          const r = await built.connector.submitLarkRequest({ ...body, pdf: bytes, fileName: record.name || `${body.fileId}.pdf` });
          return reply.json(r, { status: 201 });
        },
      }),
      defineRoute<{ query: { system?: string; instanceId: string }; result: OaRequestView }>({
        operationId: 'getOaRequest',
        method: 'get',
        path: '/api/v1/oa/requests',
        summary: '用印申请处理情况 What became of an approval instance: stamped, refused, rejected …',
        tags: ['oa'],
        auth: ['session', 'app'],
        query: {
          type: 'object', additionalProperties: false, required: ['instanceId'],
          properties: { system: { type: 'string', default: 'lark', description: 'lark (default) or the generic webhook\'s system' }, instanceId: { type: 'string', minLength: 1 } },
        },
        responses: { 200: { description: 'The request', schema: schemaRef('OaRequest') } },
        errors: [...OA_ERRORS],
        handler: async ({ actor, query }) => {
          const built = await requireOwnConnector(platformOf(s), actor);
          return built.connector.request(query.system ?? 'lark', query.instanceId);
        },
      }),
    ],
  };
}
