/**
 * Integrator apps of the enterprise (`/apps`): list them, create one (its secret is shown once, in
 * the answer), disable or re-enable it, rotate its secret. Admins only (`app.manage`); another
 * enterprise's app answers NOT_FOUND. How to sign requests with an app is in the README, "The API
 * and its authentication".
 */
import { AppService } from '../../apps/app-service.js';
import { RecordAppCredentialStore, type AppInfo, type IssuedAppSecret } from '../../auth/app-credential-store.js';
import type { AppServices } from '../../app.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { itemsSchema, platformOf, tenantOf, text } from './route-helpers.js';

const APP: JsonSchema = {
  type: 'object',
  description: '集成应用 An integrator app (never its secret)',
  required: ['appId', 'enterpriseId', 'name', 'status', 'createdAt'],
  properties: { appId: { type: 'string' }, enterpriseId: { type: 'string' }, name: { type: 'string' }, status: { enum: ['active', 'disabled'] }, createdAt: { type: 'string', format: 'date-time' } },
};

const APP_SECRET: JsonSchema = {
  type: 'object',
  description: '应用及其密钥（仅此一次显示）An app with its secret, shown only in this answer: store it now',
  required: ['appId', 'enterpriseId', 'name', 'status', 'createdAt', 'secret'],
  properties: { ...(APP.properties as Record<string, JsonSchema>), secret: { type: 'string', description: 'The HMAC key of SIGNET-HMAC-SHA256 (its UTF-8 bytes)' } },
};

/** The app routes. */
export function appRoutes(s: Pick<AppServices, 'platform' | 'appCredentials' | 'records' | 'installation' | 'clock'>): RouteModule {
  let service: AppService | undefined;
  const apps = () => (service ??= new AppService({
    credentials: s.appCredentials instanceof RecordAppCredentialStore ? s.appCredentials : new RecordAppCredentialStore(s.records, s.installation.masterKey, { clock: s.clock }),
    directory: platformOf(s).directory,
  }));
  return {
    schemas: { App: APP, AppWithSecret: APP_SECRET },
    tags: [{ name: 'apps', description: '集成应用 Integrator apps (appId + secret)' }],
    routes: [
      defineRoute<{ result: { items: AppInfo[] } }>({
        operationId: 'listApps',
        method: 'get',
        path: '/api/v1/apps',
        summary: '集成应用列表 The enterprise\'s integrator apps (admins)',
        tags: ['apps'],
        auth: ['session'],
        responses: { 200: { description: 'Apps, oldest first', schema: itemsSchema(schemaRef('App'), 'Apps') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor }) => ({ items: await apps().list(actor, tenantOf(actor)) }),
      }),
      defineRoute<{ body: { name: string }; result: IssuedAppSecret }>({
        operationId: 'createApp',
        method: 'post',
        path: '/api/v1/apps',
        summary: '创建集成应用 Create an app: the answer carries its appId and secret, shown only once (admins)',
        tags: ['apps'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: text('应用名称 e.g. HR system', 100) } } },
        responses: { 201: { description: 'Created: keep the secret now', schema: schemaRef('AppWithSecret') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => reply.json(await apps().register(actor, { enterpriseId: tenantOf(actor), name: body.name }), { status: 201 }),
      }),
      defineRoute<{ params: { appId: string }; body: { status?: 'active' | 'disabled'; rotateSecret?: boolean } }>({
        operationId: 'updateApp',
        method: 'put',
        path: '/api/v1/apps/:appId',
        summary: '停用或轮换密钥 Disable or re-enable an app, or rotate its secret (the old one stops at once; the new one is in the answer)',
        tags: ['apps'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 512,
          schema: { type: 'object', additionalProperties: false, minProperties: 1, properties: { status: { enum: ['active', 'disabled'] }, rotateSecret: { type: 'boolean' } } },
        },
        responses: {
          200: {
            description: 'The app; with its new `secret` when it was rotated (shown only in this answer)',
            schema: { ...APP, properties: { ...(APP.properties as Record<string, JsonSchema>), secret: { type: 'string', description: 'Only after rotateSecret' } } },
          },
        },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, params, body }) => apps().update(actor, params.appId, body),
      }),
    ],
  };
}
