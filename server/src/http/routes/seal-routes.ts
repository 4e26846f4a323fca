/**
 * Seal management (印章管理) over HTTP: generated seals from a `SealSpec` (`core/src/seal/`, the
 * server adds its font), uploaded seal images, live SVG previews, enabling and disabling, grants to
 * members, standing auto-stamp authorizations, and the seal ledger (用印记录) as JSON or CSV.
 * `SealService` checks the tenant and the seal-admin role and records every change in the seal's
 * audit chain; another enterprise's seal, grant or authorization answers NOT_FOUND.
 */
import {
  SignetError, assertCan, can, drawingToSvg, generateSeal, sealImage,
  type Actor, type AutoStampScope, type SealCategory, type SealGrantRecord, type SealLedgerEntry, type SealRecord, type SealSpec,
  type StandingAuthorizationRecord,
} from '@signet/core';
import type { Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { imageToSvg } from './image-svg.js';
import { contextOf, DATE_TIME, itemsSchema, pageOf, pageSchema, PAGE_QUERY, platformOf, tenantOf, text, type Page } from './route-helpers.js';

const CATEGORIES = ['official', 'contract', 'finance', 'invoice', 'legal_representative', 'hr', 'other'] as const;

const num = (description: string, min: number, max: number): JsonSchema => ({ type: 'number', minimum: min, maximum: max, description });

/** `SealSpec` of core/src/seal without the fonts: the server draws with its own CJK font. */
const SPEC: JsonSchema = {
  type: 'object',
  description: '印章规格 A generated seal: core SealSpec without fonts. round: name, sealType, code; oval: name, taxNumber; square: text; date: date (preview only). Sizes in mm.',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['round', 'oval', 'square', 'date'] },
    name: text('企业名称 round/oval: the name along the top arc', 60),
    sealType: text('印章类型 round/oval: e.g. 合同专用章, 公章, 发票专用章', 20),
    code: { type: 'string', pattern: '^[0-9]{13}$', description: '印章编码 round: the 13-digit seal code on the bottom arc' },
    taxNumber: text('纳税人识别号 oval: the taxpayer number', 32),
    text: text('文字 square: e.g. 张三之印; date: the text along the top arc', 40),
    bottomText: text('date (round): the text along the bottom arc', 20),
    date: { type: 'string', format: 'date', description: 'date: the day shown (YYYY-MM-DD, China Standard Time)' },
    shape: { enum: ['rect', 'round'] },
    format: { enum: ['dots', 'cjk', 'iso'] },
    layout: { enum: ['grid', 'row'] },
    style: { enum: ['yang', 'yin'] },
    innerBorder: { type: 'boolean' },
    diameter: num('round: diameter', 10, 120),
    width: num('oval: width', 10, 120),
    height: num('oval: height', 10, 120),
    size: num('square: side; date: height or diameter', 5, 120),
    border: num('border width', 0.1, 5),
    starSize: num('round: star diameter (0: none)', 0, 60),
    nameHeight: num('name character height', 1, 30),
    nameSpan: num('degrees the name spreads over', 30, 330),
    typeHeight: num('seal type character height', 1, 30),
    codeHeight: num('code digit height', 0.5, 10),
    taxHeight: num('oval: taxpayer number height', 0.5, 10),
    taxCharWidth: num('oval: taxpayer number character width', 0.3, 5),
    innerRing: num('round: inner ring gap', 0, 10),
    color: { type: 'string', pattern: '^#[0-9A-Fa-f]{6}$', description: 'Ink colour, default seal red #E60012' },
    aged: {
      type: 'object', additionalProperties: false, required: ['seed'],
      properties: { seed: { type: 'integer', minimum: 0, maximum: 2_147_483_647 }, strength: { type: 'number', minimum: 0, maximum: 1 } },
      description: 'A deterministic worn look',
    },
  },
};

const SEAL: JsonSchema = {
  type: 'object',
  description: '印章 A seal of the enterprise',
  required: ['id', 'enterpriseId', 'name', 'category', 'source', 'enabled', 'createdAt', 'imageUrl'],
  properties: {
    id: { type: 'string' },
    enterpriseId: { type: 'string' },
    name: { type: 'string' },
    category: { enum: [...CATEGORIES] },
    source: { enum: ['generated', 'uploaded'] },
    spec: schemaRef('SealSpec'),
    enabled: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
    imageUrl: { type: 'string', description: 'The seal as SVG: GET this path' },
  },
};

const GRANT: JsonSchema = {
  type: 'object',
  description: '印章授权 A member\'s right to use a seal',
  required: ['id', 'sealId', 'userId', 'grantedBy', 'grantedAt', 'active'],
  properties: {
    id: { type: 'string' }, sealId: { type: 'string' }, userId: { type: 'string' }, userName: { type: 'string' },
    grantedBy: { type: 'string' }, grantedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' }, revokedAt: { type: 'string', format: 'date-time' }, active: { type: 'boolean' },
  },
};

const SCOPE: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: '范围 Every listed restriction must match; none listed means any contract',
  properties: {
    appIds: { type: 'array', items: text('appId', 128), maxItems: 50, description: 'Only contracts sent by these integrator apps' },
    templateIds: { type: 'array', items: text('templateId', 128), maxItems: 50, description: 'Only contracts made from these templates' },
    senders: { type: 'array', items: text('enterprise id, or self', 128), maxItems: 50, description: 'Only contracts sent by these enterprises (`self`: this one)' },
  },
};

const AUTHORIZATION: JsonSchema = {
  type: 'object',
  description: '自动盖章授权 A standing authorization to stamp without a person\'s willingness check',
  required: ['id', 'sealId', 'scope', 'grantedBy', 'createdAt', 'expiresAt', 'active'],
  properties: {
    id: { type: 'string' }, sealId: { type: 'string' }, scope: schemaRef('AutoStampScope'), grantedBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time' }, purpose: { type: 'string' }, active: { type: 'boolean' },
  },
};

const LEDGER_ENTRY: JsonSchema = {
  type: 'object',
  description: '用印记录 One use of a seal, or a refused attempt',
  required: ['id', 'enterpriseId', 'sealId', 'sealName', 'contractId', 'contractTitle', 'documents', 'operator', 'at', 'outcome'],
  properties: {
    id: { type: 'string' }, enterpriseId: { type: 'string' }, sealId: { type: 'string' }, sealName: { type: 'string' },
    contractId: { type: 'string' }, contractTitle: { type: 'string' },
    documents: { type: 'array', items: { type: 'object', required: ['id', 'sha256'], properties: { id: { type: 'string' }, sha256: { type: 'string' } } } },
    operator: { type: 'object', required: ['kind', 'id'], properties: { kind: { enum: ['user', 'integrator', 'system', 'signer'] }, id: { type: 'string' } } },
    authority: { type: 'object', description: 'The grant, standing authorization or OA approval it was done under', properties: { kind: { type: 'string' } } },
    at: { type: 'string', format: 'date-time' },
    outcome: { enum: ['stamped', 'refused'] },
    reason: { type: 'string' },
  },
};

/** A seal as the API shows it: no blob ids, no audit head. */
export interface SealView {
  id: string;
  enterpriseId: string;
  name: string;
  category: SealCategory;
  source: SealRecord['source'];
  spec?: Record<string, unknown>;
  enabled: boolean;
  createdAt: string;
  createdBy: string;
  imageUrl: string;
}

function sealView(r: SealRecord): SealView {
  return {
    id: r.id, enterpriseId: r.tenant, name: r.name, category: r.category, source: r.source, ...(r.spec ? { spec: r.spec } : {}),
    enabled: r.enabled, createdAt: r.createdAt, createdBy: r.createdBy, imageUrl: `/api/v1/seals/${r.id}/image.svg`,
  };
}

function grantView(g: SealGrantRecord, now: Date, userName?: string) {
  return {
    id: g.id, sealId: g.seal, userId: g.userId, ...(userName ? { userName } : {}), grantedBy: g.grantedBy, grantedAt: g.grantedAt,
    ...(g.expiresAt ? { expiresAt: g.expiresAt } : {}), ...(g.revokedAt ? { revokedAt: g.revokedAt } : {}),
    active: !g.revokedAt && (!g.expiresAt || Date.parse(g.expiresAt) > now.getTime()),
  };
}

function authorizationView(a: StandingAuthorizationRecord, now: Date) {
  return {
    id: a.id, sealId: a.seal, scope: a.scope, grantedBy: a.grantedBy, createdAt: a.createdAt, expiresAt: a.expiresAt,
    ...(a.revokedAt ? { revokedAt: a.revokedAt } : {}), ...(a.purpose ? { purpose: a.purpose } : {}),
    active: !a.revokedAt && Date.parse(a.expiresAt) > now.getTime(),
  };
}

function ledgerView(e: SealLedgerEntry) {
  return {
    id: e.id, enterpriseId: e.tenant, sealId: e.seal, sealName: e.sealName, contractId: e.contractId, contractTitle: e.contractTitle,
    documents: e.documents, operator: e.operator, ...(e.authority ? { authority: e.authority } : {}), at: e.at, outcome: e.outcome,
    ...(e.reason ? { reason: e.reason } : {}),
  };
}

/** One CSV cell (RFC 4180), with formula-looking text defused for spreadsheets (CSV injection). */
function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const AUTHORITY_LABEL: Record<string, string> = { grant: '印章授权 grant', standing: '自动盖章授权 standing authorization', approval: 'OA 审批 approval' };

/** The seal ledger as CSV with a UTF-8 BOM, so that Excel opens the Chinese text correctly. */
export function ledgerCsv(entries: readonly SealLedgerEntry[]): string {
  const head = ['时间 Time', '印章 Seal', '印章ID Seal id', '合同 Contract', '合同ID Contract id', '操作人 Operator', '授权 Authority', '审批单号 Approval', '结果 Outcome', '原因 Reason', '文件 Documents (SHA-256)'];
  const rows = entries.map((e) => [
    e.at, e.sealName, e.seal, e.contractTitle, e.contractId, `${e.operator.kind}:${e.operator.id}`,
    e.authority ? AUTHORITY_LABEL[e.authority.kind] ?? e.authority.kind : '', e.authority?.kind === 'approval' ? `${e.authority.system}:${e.authority.instanceCode}` : '',
    e.outcome === 'stamped' ? '已盖章 stamped' : '已拒绝 refused', e.reason ?? '', e.documents.map((d) => `${d.id}:${d.sha256}`).join(' '),
  ]);
  return `\uFEFF${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** The seal routes. */
export function sealRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => platformOf(s);
  const seals = () => p().workflow.seals;
  const svgs = new Map<string, string>();

  /** Draws a spec (fonts added) as SVG; INVALID_ARGUMENT or SEAL_TEXT_TOO_LONG when it cannot be drawn. */
  const drawSpec = (spec: Record<string, unknown>): string => {
    const full = { ...spec, font: p().deps.font } as Record<string, unknown>;
    if (spec.type === 'date') full.date = new Date(typeof spec.date === 'string' ? `${spec.date}T12:00:00+08:00` : p().clock.now());
    return drawingToSvg(generateSeal(full as unknown as SealSpec));
  };
  const sealSvg = async (r: SealRecord): Promise<string> => {
    const key = `${r.id}:${r.version}`;
    let svg = svgs.get(key);
    if (!svg) {
      svg = r.spec ? drawSpec(r.spec) : imageToSvg(await p().deps.blobs.get(r.image!));
      if (svgs.size > 2000) svgs.clear();
      svgs.set(key, svg);
    }
    return svg;
  };
  /** The seal if the actor's enterprise owns it (NOT_FOUND otherwise), then the role check for `action`. */
  const managed = async (actor: Actor, sealId: string, action: 'seal.grant' | 'seal.manage'): Promise<SealRecord> => {
    const seal = await seals().get(actor, sealId);
    assertCan(actor, action, { enterpriseId: seal.tenant });
    return seal;
  };
  const svgReply = (svg: string) => reply.bytes(svg, 'image/svg+xml; charset=utf-8', { headers: { 'Cache-Control': 'private, max-age=60' } });

  return {
    schemas: { SealSpec: SPEC, Seal: SEAL, SealGrant: GRANT, AutoStampScope: SCOPE, SealAuthorization: AUTHORIZATION, SealLedgerEntry: LEDGER_ENTRY },
    tags: [{ name: 'seals', description: '印章管理 Seals: generate, upload, enable, grant, authorize auto-stamping, and the seal ledger' }],
    routes: [
      defineRoute<{ query: { enabled?: boolean; limit?: number; offset?: number }; result: Page<SealView> }>({
        operationId: 'listSeals',
        method: 'get',
        path: '/api/v1/seals',
        summary: '印章列表 The enterprise\'s seals (members who are not seal admins see the seals granted to them)',
        tags: ['seals'],
        auth: ['session', 'app'],
        query: { type: 'object', additionalProperties: false, properties: { enabled: { type: 'boolean', description: 'Only enabled (true) or disabled (false) seals' }, ...PAGE_QUERY } },
        responses: { 200: { description: 'Seals, oldest first', schema: pageSchema(schemaRef('Seal'), 'Seals') } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor, query }) => {
          const tenant = tenantOf(actor);
          const all = actor.kind === 'app' || can(actor, 'seal.grant', { enterpriseId: tenant })
            ? await seals().list(actor)
            : (await seals().sealsOf(actor)).map((x) => x.seal);
          return pageOf(all.filter((r) => query.enabled === undefined || r.enabled === query.enabled).map(sealView), query);
        },
      }),
      defineRoute<{ body: { name: string; category: SealCategory; spec: Record<string, unknown> }; result: SealView }>({
        operationId: 'createSeal',
        method: 'post',
        path: '/api/v1/seals',
        summary: '生成印章 Create a generated seal from a spec (seal admins)',
        description: 'A date stamp (`type: date`) shows the signing day and is not kept as a seal: preview it with POST /seals/preview.',
        tags: ['seals'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 8192,
          schema: { type: 'object', additionalProperties: false, required: ['name', 'category', 'spec'], properties: { name: text('印章名称 e.g. 合同专用章', 50), category: { enum: [...CATEGORIES] }, spec: schemaRef('SealSpec') } },
        },
        responses: { 201: { description: 'Created, enabled', schema: schemaRef('Seal') } },
        errors: ['SEAL_TEXT_TOO_LONG', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body, req }) => {
          const tenant = tenantOf(actor);
          assertCan(actor, 'seal.create', { enterpriseId: tenant });
          if (body.spec.type === 'date') throw new SignetError('INVALID_ARGUMENT', '日期章不能保存为印章，请用 round、oval 或 square。A date stamp is not kept as a seal: use type round, oval or square.', { in: 'body', field: 'spec.type' });
          drawSpec(body.spec);
          const rec = await seals().create(actor, { name: body.name, category: body.category, spec: body.spec }, contextOf(req));
          return reply.json(sealView(rec), { status: 201 });
        },
      }),
      defineRoute<{ query: { name: string; category: SealCategory }; body: Buffer; result: SealView }>({
        operationId: 'uploadSeal',
        method: 'post',
        path: '/api/v1/seals/upload',
        summary: '上传印章图片 Create a seal from an uploaded image: PNG (transparency kept), JPEG or SVG (seal admins)',
        description: 'Send the image as the raw body. A white paper background is made transparent when the seal is drawn. SVG features that cannot be drawn as vectors are refused with SVG_UNSUPPORTED.',
        tags: ['seals'],
        auth: ['session'],
        query: { type: 'object', additionalProperties: false, required: ['name', 'category'], properties: { name: text('印章名称', 50), category: { enum: [...CATEGORIES] } } },
        body: { kind: 'binary', contentTypes: ['image/png', 'image/jpeg', 'image/svg+xml'], maxBytes: 2 * 1024 * 1024, description: 'The seal image' },
        responses: { 201: { description: 'Created, enabled', schema: schemaRef('Seal') } },
        errors: ['IMAGE_INVALID', 'SVG_UNSUPPORTED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, query, body, req }) => {
          assertCan(actor, 'seal.create', { enterpriseId: tenantOf(actor) });
          sealImage(body, { removeWhiteBackground: true });
          const rec = await seals().create(actor, { name: query.name, category: query.category, image: body }, contextOf(req));
          return reply.json(sealView(rec), { status: 201 });
        },
      }),
      defineRoute<{ body: { spec: Record<string, unknown> } }>({
        operationId: 'previewSeal',
        method: 'post',
        path: '/api/v1/seals/preview',
        summary: '印章预览 Draw a spec as SVG without saving it (live preview)',
        tags: ['seals'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 8192, schema: { type: 'object', additionalProperties: false, required: ['spec'], properties: { spec: schemaRef('SealSpec') } } },
        responses: { 200: { description: 'The seal', contentType: 'image/svg+xml' } },
        errors: ['SEAL_TEXT_TOO_LONG', 'FORBIDDEN'],
        handler: ({ actor, body }) => {
          tenantOf(actor);
          return svgReply(drawSpec(body.spec));
        },
      }),
      defineRoute<{ params: { sealId: string }; result: SealView }>({
        operationId: 'getSeal',
        method: 'get',
        path: '/api/v1/seals/:sealId',
        summary: '印章详情 A seal',
        tags: ['seals'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The seal', schema: schemaRef('Seal') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => sealView(await seals().get(actor, params.sealId)),
      }),
      defineRoute<{ params: { sealId: string } }>({
        operationId: 'getSealImage',
        method: 'get',
        path: '/api/v1/seals/:sealId/image.svg',
        summary: '印章图片 The seal as SVG',
        tags: ['seals'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The seal', contentType: 'image/svg+xml' } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'IMAGE_INVALID'],
        handler: async ({ actor, params }) => svgReply(await sealSvg(await seals().get(actor, params.sealId))),
      }),
      defineRoute<{ params: { sealId: string }; body: { enabled: boolean }; result: SealView }>({
        operationId: 'setSealEnabled',
        method: 'put',
        path: '/api/v1/seals/:sealId/enabled',
        summary: '启用或停用印章 Enable or disable a seal; a disabled seal cannot sign (seal admins)',
        tags: ['seals'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 512, schema: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } } },
        responses: { 200: { description: 'The seal', schema: schemaRef('Seal') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, body, req }) => {
          await managed(actor, params.sealId, 'seal.manage');
          return sealView(await seals().setEnabled(actor, params.sealId, body.enabled, contextOf(req)));
        },
      }),
      defineRoute<{ params: { sealId: string } }>({
        operationId: 'listSealGrants',
        method: 'get',
        path: '/api/v1/seals/:sealId/grants',
        summary: '印章授权列表 The grants of a seal, active and past (seal admins)',
        tags: ['seals'],
        auth: ['session'],
        responses: { 200: { description: 'Grants', schema: itemsSchema(schemaRef('SealGrant'), 'Grants, oldest first') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => {
          await managed(actor, params.sealId, 'seal.grant');
          const now = p().clock.now();
          const grants = await seals().grants(actor, params.sealId);
          const names = new Map<string, string | undefined>();
          for (const g of grants) if (!names.has(g.userId)) names.set(g.userId, (await p().directory.getUser(g.userId))?.name);
          return { items: grants.map((g) => grantView(g, now, names.get(g.userId))) };
        },
      }),
      defineRoute<{ params: { sealId: string }; body: { userId: string; expiresAt?: string } }>({
        operationId: 'grantSeal',
        method: 'post',
        path: '/api/v1/seals/:sealId/grants',
        summary: '授权印章 Grant a seal to a member of the enterprise, optionally until a time (seal admins)',
        description: 'Granting again while a grant is active returns that grant.',
        tags: ['seals'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: text('成员 The member\'s user id', 128), expiresAt: { ...DATE_TIME, description: '到期时间 Expiry (optional)' } } } },
        responses: { 201: { description: 'The active grant', schema: schemaRef('SealGrant') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, body, req }) => {
          const seal = await managed(actor, params.sealId, 'seal.grant');
          const m = await p().directory.collections.memberships.getBy('pair', `${seal.tenant}|${body.userId}`);
          if (!m || m.roles.length === 0) throw new SignetError('NOT_FOUND', `用户 ${body.userId} 不是本企业成员。User ${body.userId} is not a member of your enterprise; invite them first.`);
          const member = await p().directory.getUser(body.userId);
          const g = await seals().grant(actor, params.sealId, { userId: body.userId, ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt) } : {}) }, contextOf(req));
          return reply.json(grantView(g, p().clock.now(), member?.name), { status: 201 });
        },
      }),
      defineRoute<{ params: { sealId: string; grantId: string } }>({
        operationId: 'revokeSealGrant',
        method: 'delete',
        path: '/api/v1/seals/:sealId/grants/:grantId',
        summary: '收回授权 Revoke a grant (seal admins)',
        tags: ['seals'],
        auth: ['session'],
        responses: { 204: { description: 'Revoked' } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, req }) => {
          const seal = await managed(actor, params.sealId, 'seal.grant');
          const g = await p().workflow.collections.grants.get(params.grantId);
          if (!g || g.seal !== seal.id) throw new SignetError('NOT_FOUND', `授权 ${params.grantId} 不存在。No grant ${params.grantId} of seal ${seal.id}.`);
          await seals().revokeGrant(actor, params.grantId, contextOf(req));
          return reply.empty();
        },
      }),
      defineRoute<{ params: { sealId: string }; body: { expiresAt: string; scope?: AutoStampScope; purpose?: string } }>({
        operationId: 'authorizeAutoStamp',
        method: 'post',
        path: '/api/v1/seals/:sealId/authorizations',
        summary: '自动盖章授权 A standing authorization for silent stamping with this seal, within a scope, until it expires (seal admins)',
        description: 'Within the scope, the enterprise\'s integrator apps (and the OA connector acting for it) may stamp with POST /contracts/{contractId}/stamp without a person\'s willingness check. Every such stamp is recorded in the audit log and the seal ledger.',
        tags: ['seals'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 8192,
          schema: { type: 'object', additionalProperties: false, required: ['expiresAt'], properties: { expiresAt: { ...DATE_TIME, description: '到期时间 When it ends (required)' }, scope: schemaRef('AutoStampScope'), purpose: text('用途 Why, e.g. HR onboarding contracts', 200) } },
        },
        responses: { 201: { description: 'Authorized', schema: schemaRef('SealAuthorization') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, body, req }) => {
          await managed(actor, params.sealId, 'seal.grant');
          const a = await seals().authorizeAutoStamp(actor, { seal: params.sealId, expiresAt: new Date(body.expiresAt), scope: body.scope, purpose: body.purpose }, contextOf(req));
          return reply.json(authorizationView(a, p().clock.now()), { status: 201 });
        },
      }),
      defineRoute<{ params: { sealId: string } }>({
        operationId: 'listAutoStampAuthorizations',
        method: 'get',
        path: '/api/v1/seals/:sealId/authorizations',
        summary: '自动盖章授权列表 The standing authorizations of a seal (seal admins)',
        tags: ['seals'],
        auth: ['session'],
        responses: { 200: { description: 'Authorizations', schema: itemsSchema(schemaRef('SealAuthorization'), 'Authorizations, oldest first') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => {
          await managed(actor, params.sealId, 'seal.grant');
          const now = p().clock.now();
          return { items: (await seals().authorizations(actor, params.sealId)).map((a) => authorizationView(a, now)) };
        },
      }),
      defineRoute<{ params: { sealId: string; authorizationId: string } }>({
        operationId: 'revokeAutoStampAuthorization',
        method: 'delete',
        path: '/api/v1/seals/:sealId/authorizations/:authorizationId',
        summary: '撤销自动盖章授权 Revoke a standing authorization (seal admins)',
        tags: ['seals'],
        auth: ['session'],
        responses: { 204: { description: 'Revoked' } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, req }) => {
          const seal = await managed(actor, params.sealId, 'seal.grant');
          const a = await p().workflow.collections.authorizations.get(params.authorizationId);
          if (!a || a.seal !== seal.id) throw new SignetError('NOT_FOUND', `授权 ${params.authorizationId} 不存在。No authorization ${params.authorizationId} of seal ${seal.id}.`);
          await seals().revokeAutoStamp(actor, params.authorizationId, contextOf(req));
          return reply.empty();
        },
      }),
      defineRoute<{ query: { seal?: string; contractId?: string; from?: string; to?: string; enterpriseId?: string; format?: 'json' | 'csv'; limit?: number; offset?: number } }>({
        operationId: 'getSealLedger',
        method: 'get',
        path: '/api/v1/seal-ledger',
        summary: '用印记录 The seal ledger, newest first; ?format=csv exports CSV (UTF-8 with BOM, for Excel)',
        description: 'Seal admins (and above) and apps read their enterprise\'s; headquarters pass `enterpriseId` to read a subsidiary\'s (group control). `from`/`to` bound the time (inclusive from, exclusive to). With `format=csv` the answer is `text/csv` with every matching entry.',
        tags: ['seals'],
        auth: ['session', 'app'],
        query: {
          type: 'object', additionalProperties: false,
          properties: {
            seal: text('印章ID Only this seal', 128), contractId: text('合同ID Only this contract', 128),
            from: { ...DATE_TIME, description: 'From this time (inclusive)' }, to: { ...DATE_TIME, description: 'Until this time (exclusive)' },
            enterpriseId: text('下属企业ID A subsidiary (group control)', 128), format: { enum: ['json', 'csv'], default: 'json' }, ...PAGE_QUERY,
          },
        },
        responses: { 200: { description: 'Ledger entries (JSON), or text/csv with ?format=csv', schema: pageSchema(schemaRef('SealLedgerEntry'), 'Ledger entries, newest first') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, query }) => {
          let entries = await seals().ledger(actor, { enterpriseId: query.enterpriseId, seal: query.seal, contractId: query.contractId });
          const from = query.from ? Date.parse(query.from) : -Infinity;
          const to = query.to ? Date.parse(query.to) : Infinity;
          entries = entries.filter((e) => Date.parse(e.at) >= from && Date.parse(e.at) < to);
          if (query.format === 'csv') return reply.bytes(ledgerCsv(entries), 'text/csv; charset=utf-8', { filename: '用印记录 seal-ledger.csv' });
          return pageOf(entries.map((e) => clean(ledgerView(e))), query);
        },
      }),
    ],
  };

}
