/**
 * `GET /api/v1/stats`: the console's statistics (统计报表), computed from the contract records: how
 * many contracts were sent, completed and rejected on each day of a window, and how long they took
 * from sending to completion. Administrators (and the enterprise's app) see the whole enterprise;
 * any other member sees the contracts they sent. Days are calendar days at a fixed UTC offset
 * (China Standard Time, UTC+8, unless the caller gives its own), so that a chart's bars do not move
 * with the server's time zone. Invalidation agreements (作废协议) are not counted as contracts.
 */
import { boxKey, can, type Actor, type ContractRecord } from '@signet/core';
import type { Platform } from '../../platform.js';
import { defineRoute, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { platformOf, tenantOf } from './route-helpers.js';

/** One day of the statistics. */
export interface StatsDay {
  /** `YYYY-MM-DD` at the report's UTC offset. */
  date: string;
  sent: number;
  completed: number;
  rejected: number;
}

/** What `GET /stats` answers. */
export interface ContractStats {
  /** `enterprise`: every contract the enterprise sent (admins, apps); `mine`: the contracts the caller sent. */
  scope: 'enterprise' | 'mine';
  /** First and last day of the window (inclusive). */
  from: string;
  to: string;
  utcOffsetMinutes: number;
  days: StatsDay[];
  totals: {
    sent: number;
    completed: number;
    rejected: number;
    /** Contracts of the scope still waiting for signatures now (whenever they were sent). */
    signing: number;
  };
  /** Mean and median seconds from sending to completion, over the contracts completed in the window; absent when none was. */
  averageCompletionSeconds?: number;
  medianCompletionSeconds?: number;
}

const DAY_MS = 86_400_000;

/** The calendar day of `ms` at `offsetMinutes` east of UTC, as `YYYY-MM-DD`. */
export function dayAt(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * The statistics of `contracts` over the `days` days ending today (at `offsetMinutes`): per day, the
 * contracts sent (by `sentAt`), completed (by `completedAt`, also when invalidated later) and
 * rejected (by `endedAt`); the completion times of those completed in the window.
 */
export function contractStats(contracts: readonly ContractRecord[], opts: { now: Date; days: number; offsetMinutes: number; scope: ContractStats['scope'] }): ContractStats {
  const { days, offsetMinutes } = opts;
  const today = dayAt(opts.now.getTime(), offsetMinutes);
  const first = dayAt(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS, 0);
  const index = new Map<string, StatsDay>();
  const out: StatsDay[] = [];
  for (let i = 0; i < days; i++) {
    const date = dayAt(Date.parse(`${first}T00:00:00Z`) + i * DAY_MS, 0);
    const d = { date, sent: 0, completed: 0, rejected: 0 };
    index.set(date, d);
    out.push(d);
  }
  const inWindow = (iso: string | undefined) => (iso ? index.get(dayAt(Date.parse(iso), offsetMinutes)) : undefined);
  const durations: number[] = [];
  let signing = 0;
  for (const c of contracts) {
    if (c.kind !== 'contract') continue;
    if (c.state === 'signing') signing++;
    const sent = inWindow(c.sentAt);
    if (sent) sent.sent++;
    const done = inWindow(c.completedAt);
    if (done) {
      done.completed++;
      if (c.sentAt) durations.push(Math.max(0, (Date.parse(c.completedAt!) - Date.parse(c.sentAt)) / 1000));
    }
    const rejected = c.state === 'rejected' ? inWindow(c.endedAt) : undefined;
    if (rejected) rejected.rejected++;
  }
  const sum = (k: 'sent' | 'completed' | 'rejected') => out.reduce((n, d) => n + d[k], 0);
  const sorted = durations.sort((a, b) => a - b);
  const median = sorted.length === 0 ? undefined : sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return {
    scope: opts.scope,
    from: first,
    to: today,
    utcOffsetMinutes: offsetMinutes,
    days: out,
    totals: { sent: sum('sent'), completed: sum('completed'), rejected: sum('rejected'), signing },
    ...(sorted.length ? { averageCompletionSeconds: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length), medianCompletionSeconds: Math.round(median!) } : {}),
  };
}

/** The contracts the statistics of `actor` cover, and which scope that is. */
async function contractsFor(p: Platform, actor: Actor): Promise<{ scope: ContractStats['scope']; contracts: ContractRecord[] }> {
  const enterpriseId = tenantOf(actor);
  const contracts = p.workflow.collections.contracts;
  if (can(actor, 'contract.manage', { enterpriseId })) return { scope: 'enterprise', contracts: await contracts.find('tenant', enterpriseId) };
  const mine = actor.kind === 'member' ? await contracts.find('box', boxKey({ userId: actor.userId }, 'outbox')) : [];
  return { scope: 'mine', contracts: mine.filter((c) => c.tenant === enterpriseId) };
}

const COUNT: JsonSchema = { type: 'integer', minimum: 0 };
const STATS: JsonSchema = {
  type: 'object',
  description: '合同统计 Contract statistics over a window of days',
  required: ['scope', 'from', 'to', 'utcOffsetMinutes', 'days', 'totals'],
  properties: {
    scope: { enum: ['enterprise', 'mine'], description: 'enterprise：企业全部合同（管理员、应用）；mine：我发起的合同 enterprise: every contract of the enterprise (admins, apps); mine: the contracts I sent' },
    from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, utcOffsetMinutes: { type: 'integer' },
    days: {
      type: 'array',
      items: { type: 'object', required: ['date', 'sent', 'completed', 'rejected'], properties: { date: { type: 'string', format: 'date' }, sent: COUNT, completed: COUNT, rejected: COUNT } },
    },
    totals: { type: 'object', required: ['sent', 'completed', 'rejected', 'signing'], properties: { sent: COUNT, completed: COUNT, rejected: COUNT, signing: { ...COUNT, description: '当前签署中 Signing now' } } },
    averageCompletionSeconds: { type: 'number', minimum: 0, description: '平均完成用时（秒，从发起到完成）Mean seconds from sending to completion, over the contracts completed in the window' },
    medianCompletionSeconds: { type: 'number', minimum: 0 },
  },
};

/** The statistics route. */
export function statsRoutes(s: { platform?: Platform }): RouteModule {
  return {
    schemas: { ContractStats: STATS },
    tags: [{ name: 'stats', description: '统计报表 Statistics' }],
    routes: [
      defineRoute<{ query: { days?: number; utcOffsetMinutes?: number }; result: ContractStats }>({
        operationId: 'getContractStats',
        method: 'get',
        path: '/api/v1/stats',
        summary: '合同统计 Contracts sent, completed and rejected per day, and the time to complete',
        description: '管理员看到企业全部合同，其他成员看到自己发起的合同。按日统计（默认 UTC+8）。Administrators see every contract of the enterprise, other members the ones they sent. Days are counted at utcOffsetMinutes (default 480, China Standard Time).',
        tags: ['stats'],
        auth: ['session', 'app'],
        query: {
          type: 'object', additionalProperties: false,
          properties: {
            days: { type: 'integer', minimum: 1, maximum: 366, default: 30, description: '天数（含今天）Days, today included (1–366, default 30)' },
            utcOffsetMinutes: { type: 'integer', minimum: -720, maximum: 840, default: 480, description: '日期所用时区偏移（分钟）The UTC offset of the days, in minutes east (default 480)' },
          },
        },
        responses: { 200: { description: 'The statistics', schema: schemaRef('ContractStats') } },
        errors: ['FORBIDDEN'],
        handler: async ({ actor, query }) => {
          const p = platformOf(s);
          const { scope, contracts } = await contractsFor(p, actor);
          return contractStats(contracts, { now: p.clock.now(), days: query.days ?? 30, offsetMinutes: query.utcOffsetMinutes ?? 480, scope });
        },
      }),
    ],
  };
}
