/** Routes about the server itself: liveness, readiness and the OpenAPI document. */
import { SignetError } from '@signet/core';
import { defineRoute } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { ERROR_SCHEMA } from '../openapi.js';
import type { ReadinessProbe, ReadinessReport } from '../../cluster/readiness.js';

const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { const: 'ready' },
    checks: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['ok', 'detail'], properties: { ok: { type: 'boolean' }, detail: { type: 'string' } } },
    },
  },
};

/**
 * The system routes; `openApi` returns the finished document (built once, after every module is
 * added), `readiness` answers `/readyz` (without it the app reports ready as soon as it serves).
 */
export function systemRoutes(openApi: () => Record<string, unknown>, readiness?: ReadinessProbe): RouteModule {
  return {
    schemas: { Error: ERROR_SCHEMA },
    tags: [{ name: 'system', description: '服务状态与接口文档 Server health and this document' }],
    routes: [
      defineRoute<{ result: { status: 'ok' } }>({
        operationId: 'getHealth',
        method: 'get',
        path: '/healthz',
        summary: '健康检查 Health check',
        tags: ['system'],
        auth: ['public'],
        responses: { 200: { description: 'The server is up', schema: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } } } },
        handler: () => ({ status: 'ok' as const }),
      }),
      defineRoute({
        operationId: 'getReadiness',
        method: 'get',
        path: '/readyz',
        summary: '就绪检查 Readiness: storage reachable and migrated, platform started, not shutting down',
        tags: ['system'],
        auth: ['public'],
        responses: { 200: { description: 'Ready for traffic: every check passed', schema: READINESS_SCHEMA } },
        // 503 NOT_READY while starting, shutting down or without storage: send traffic elsewhere.
        errors: ['NOT_READY'],
        handler: async ({ res }) => {
          res.setHeader('Cache-Control', 'no-store');
          const r: ReadinessReport = readiness ? await readiness() : { ready: true, checks: {} };
          if (!r.ready) {
            const failing = Object.entries(r.checks).filter(([, c]) => !c.ok).map(([n, c]) => `${n} (${c.detail})`).join(', ');
            throw new SignetError('NOT_READY', `未就绪 Not ready: ${failing}. Send traffic to another process and retry later`);
          }
          return { status: 'ready' as const, checks: r.checks };
        },
      }),
      defineRoute({
        operationId: 'getOpenApi',
        method: 'get',
        path: '/api/v1/openapi.json',
        summary: '本接口文档 This OpenAPI 3.1 document',
        tags: ['system'],
        auth: ['public'],
        responses: { 200: { description: 'The OpenAPI 3.1 document', schema: { type: 'object', required: ['openapi', 'paths'] } } },
        handler: () => openApi(),
      }),
    ],
  };
}
