/**
 * The HR connector over HTTP (`@signet/connector-hr`, mounted as `platform.hr`):
 *
 * - `POST /api/v1/hr/mappings`, `GET /api/v1/hr/mappings`: the mapping of HRM fields to a bundle's
 *   variables, checked against the bundle's templates when stored;
 * - `POST /api/v1/hr/imports?mappingId=`: a CSV or JSON employee file as the raw body; every bad row
 *   comes back at once (line, column, why) and the good rows launch in a background job;
 * - `GET /api/v1/hr/batches`, `GET /api/v1/hr/batches/{batchId}` (the console's batch view),
 *   `…/{batchId}/launches` and `…/{batchId}/export` (the statuses as CSV);
 * - `PUT /api/v1/hr/corehr`: the Lark CoreHR link; `POST /api/v1/hr/corehr/{enterpriseId}/events`:
 *   its event subscription URL (checked by the SDK's EventDispatcher);
 * - `POST /api/v1/hr/sync` and `POST /api/v1/hr/reminders`: follow-ups and expiry reminders now.
 *
 * Mappings, imports and the CoreHR link need an enterprise admin (system admin or above) or the
 * enterprise's app: launches stamp the company seal under its standing authorization.
 */
import { SignetError, hasRoleAtLeast, type Actor } from '@signet/core';
import type { BatchView, HrLaunchRecord, HrMappingRecord, LaunchStatusRow } from '@signet/connector-hr';
import type { Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { platformOf, tenantOf } from './route-helpers.js';

const COUNTS: JsonSchema = {
  type: 'object',
  required: ['created', 'sent', 'stamped', 'failed', 'skipped'],
  properties: {
    created: { type: 'integer', description: '新建合同 Contracts created' },
    sent: { type: 'integer', description: '已发送签署短信 Employees whose signing link went out' },
    stamped: { type: 'integer', description: '已盖公司章 Company seals stamped' },
    failed: { type: 'integer', description: '失败（含数据错误行）Rows that failed (bad data or a failed launch)' },
    skipped: { type: 'integer', description: '已发起过，跳过 Launched before; nothing to do' },
  },
};

const PROBLEM: JsonSchema = {
  type: 'object',
  description: '一行的问题 A problem of one row (or of the file)',
  required: ['code', 'message'],
  properties: {
    row: { type: 'integer', description: '数据行号（不含表头）The data row, header not counted' },
    line: { type: 'integer', description: '文件中的行号 The line in the file' },
    column: { type: 'string', description: '列名 The column' },
    variable: { type: 'string', description: '模板变量 The template variable' },
    code: { type: 'string', description: 'syntax, columns, missing, invalid, duplicate, template, launch, delivery' },
    message: { type: 'string' },
  },
};

const BATCH: JsonSchema = {
  type: 'object',
  description: '导入批次 An import batch',
  required: ['id', 'mapping', 'source', 'state', 'createdAt', 'createdBy', 'done', 'counts', 'problems', 'problemCount', 'notices', 'interrupted'],
  properties: {
    id: { type: 'string' },
    mapping: { type: 'object', required: ['name', 'bundleId', 'seal'], properties: { name: { type: 'string' }, bundleId: { type: 'string' }, seal: { enum: ['before', 'after', 'manual'] }, id: { type: 'string' } } },
    period: { type: 'string' },
    source: { type: 'object', required: ['kind', 'rows'], properties: { kind: { enum: ['csv', 'json', 'corehr'] }, name: { type: 'string' }, sha256: { type: 'string' }, encoding: { type: 'string' }, rows: { type: 'integer' } } },
    state: { enum: ['queued', 'running', 'done', 'failed'] },
    interrupted: { type: 'boolean', description: '运行中进程中断（重新导入同一文件即可继续）The process running it stopped; import the same file again to finish it' },
    createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' }, finishedAt: { type: 'string', format: 'date-time' }, heartbeatAt: { type: 'string', format: 'date-time' },
    done: { type: 'integer', description: 'Rows done' },
    counts: schemaRef('HrBatchCounts'),
    problems: { type: 'array', items: schemaRef('HrRowProblem'), description: 'The first 200 problems' },
    problemCount: { type: 'integer' },
    notices: { type: 'array', items: { type: 'string' } },
    error: { type: 'string' },
    ratePerSecond: { type: 'number' },
  },
};

const MAPPING: JsonSchema = {
  type: 'object',
  description: '人事映射 A stored HR mapping',
  required: ['id', 'mapping', 'createdAt', 'createdBy'],
  properties: { id: { type: 'string' }, mapping: { type: 'object', description: 'The mapping (see the README, "HR connector")' }, createdAt: { type: 'string', format: 'date-time' }, createdBy: { type: 'string' } },
};

const STATUS_ROW: JsonSchema = {
  type: 'object',
  required: ['employeeKey', 'name', 'mobile', 'bizNo', 'status', 'statusText'],
  properties: {
    row: { type: 'integer' }, employeeKey: { type: 'string' }, name: { type: 'string' }, mobile: { type: 'string', description: 'Masked' }, bizNo: { type: 'string' },
    contractId: { type: 'string' },
    status: { enum: ['failed', 'draft', 'awaiting_company', 'awaiting_employee', 'completed', 'rejected', 'revoked', 'expired', 'invalidated'] },
    statusText: { type: 'string' }, employee: { type: 'string' }, company: { type: 'string' },
    completedAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string' }, reason: { type: 'string' },
  },
};

const IMPORT_RESULT: JsonSchema = {
  type: 'object',
  required: ['batch', 'problems', 'notices'],
  properties: { batch: schemaRef('HrBatch'), problems: { type: 'array', items: schemaRef('HrRowProblem') }, notices: { type: 'array', items: { type: 'string' } } },
};

/** Who may configure the connector and import: an enterprise admin (system admin or above) or the enterprise's app. */
function requireHrAdmin(actor: Actor): string {
  const tenant = tenantOf(actor);
  if (actor.kind === 'member' && !hasRoleAtLeast(actor, 'system_admin')) {
    throw new SignetError('FORBIDDEN', '只有企业管理员可以配置人事映射和批量发起。Only an enterprise admin (system admin or above) configures HR mappings and imports employees; ask one.');
  }
  return tenant;
}

function who(actor: Actor): string {
  return actor.kind === 'member' ? actor.userId : actor.kind === 'app' ? `app:${actor.appId}` : actor.kind;
}

function mappingView(m: HrMappingRecord) {
  return { id: m.id, mapping: m.mapping, createdAt: m.createdAt, createdBy: m.createdBy };
}

function formatOf(contentType: string | undefined, name: string | undefined): 'csv' | 'json' | undefined {
  if (contentType?.startsWith('application/json')) return 'json';
  if (contentType?.startsWith('text/csv')) return 'csv';
  return name && /\.(json|ndjson|jsonl)$/i.test(name) ? 'json' : undefined;
}

/** The HR connector routes. */
export function hrRoutes(s: { platform?: Platform }): RouteModule {
  const hr = () => platformOf(s).hr.service;
  return {
    schemas: { HrBatch: BATCH, HrBatchCounts: COUNTS, HrRowProblem: PROBLEM, HrMapping: MAPPING, HrLaunchStatus: STATUS_ROW, HrImportResult: IMPORT_RESULT },
    tags: [{ name: 'hr', description: '人事连接器：批量发起劳动合同组合 HR connector: labor-contract bundles from the HRM, in batch' }],
    routes: [
      defineRoute<{ body: Record<string, unknown> }>({
        operationId: 'createHrMapping',
        method: 'post',
        path: '/api/v1/hr/mappings',
        summary: '保存人事映射 Store an HR mapping, checked against its bundle\'s templates',
        description: 'Unknown variables, missing required ones, type mismatches and roles the mapping does not cover are all reported at once with HR_MAPPING_INVALID (`details.problems`).',
        tags: ['hr'],
        auth: ['session', 'app'],
        body: { kind: 'json', maxBytes: 256 * 1024, schema: { type: 'object', description: 'The mapping' } },
        responses: { 201: { description: 'Stored', schema: schemaRef('HrMapping') } },
        errors: ['HR_MAPPING_INVALID', 'NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, body }) => reply.json(mappingView(await hr().saveMapping(requireHrAdmin(actor), who(actor), body)), { status: 201 }),
      }),
      defineRoute({
        operationId: 'listHrMappings',
        method: 'get',
        path: '/api/v1/hr/mappings',
        summary: '人事映射列表 The enterprise\'s HR mappings',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The mappings', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('HrMapping') } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor }) => ({ items: (await hr().mappings(requireHrAdmin(actor))).map(mappingView) }),
      }),
      defineRoute<{ query: { mappingId: string; name?: string; period?: string }; body: Buffer }>({
        operationId: 'importHrEmployees',
        method: 'post',
        path: '/api/v1/hr/imports',
        summary: '导入员工并批量发起 Import an employee file (CSV or JSON) and launch the bundle for every good row',
        description: 'The raw body is the file: CSV (UTF-8 with or without BOM, or GBK as Excel writes it; comma, tab or semicolon) or JSON (an array, `{ "employees": [...] }` or one object a line). '
          + 'The answer (202) carries the batch and every bad row (line, column, why); the good rows launch in a background job, exactly once per employee × bundle × period, '
          + 'so importing the same file again (or after a crash) duplicates nothing. Follow it with GET /api/v1/hr/batches/{batchId}.',
        tags: ['hr'],
        auth: ['session', 'app'],
        query: {
          type: 'object', additionalProperties: false, required: ['mappingId'],
          properties: {
            mappingId: { type: 'string', minLength: 1, maxLength: 64, description: 'A stored mapping (POST /api/v1/hr/mappings)' },
            name: { type: 'string', minLength: 1, maxLength: 255, description: '文件名 The file name' },
            period: { type: 'string', minLength: 1, maxLength: 40, description: '期间，覆盖映射的 period Overrides the mapping\'s period' },
          },
        },
        body: { kind: 'binary', contentTypes: ['text/csv', 'application/json', 'text/plain', 'application/octet-stream'], maxBytes: 50 * 1024 * 1024, description: 'The employee file' },
        responses: { 202: { description: 'Queued: the batch, and every row that cannot launch', schema: schemaRef('HrImportResult') } },
        errors: ['HR_MAPPING_INVALID', 'HR_FILE_UNREADABLE', 'NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, query, body, req }) => {
          const tenant = requireHrAdmin(actor);
          const m = await hr().mapping(tenant, query.mappingId);
          const r = await hr().queueImport({
            tenant, createdBy: who(actor), mapping: m.mapping, mappingId: m.id, file: body,
            ...(query.name ? { fileName: query.name } : {}), ...(query.period ? { period: query.period } : {}),
            ...(formatOf(req.headers['content-type'], query.name) ? { format: formatOf(req.headers['content-type'], query.name) } : {}),
          });
          return reply.json({ batch: await hr().batch(tenant, r.batch.id), problems: r.problems, notices: r.notices }, { status: 202 });
        },
      }),
      defineRoute<{ result: { items: BatchView[] } }>({
        operationId: 'listHrBatches',
        method: 'get',
        path: '/api/v1/hr/batches',
        summary: '导入批次列表 The enterprise\'s import batches, newest first',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'Batches', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('HrBatch') } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor }) => ({ items: await hr().batches(tenantOf(actor)) }),
      }),
      defineRoute<{ params: { batchId: string }; result: BatchView }>({
        operationId: 'getHrBatch',
        method: 'get',
        path: '/api/v1/hr/batches/:batchId',
        summary: '导入批次 A batch: counts (created, sent, stamped, failed, skipped), progress and the bad rows',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The batch', schema: schemaRef('HrBatch') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => hr().batch(tenantOf(actor), params.batchId),
      }),
      defineRoute<{ params: { batchId: string }; result: { items: LaunchStatusRow[] } }>({
        operationId: 'listHrBatchLaunches',
        method: 'get',
        path: '/api/v1/hr/batches/:batchId/launches',
        summary: '批次中每位员工的签署状态 Every employee of a batch with the contract\'s status now',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'One row per launch', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('HrLaunchStatus') } } } } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => {
          const tenant = tenantOf(actor);
          const launches: HrLaunchRecord[] = await hr().launches(tenant, { batchId: params.batchId });
          return { items: hr().statusRows(launches) };
        },
      }),
      defineRoute<{ params: { batchId: string } }>({
        operationId: 'exportHrBatch',
        method: 'get',
        path: '/api/v1/hr/batches/:batchId/export',
        summary: '导出签署状态 The statuses of a batch as CSV (UTF-8 with BOM, for Excel)',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'CSV', contentType: 'text/csv', headers: { 'Content-Disposition': { description: 'attachment', schema: { type: 'string' } } } } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => reply.bytes(await hr().exportCsv(tenantOf(actor), { batchId: params.batchId }), 'text/csv; charset=utf-8', { filename: `签署状态-${params.batchId}.csv` }),
      }),
      defineRoute<{ body: { mappingId: string; larkAppId: string; larkAppSecret: string; encryptKey?: string; verificationToken: string; domain?: string } }>({
        operationId: 'linkHrCoreHr',
        method: 'put',
        path: '/api/v1/hr/corehr',
        summary: '连接飞书人事 Link Lark CoreHR: its app, and the mapping its onboarding events launch',
        description: 'Subscribe the Lark app to corehr.job_data.employed_v1 and corehr.pre_hire.updated_v1 with the request URL /api/v1/hr/corehr/{enterpriseId}/events. Secrets are stored encrypted and never shown again.',
        tags: ['hr'],
        auth: ['session', 'app'],
        body: {
          kind: 'json', maxBytes: 16 * 1024,
          schema: {
            type: 'object', additionalProperties: false, required: ['mappingId', 'larkAppId', 'larkAppSecret', 'verificationToken'],
            properties: {
              mappingId: { type: 'string', minLength: 1 }, larkAppId: { type: 'string', minLength: 1, maxLength: 64 }, larkAppSecret: { type: 'string', minLength: 1, maxLength: 256, format: 'password' },
              encryptKey: { type: 'string', minLength: 1, maxLength: 256, format: 'password' }, verificationToken: { type: 'string', minLength: 1, maxLength: 256, format: 'password' },
              domain: { type: 'string', pattern: '^https?://', maxLength: 200, description: 'Default https://open.feishu.cn' },
            },
          },
        },
        responses: { 200: { description: 'Linked (secrets not shown)', schema: { type: 'object', required: ['tenant', 'mappingId', 'larkAppId'], properties: { tenant: { type: 'string' }, mappingId: { type: 'string' }, larkAppId: { type: 'string' }, domain: { type: 'string' } } } } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, body }) => {
          const v = await hr().linkCoreHr(requireHrAdmin(actor), body);
          return { tenant: v.tenant, mappingId: v.mappingId, larkAppId: v.larkAppId, ...(v.domain ? { domain: v.domain } : {}) };
        },
      }),
      defineRoute<{ params: { enterpriseId: string }; body: Buffer }>({
        operationId: 'hrCoreHrEvents',
        method: 'post',
        path: '/api/v1/hr/corehr/:enterpriseId/events',
        summary: '飞书人事事件订阅地址 The Lark CoreHR event subscription URL (onboarding and pre-hire events, URL challenge)',
        description: 'Checked by the SDK\'s EventDispatcher: AES-256-CBC decryption with the encrypt key, X-Lark-Signature, and the verification token. An event id seen before is skipped; '
          + 'otherwise the employee is fetched from CoreHR and the linked mapping\'s bundle is launched (exactly once per employee × bundle × period).',
        tags: ['hr'],
        auth: ['public'],
        body: { kind: 'binary', contentTypes: ['application/json'], maxBytes: 1024 * 1024, description: 'The push as Lark sends it' },
        responses: { 200: { description: 'Handled, ignored, or the challenge answered', schema: { type: 'object' } } },
        errors: ['HR_EVENT_INVALID', 'HR_UPSTREAM_FAILED', 'HR_MAPPING_INVALID', 'NOT_FOUND'],
        handler: async ({ params, body, req }) => {
          let json: unknown;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            throw new SignetError('HR_EVENT_INVALID', '事件不是 JSON。The event body is not JSON.');
          }
          const r = await hr().handleCoreHrCallback(params.enterpriseId, json, req.headers);
          if ('challenge' in r) return { challenge: r.challenge };
          return 'handled' in r ? { handled: r.handled, ...(r.launch?.contractId ? { contractId: r.launch.contractId } : {}) } : { ignored: r.ignored };
        },
      }),
      defineRoute({
        operationId: 'syncHr',
        method: 'post',
        path: '/api/v1/hr/sync',
        summary: '跟进 Follow up now: company seals due after the employee signed, and CoreHR write-backs',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'What was done', schema: { type: 'object', required: ['checked', 'stamped', 'written', 'failed'], properties: { checked: { type: 'integer' }, stamped: { type: 'integer' }, written: { type: 'integer' }, failed: { type: 'integer' } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor }) => hr().sync(requireHrAdmin(actor)),
      }),
      defineRoute({
        operationId: 'remindHrExpiring',
        method: 'post',
        path: '/api/v1/hr/reminders',
        summary: '到期提醒 Send the renewal and expiry reminders that are due now (the server also runs them daily at 09:00)',
        tags: ['hr'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The reminders sent', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['employeeKey', 'daysLeft'], properties: { employeeKey: { type: 'string' }, contractId: { type: 'string' }, expiresAt: { type: 'string' }, daysLeft: { type: 'integer' }, sentTo: { type: 'integer' } } } } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor }) => ({
          items: (await hr().remindExpiring(requireHrAdmin(actor))).map((r) => ({
            employeeKey: r.launch.employeeKey, ...(r.launch.contractId ? { contractId: r.launch.contractId } : {}), ...(r.launch.expiresAt ? { expiresAt: r.launch.expiresAt } : {}), daysLeft: r.daysLeft, sentTo: r.sentTo,
          })),
        }),
      }),
    ],
  };
}

