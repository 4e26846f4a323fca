/**
 * Small pieces the part-A route modules (me, enterprises, identity, files, seals, templates,
 * webhooks, apps, dev) share: the platform lookup, the request context for the audit log, the
 * caller's tenant and user, offset paging, and an audit event on an enterprise's chain for changes
 * whose service keeps no log of its own (integrator apps, webhook subscriptions).
 */
import type { Request } from 'express';
import { SignetError, retryOnConflict, type Actor, type RequestContext } from '@signet/core';
import { requirePlatform, type Platform } from '../../platform.js';
import type { JsonSchema } from '../route.js';

/** The platform of an app built with one; INTERNAL (with the fix) otherwise. */
export function platformOf(s: { platform?: Platform }): Platform {
  return requirePlatform(s.platform);
}

/** Where a request came from, for the audit log and evidence (the client IP; logs mask it). */
export function contextOf(req: Request): RequestContext {
  return req.ip ? { ip: req.ip } : {};
}

/** The enterprise a member or app acts for; FORBIDDEN for a person or a signing link. */
export function tenantOf(actor: Actor): string {
  if (actor.kind === 'member' || actor.kind === 'app') return actor.enterpriseId;
  throw new SignetError('FORBIDDEN', '请以企业成员身份操作：先加入或切换到一个企业（PUT /api/v1/me/enterprise）。Act as a member of an enterprise: join one, or switch to it with PUT /api/v1/me/enterprise.');
}

/** The signed-in user of a member or person; FORBIDDEN for an app or a signing link. */
export function userOf(actor: Actor): string {
  if (actor.kind === 'member' || actor.kind === 'person') return actor.userId;
  throw new SignetError('FORBIDDEN', '此操作需要个人登录会话。This needs a person\'s login session, not an app or a signing link.');
}

/** The `?limit=&offset=` query properties of a list route. */
export const PAGE_QUERY: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: '每页条数 Items per page (1–500, default 100)' },
  offset: { type: 'integer', minimum: 0, default: 0, description: '跳过条数 Items to skip' },
};

/** A page of a list: `{ items, total, next? }`, where `next` is the offset of the following page. */
export interface Page<T> {
  items: T[];
  total: number;
  next?: number;
}

/** The page of `all` that `?limit=&offset=` asks for. */
export function pageOf<T>(all: readonly T[], q: { limit?: number; offset?: number }): Page<T> {
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  const items = all.slice(offset, offset + limit);
  return { items, total: all.length, ...(offset + items.length < all.length ? { next: offset + items.length } : {}) };
}

/** The JSON Schema of a page of `item`. */
export function pageSchema(item: JsonSchema, description: string): JsonSchema {
  return {
    type: 'object',
    description,
    required: ['items', 'total'],
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer', minimum: 0, description: '总数 How many there are in all' },
      next: { type: 'integer', minimum: 0, description: '下一页的 offset The offset of the next page, when there is one' },
    },
  };
}

/** A `{ items }` list schema, for lists that are never long (grants, members' marks). */
export function itemsSchema(item: JsonSchema, description: string): JsonSchema {
  return { type: 'object', description, required: ['items'], properties: { items: { type: 'array', items: item } } };
}

/**
 * Appends an event to the enterprise's audit chain (the directory's, so that the enterprise's
 * history shows it beside member and verification changes). For services that keep no log of their
 * own; data must hold no secret and no unmasked PII.
 */
export async function auditEnterprise(p: Platform, enterpriseId: string, type: string, actor: Actor, data: Record<string, unknown>): Promise<void> {
  const dir = p.directory;
  await retryOnConflict(async () => {
    await dir.store.transact([await dir.audit.append(enterpriseId, type, actor, dir.clock.now(), data)]);
  });
}

/** A non-empty trimmed string schema. */
export function text(description: string, max = 256): JsonSchema {
  return { type: 'string', minLength: 1, maxLength: max, description };
}

/** An id path or body value (`ent_…`, `seal_…`). */
export const ID: JsonSchema = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' };

/** An ISO 8601 date-time. */
export const DATE_TIME: JsonSchema = { type: 'string', format: 'date-time' };
