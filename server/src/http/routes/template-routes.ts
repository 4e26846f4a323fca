/**
 * Templates (模板), bundles (合同组合) and the clause library (条款库) over HTTP. A template is an
 * uploaded base PDF (`fileId`) plus a `TemplateDefinition` (`core/src/template/`); it is checked
 * against its PDF when created (every field placed, every anchor found), and previews fill it with
 * sample values without saving anything. `TemplateService` scopes everything to the caller's
 * enterprise and checks the template-admin role; another enterprise's ids answer NOT_FOUND.
 */
import {
  assertCan, describeVariables, fillTemplate, parseTemplate, randomIdGenerator,
  type Actor, type BundleRecord, type TemplateDefinition, type TemplateRecord, type TemplateVariable, type TemplateVariables,
} from '@signet/core';
import { ClauseService, clauseView, type ClauseView } from '../../clauses/clause-service.js';
import type { Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { auditEnterprise, contextOf, pageOf, pageSchema, PAGE_QUERY, platformOf, tenantOf, text, type Page } from './route-helpers.js';

const VARIABLE: JsonSchema = {
  type: 'object',
  description: '模板变量 A variable the template reads',
  required: ['name', 'type', 'required', 'fields'],
  properties: {
    name: { type: 'string' }, type: { enum: ['text', 'date', 'number', 'checkbox'] }, required: { type: 'boolean' },
    fields: { type: 'array', items: { type: 'string' } }, label: { type: 'string' },
  },
};

const TEMPLATE_SUMMARY: JsonSchema = {
  type: 'object',
  description: '模板 A template of the enterprise',
  required: ['id', 'name', 'roles', 'variables', 'createdAt'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' }, description: 'The signer roles its signature and seal fields name' },
    variables: { type: 'array', items: { type: 'string' }, description: 'The variable names it fills' },
    createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: 'string' },
  },
};

const TEMPLATE_DETAIL: JsonSchema = {
  type: 'object',
  description: '模板详情 A template with its definition and the variables it needs',
  required: ['id', 'name', 'roles', 'variables', 'createdAt', 'definition', 'pdfUrl'],
  properties: {
    ...(TEMPLATE_SUMMARY.properties as Record<string, JsonSchema>),
    variables: { type: 'array', items: schemaRef('TemplateVariable') },
    definition: { type: 'object', description: 'The TemplateDefinition (core/src/template); basePdf is the blob id of the base PDF' },
    pdfUrl: { type: 'string' },
  },
};

const BUNDLE: JsonSchema = {
  type: 'object',
  description: '合同组合 A bundle: templates filled from one set of variables and signed in one pass',
  required: ['id', 'name', 'templateIds', 'createdAt'],
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, templateIds: { type: 'array', items: { type: 'string' } },
    templates: { type: 'array', items: schemaRef('TemplateSummary') },
    variables: { type: 'array', items: schemaRef('TemplateVariable'), description: 'The union of its templates\' variables' },
    roles: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: 'string' },
  },
};

const CLAUSE: JsonSchema = {
  type: 'object',
  description: '条款 A clause of the clause library',
  required: ['id', 'title', 'html', 'createdAt'],
  properties: { id: { type: 'string' }, title: { type: 'string' }, html: { type: 'string', description: 'Simple HTML: p, br, b, i, u, lists, headings, tables' }, category: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
};

/** A template as lists show it. */
export interface TemplateSummaryView {
  id: string;
  name: string;
  roles: string[];
  variables: string[];
  createdAt: string;
  createdBy: string;
}

/** Sample values for every variable: short text, today, a number within bounds, ticked boxes. */
export function sampleVariables(def: TemplateDefinition, today: Date): TemplateVariables {
  const out: TemplateVariables = {};
  const iso = new Date(today.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  for (const v of describeVariables(def)) {
    const f = def.fields.find((x) => x.name === v.fields[0]) as { min?: number; max?: number } | undefined;
    if (v.type === 'text') out[v.name] = '示例';
    else if (v.type === 'date') out[v.name] = iso;
    else if (v.type === 'number') out[v.name] = f?.min ?? Math.min(f?.max ?? 1000, 1000);
    else out[v.name] = true;
  }
  return out;
}

/** The variables of several templates, each once (first occurrence wins; required if any requires it). */
function unionVariables(lists: TemplateVariable[][]): TemplateVariable[] {
  const out = new Map<string, TemplateVariable>();
  for (const list of lists) {
    for (const v of list) {
      const cur = out.get(v.name);
      if (!cur) out.set(v.name, { ...v, fields: [...v.fields] });
      else {
        cur.required ||= v.required;
        cur.fields.push(...v.fields.filter((f) => !cur.fields.includes(f)));
      }
    }
  }
  return [...out.values()];
}

/** The template, bundle and clause routes. */
export function templateRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => platformOf(s);
  const templates = () => p().workflow.templates;
  let clauses: ClauseService | undefined;
  const clauseService = () => (clauses ??= new ClauseService({ store: p().deps.records, clock: p().clock, ids: p().deps.ids ?? randomIdGenerator }));

  const summary = (t: TemplateRecord): TemplateSummaryView => ({
    id: t.id, name: t.name, roles: t.roles, variables: describeVariables(t.definition as TemplateDefinition).map((v) => v.name),
    createdAt: t.createdAt, createdBy: t.createdBy,
  });
  const detail = (t: TemplateRecord) => ({
    ...summary(t), variables: describeVariables(t.definition as TemplateDefinition), definition: t.definition, pdfUrl: `/api/v1/templates/${t.id}/pdf`,
  });
  const bundleDetail = async (actor: Actor, b: BundleRecord) => {
    const ts = await Promise.all(b.templateIds.map((id) => templates().get(actor, id)));
    return {
      id: b.id, name: b.name, templateIds: b.templateIds, templates: ts.map(summary),
      variables: unionVariables(ts.map((t) => describeVariables(t.definition as TemplateDefinition))),
      roles: [...new Set(ts.flatMap((t) => t.roles))], createdAt: b.createdAt, createdBy: b.createdBy,
    };
  };
  /** Fills a template with sample values (overridden by `vars`); TEMPLATE_INVALID lists every problem. */
  const preview = async (def: TemplateDefinition, basePdf: Uint8Array, vars: TemplateVariables = {}) =>
    fillTemplate(def, basePdf, { ...sampleVariables(def, p().clock.now()), ...vars }, { font: p().deps.font });

  return {
    schemas: { TemplateVariable: VARIABLE, TemplateSummary: TEMPLATE_SUMMARY, Template: TEMPLATE_DETAIL, Bundle: BUNDLE, Clause: CLAUSE },
    tags: [
      { name: 'templates', description: '模板与合同组合 Templates and bundles' },
      { name: 'clauses', description: '条款库 The clause library (for the Word add-in)' },
    ],
    routes: [
      defineRoute<{ query: { q?: string; limit?: number; offset?: number }; result: Page<TemplateSummaryView> }>({
        operationId: 'listTemplates',
        method: 'get',
        path: '/api/v1/templates',
        summary: '模板列表 The enterprise\'s templates',
        tags: ['templates'],
        auth: ['session', 'app'],
        query: { type: 'object', additionalProperties: false, properties: { q: text('按名称搜索 Search the names', 100), ...PAGE_QUERY } },
        responses: { 200: { description: 'Templates, oldest first', schema: pageSchema(schemaRef('TemplateSummary'), 'Templates') } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor, query }) => {
          const q = query.q?.toLowerCase();
          return pageOf((await templates().list(actor)).filter((t) => !q || t.name.toLowerCase().includes(q)).map(summary), query);
        },
      }),
      defineRoute<{ body: { name: string; fileId: string; definition: Record<string, unknown>; roles?: string[] } }>({
        operationId: 'createTemplate',
        method: 'post',
        path: '/api/v1/templates',
        summary: '创建模板 Create a template from an uploaded base PDF and a definition (template admins)',
        description: 'Upload the base PDF with POST /files first. `definition` is a TemplateDefinition (see the README, "Templates and bundles"); its `id`, `name` and `basePdf` may be left out. '
          + 'The definition is checked against the PDF before anything is stored: every problem (a page or rectangle outside the PDF, an anchor text that is not there, a bad field) is reported at once with TEMPLATE_INVALID.',
        tags: ['templates'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 256 * 1024,
          schema: {
            type: 'object', additionalProperties: false, required: ['name', 'fileId', 'definition'],
            properties: {
              name: text('模板名称 Template name', 100), fileId: text('底稿 The fileId of the uploaded base PDF', 128),
              definition: { type: 'object', description: 'TemplateDefinition: { fields: [...], defaults? }' },
              roles: { type: 'array', items: text('role', 50), maxItems: 20, description: 'Signer roles (default: those the fields name)' },
            },
          },
        },
        responses: { 201: { description: 'Created', schema: schemaRef('Template') } },
        errors: ['TEMPLATE_INVALID', 'TEMPLATE_TEXT_OVERFLOW', 'TEMPLATE_BASE_SIGNED', 'PDF_ENCRYPTED', 'PDF_MALFORMED', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body, req }) => {
          const tenant = tenantOf(actor);
          assertCan(actor, 'template.write', { enterpriseId: tenant });
          const { record, bytes } = await p().files.get(actor, body.fileId);
          const def = parseTemplate({ schema: 'signet.template.v1', id: 'template', name: body.name, ...body.definition, basePdf: record.sha256 });
          await preview(def, bytes);
          const t = await templates().create(actor, { name: body.name, definition: def, basePdf: bytes, roles: body.roles });
          await auditEnterprise(p(), tenant, 'template.created', actor, { templateId: t.id, name: t.name, fileId: body.fileId, sha256: record.sha256, ip: contextOf(req).ip });
          return reply.json(detail(t), { status: 201 });
        },
      }),
      defineRoute<{ params: { templateId: string } }>({
        operationId: 'getTemplate',
        method: 'get',
        path: '/api/v1/templates/:templateId',
        summary: '模板详情 A template, with the variables it needs',
        tags: ['templates'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The template', schema: schemaRef('Template') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => detail(await templates().get(actor, params.templateId)),
      }),
      defineRoute<{ params: { templateId: string } }>({
        operationId: 'getTemplatePdf',
        method: 'get',
        path: '/api/v1/templates/:templateId/pdf',
        summary: '模板底稿 The template\'s base PDF',
        tags: ['templates'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The base PDF', contentType: 'application/pdf' } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => {
          const t = await templates().get(actor, params.templateId);
          return reply.bytes(await p().deps.blobs.get(t.basePdf), 'application/pdf', { filename: `${t.name}.pdf` });
        },
      }),
      defineRoute<{ params: { templateId: string }; body: { vars?: TemplateVariables } }>({
        operationId: 'previewTemplate',
        method: 'post',
        path: '/api/v1/templates/:templateId/preview',
        summary: '模板预览 Fill the template with sample values (or yours) and return the PDF; nothing is saved',
        tags: ['templates'],
        auth: ['session', 'app'],
        body: { kind: 'json', maxBytes: 256 * 1024, schema: { type: 'object', additionalProperties: false, properties: { vars: { type: 'object', description: 'Values that replace the samples' } } } },
        responses: { 200: { description: 'The filled, unsigned PDF', contentType: 'application/pdf' } },
        errors: ['TEMPLATE_INVALID', 'TEMPLATE_TEXT_OVERFLOW', 'NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, body }) => {
          const t = await templates().get(actor, params.templateId);
          const filled = await preview(t.definition as TemplateDefinition, await p().deps.blobs.get(t.basePdf), body.vars);
          return reply.bytes(filled.pdf, 'application/pdf', { filename: `${t.name}（预览 preview）.pdf` });
        },
      }),
      defineRoute<{ query: { limit?: number; offset?: number } }>({
        operationId: 'listBundles',
        method: 'get',
        path: '/api/v1/bundles',
        summary: '合同组合列表 The enterprise\'s bundles',
        tags: ['templates'],
        auth: ['session', 'app'],
        query: { type: 'object', additionalProperties: false, properties: PAGE_QUERY },
        responses: { 200: { description: 'Bundles, oldest first', schema: pageSchema(schemaRef('Bundle'), 'Bundles') } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor, query }) => pageOf((await templates().listBundles(actor)).map((b) => ({ id: b.id, name: b.name, templateIds: b.templateIds, createdAt: b.createdAt, createdBy: b.createdBy })), query),
      }),
      defineRoute<{ body: { name: string; templateIds: string[] } }>({
        operationId: 'createBundle',
        method: 'post',
        path: '/api/v1/bundles',
        summary: '创建合同组合 Create a bundle of the enterprise\'s templates (template admins)',
        tags: ['templates'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 8192,
          schema: { type: 'object', additionalProperties: false, required: ['name', 'templateIds'], properties: { name: text('名称 e.g. 入职合同组合', 100), templateIds: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: text('templateId', 128) } } },
        },
        responses: { 201: { description: 'Created', schema: schemaRef('Bundle') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, body, req }) => {
          const tenant = tenantOf(actor);
          assertCan(actor, 'template.write', { enterpriseId: tenant });
          const b = await templates().createBundle(actor, body);
          await auditEnterprise(p(), tenant, 'bundle.created', actor, { bundleId: b.id, name: b.name, templateIds: b.templateIds, ip: contextOf(req).ip });
          return reply.json(await bundleDetail(actor, b), { status: 201 });
        },
      }),
      defineRoute<{ params: { bundleId: string } }>({
        operationId: 'getBundle',
        method: 'get',
        path: '/api/v1/bundles/:bundleId',
        summary: '合同组合详情 A bundle, with its templates and the union of their variables',
        tags: ['templates'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The bundle', schema: schemaRef('Bundle') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => bundleDetail(actor, await templates().getBundle(actor, params.bundleId)),
      }),
      defineRoute<{ query: { q?: string; category?: string }; result: { items: ClauseView[] } }>({
        operationId: 'listClauses',
        method: 'get',
        path: '/api/v1/clauses',
        summary: '条款库 The clause library: { id, title, html }',
        tags: ['clauses'],
        auth: ['session'],
        query: { type: 'object', additionalProperties: false, properties: { q: text('搜索标题和正文 Search titles and text', 100), category: text('分类 Category', 50) } },
        responses: { 200: { description: 'Clauses, oldest first', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('Clause') } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor, query }) => {
          tenantOf(actor);
          return { items: (await clauseService().list(actor, query)).map(clauseView) };
        },
      }),
      defineRoute<{ body: { title: string; html: string; category?: string }; result: ClauseView }>({
        operationId: 'addClause',
        method: 'post',
        path: '/api/v1/clauses',
        summary: '添加条款 Add a clause (template admins); the HTML is reduced to simple formatting',
        tags: ['clauses'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 128 * 1024,
          schema: { type: 'object', additionalProperties: false, required: ['title', 'html'], properties: { title: text('标题 Title', 100), html: text('正文 Simple HTML', 64 * 1024), category: text('分类 Category', 50) } },
        },
        responses: { 201: { description: 'Added', schema: schemaRef('Clause') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body, req }) => {
          tenantOf(actor);
          return reply.json(clauseView(await clauseService().add(actor, body, contextOf(req))), { status: 201 });
        },
      }),
    ],
  };
}
