/**
 * `GET /dev/messages`: the dev message log (no SMS gateway configured) for demos and the browser
 * tests: the latest messages sent to the members of the caller's own enterprise, codes included
 * (admins see every member's; other members only their own).
 * The route exists only when the platform writes that log; with an SMS gateway it is not mounted,
 * so it answers 404 like any unknown path.
 */
import { can } from '@signet/core';
import type { Platform } from '../../platform.js';
import type { ConsoleMessageSender, DevMessage } from '../../messaging/console-message-sender.js';
import { defineRoute, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { platformOf, tenantOf } from './route-helpers.js';

const DEV_MESSAGE: JsonSchema = {
  type: 'object',
  description: '开发短信 A message the dev log holds instead of sending it',
  required: ['at', 'to', 'template', 'text'],
  properties: {
    at: { type: 'string', format: 'date-time' }, to: { type: 'string', description: 'The mobile number' }, template: { type: 'string' },
    params: { type: 'object' }, text: { type: 'string', description: 'The SMS text' },
  },
};

/** The dev routes: none unless `devMessages` (the dev message log) is set. */
export function devRoutes(s: { platform?: Platform & { devMessages?: ConsoleMessageSender } }): RouteModule {
  const log = s.platform?.devMessages;
  if (!log) return { routes: [] };
  return {
    schemas: { DevMessage: DEV_MESSAGE },
    tags: [{ name: 'dev', description: '开发辅助 Development only: present while no SMS gateway is configured' }],
    routes: [
      defineRoute<{ query: { limit?: number; to?: string }; result: { items: DevMessage[] } }>({
        operationId: 'listDevMessages',
        method: 'get',
        path: '/api/v1/dev/messages',
        summary: '开发短信 The latest messages to my enterprise\'s members (admins) or to me, newest first (only without an SMS gateway)',
        tags: ['dev'],
        auth: ['session'],
        query: {
          type: 'object', additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, to: { type: 'string', pattern: '^1[0-9]{10}$', description: 'Only messages to this member\'s mobile' } },
        },
        responses: { 200: { description: 'Messages', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('DevMessage') } } } } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor, query }) => {
          const p = platformOf(s);
          const enterpriseId = tenantOf(actor);
          const mobiles = new Set<string>();
          // Admins see every member's messages (demos); anyone else only their own, so that no member reads an admin's login code.
          if (can(actor, 'member.manage', { enterpriseId })) {
            for (const m of await p.directory.collections.memberships.find('enterprise', enterpriseId)) {
              if (m.roles.length > 0) mobiles.add(await p.directory.mobileOf(m.userId));
            }
          } else if (actor.kind === 'member') mobiles.add(await p.directory.mobileOf(actor.userId));
          const all = await log.read();
          const mine = all.filter((m) => mobiles.has(m.to) && (!query.to || m.to === query.to));
          return { items: mine.slice(-(query.limit ?? 20)).reverse() };
        },
      }),
    ],
  };
}
