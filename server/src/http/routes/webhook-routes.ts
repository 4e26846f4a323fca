/**
 * Webhook subscriptions of the enterprise (`/webhooks`): list, subscribe (the signing secret is
 * shown once, in the answer), change or disable, and each subscription's delivery history with every
 * attempt. Admins only (`webhook.manage`); another enterprise's subscription answers NOT_FOUND. How
 * to check a delivery's signature is in the README, "Webhooks".
 */
import { assertCan, type Actor } from '@signet/core';
import type { Platform } from '../../platform.js';
import type { WebhookDelivery, WebhookSubscription } from '../../webhooks/webhook-service.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { auditEnterprise, pageOf, pageSchema, PAGE_QUERY, platformOf, tenantOf, text, type Page } from './route-helpers.js';

const EVENTS: JsonSchema = {
  type: 'array', minItems: 1, maxItems: 100, uniqueItems: true,
  items: { type: 'string', pattern: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*)$' },
  description: '事件类型 Event types such as contract.completed, signer.signed, seal.granted, or "*" for all',
};

const WEBHOOK: JsonSchema = {
  type: 'object',
  description: '推送订阅 A webhook subscription (never its secret)',
  required: ['id', 'enterpriseId', 'url', 'events', 'enabled', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' }, enterpriseId: { type: 'string' }, url: { type: 'string' }, events: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' }, description: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' },
  },
};

const WEBHOOK_SECRET: JsonSchema = {
  type: 'object',
  description: '订阅及其签名密钥（仅此一次显示）The subscription and its signing secret, shown only in this answer',
  required: ['subscription', 'secret'],
  properties: { subscription: schemaRef('Webhook'), secret: { type: 'string', description: 'HMAC-SHA256 key of X-Signet-Signature' } },
};

const DELIVERY: JsonSchema = {
  type: 'object',
  description: '推送记录 One event delivered (or being delivered) to a subscription, with every attempt',
  required: ['id', 'subscriptionId', 'eventId', 'eventType', 'state', 'attempts', 'createdAt'],
  properties: {
    id: { type: 'string' }, subscriptionId: { type: 'string' }, enterpriseId: { type: 'string' }, eventId: { type: 'string' }, eventType: { type: 'string' },
    body: { type: 'string', description: 'The exact JSON body sent' }, state: { enum: ['pending', 'delivered', 'failed'] },
    attempts: {
      type: 'array',
      items: {
        type: 'object', required: ['attempt', 'at', 'outcome', 'durationMs'],
        properties: {
          attempt: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, outcome: { enum: ['delivered', 'failed', 'timeout', 'error'] },
          responseCode: { type: 'integer' }, durationMs: { type: 'number' }, error: { type: 'string' }, nextAttemptAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    createdAt: { type: 'string', format: 'date-time' }, deliveredAt: { type: 'string', format: 'date-time' },
  },
};

const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** The webhook routes. */
export function webhookRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => platformOf(s);
  const manager = (actor: Actor): string => {
    const tenant = tenantOf(actor);
    assertCan(actor, 'webhook.manage', { enterpriseId: tenant });
    return tenant;
  };
  return {
    schemas: { Webhook: WEBHOOK, WebhookWithSecret: WEBHOOK_SECRET, WebhookDelivery: DELIVERY },
    tags: [{ name: 'webhooks', description: '事件推送 Webhook subscriptions and their delivery history' }],
    routes: [
      defineRoute<{ query: { limit?: number; offset?: number }; result: Page<WebhookSubscription> }>({
        operationId: 'listWebhooks',
        method: 'get',
        path: '/api/v1/webhooks',
        summary: '推送订阅列表 The enterprise\'s webhook subscriptions (admins)',
        tags: ['webhooks'],
        auth: ['session'],
        query: { type: 'object', additionalProperties: false, properties: PAGE_QUERY },
        responses: { 200: { description: 'Subscriptions, oldest first', schema: pageSchema(schemaRef('Webhook'), 'Subscriptions') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, query }) => pageOf((await p().webhooks.subscriptions(manager(actor))).map(clean), query),
      }),
      defineRoute<{ body: { url: string; events: string[]; description?: string } }>({
        operationId: 'createWebhook',
        method: 'post',
        path: '/api/v1/webhooks',
        summary: '订阅事件 Subscribe a URL to event types; the signing secret is in the answer, shown only once (admins)',
        description: 'Deliveries are POSTs of `{id, type, subject, enterpriseId, occurredAt, data}` signed in `X-Signet-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, retried with exponential backoff on a non-2xx answer.',
        tags: ['webhooks'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 8192,
          schema: { type: 'object', additionalProperties: false, required: ['url', 'events'], properties: { url: { type: 'string', format: 'uri', maxLength: 2048, description: 'http(s) URL that receives the POSTs' }, events: EVENTS, description: text('说明 What it is for', 200) } },
        },
        responses: { 201: { description: 'Subscribed: keep the secret now', schema: schemaRef('WebhookWithSecret') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => {
          const enterpriseId = manager(actor);
          const { subscription, secret } = await p().webhooks.subscribe({ enterpriseId, url: body.url, events: body.events, description: body.description });
          await auditEnterprise(p(), enterpriseId, 'webhook.subscribed', actor, { webhookId: subscription.id, url: subscription.url, events: subscription.events });
          return reply.json({ subscription: clean(subscription), secret }, { status: 201 });
        },
      }),
      defineRoute<{ params: { webhookId: string }; body: { url?: string; events?: string[]; enabled?: boolean; description?: string }; result: WebhookSubscription }>({
        operationId: 'updateWebhook',
        method: 'put',
        path: '/api/v1/webhooks/:webhookId',
        summary: '修改或停用订阅 Change a subscription\'s URL, events or description, or disable it (admins)',
        tags: ['webhooks'],
        auth: ['session'],
        body: {
          kind: 'json', maxBytes: 8192,
          schema: {
            type: 'object', additionalProperties: false, minProperties: 1,
            properties: { url: { type: 'string', format: 'uri', maxLength: 2048 }, events: EVENTS, enabled: { type: 'boolean' }, description: text('说明', 200) },
          },
        },
        responses: { 200: { description: 'The subscription', schema: schemaRef('Webhook') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, params, body }) => {
          const enterpriseId = manager(actor);
          const sub = await p().webhooks.update(enterpriseId, params.webhookId, body);
          await auditEnterprise(p(), enterpriseId, 'webhook.updated', actor, { webhookId: sub.id, url: sub.url, events: sub.events, enabled: sub.enabled });
          return clean(sub);
        },
      }),
      defineRoute<{ params: { webhookId: string }; query: { limit?: number; after?: string }; result: { items: WebhookDelivery[]; next?: string } }>({
        operationId: 'listWebhookDeliveries',
        method: 'get',
        path: '/api/v1/webhooks/:webhookId/deliveries',
        summary: '推送记录 A subscription\'s deliveries, oldest first, with every attempt (admins)',
        tags: ['webhooks'],
        auth: ['session'],
        query: {
          type: 'object', additionalProperties: false,
          properties: { limit: PAGE_QUERY.limit, after: text('上一页最后一条的 id The last id of the previous page (keyset paging)', 128) },
        },
        responses: {
          200: {
            description: 'Deliveries',
            schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('WebhookDelivery') }, next: { type: 'string', description: 'Pass as ?after= for the next page' } } },
          },
        },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, params, query }) => {
          const limit = query.limit ?? 100;
          const items = (await p().webhooks.deliveriesOf(manager(actor), params.webhookId, { limit, after: query.after })).map(clean);
          return { items, ...(items.length === limit ? { next: items[items.length - 1].id } : {}) };
        },
      }),
    ],
  };
}
