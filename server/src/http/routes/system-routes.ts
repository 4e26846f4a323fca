/** Routes about the server itself: the health check and the OpenAPI document. */
import { defineRoute } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { ERROR_SCHEMA } from '../openapi.js';

/** The system routes; `openApi` returns the finished document (built once, after every module is added). */
export function systemRoutes(openApi: () => Record<string, unknown>): RouteModule {
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
