/**
 * Seal management (印章管理): a seal admin creates an enterprise's seals (generated or uploaded),
 * enables or disables them, grants them to members, and authorizes silent auto-stamping; the seal
 * ledger (用印记录) of every use can be read by the enterprise and, for group control, by its
 * headquarters. Every change is recorded in the seal's own hash-chained audit log.
 */
import { SignetError, isSignetError } from '../errors.js';
import type { Actor } from '../directory/actor.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { writeOp, type WriteOp } from '../ports/record-store.js';
import { EMPTY_HEAD, chainEvents, domainEventsOf } from './chain-events.js';
import {
  SEAL_CATEGORIES,
  type AutoStampScope, type SealGrantRecord, type SealLedgerEntry, type SealRecord, type SealCategory, type StandingAuthorizationRecord,
} from './seal-record.js';
import type { AuditDraft } from './transition.js';
import { memberKey, type WorkflowCollections } from './workflow-collections.js';
import {
  actorId, auditActorOf, forbidden, hasRoleAtLeast, notFound, requireTenant, type RequestContext,
} from './workflow-actor.js';

/** Decides group control: whether enterprise `hqId` is an ancestor (headquarters) of `subId`. */
export interface GroupControl {
  isAncestor(hqId: string, subId: string): Promise<boolean>;
}

/** What {@link SealService} needs. */
export interface SealServiceDeps {
  collections: WorkflowCollections;
  blobs: BlobStore;
  clock: Clock;
  ids: IdGenerator;
  events?: EventPublisher;
  groupControl?: GroupControl;
  /** Optimistic-concurrency retries per change (default 5). */
  maxAttempts?: number;
}

/** Input of {@link SealService.create}: a generated seal's spec, or an uploaded image. */
export interface CreateSealInput {
  name: string;
  category: SealCategory;
  /** The drawing spec for the seal module (shape, texts, code, colour). */
  spec?: Record<string, unknown>;
  /** PNG, JPEG or SVG bytes of an uploaded seal image. */
  image?: Uint8Array;
}

/** Filters of {@link SealService.ledger}. */
export interface LedgerQuery {
  /** Whose seals (default: the actor's enterprise; a subsidiary's with group control). */
  enterpriseId?: string;
  seal?: string;
  contractId?: string;
  limit?: number;
}

const MAX_IMAGE = 2 * 1024 * 1024;

function imageKind(b: Uint8Array): 'png' | 'jpeg' | 'svg' | undefined {
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  const head = Buffer.from(b.subarray(0, 512)).toString('utf8');
  if (/<svg[\s>]/i.test(head)) return 'svg';
  return undefined;
}

/** The seal service. */
export class SealService {
  private readonly col: WorkflowCollections;
  private readonly maxAttempts: number;

  constructor(private readonly deps: SealServiceDeps) {
    this.col = deps.collections;
    this.maxAttempts = deps.maxAttempts ?? 5;
  }

  private requireManager(actor: Actor, what: string): string {
    const tenant = requireTenant(actor, what);
    if (actor.kind === 'member' && !hasRoleAtLeast(actor, 'seal_admin')) {
      throw forbidden(`只有印章管理员可以${what}。`, `Only a seal admin (or a higher role) can ${what}; ask one to do it.`);
    }
    return tenant;
  }

  /** Loads a seal the actor's enterprise owns; NOT_FOUND for anyone else's. */
  private async own(actor: Actor, sealId: string): Promise<SealRecord> {
    const tenant = requireTenant(actor, 'use seals');
    const seal = await this.col.seals.get(sealId);
    if (!seal || seal.tenant !== tenant) throw notFound('Seal 印章', sealId);
    return seal;
  }

  private async commit(seal: SealRecord | undefined, next: SealRecord, drafts: AuditDraft[], extra: WriteOp[] = []): Promise<SealRecord> {
    const now = this.deps.clock.now();
    const { head, records } = chainEvents(next.id, seal?.audit ?? EMPTY_HEAD, drafts, now);
    const rec = { ...next, audit: head };
    const ops = [
      seal ? writeOp.update(this.col.seals, rec, seal.version) : writeOp.insert(this.col.seals, rec),
      ...extra,
      ...records.map((r) => writeOp.insert(this.col.audit, r)),
    ];
    const stored = await this.col.store.transact(ops);
    for (const e of domainEventsOf(records, { tenant: rec.tenant })) await this.deps.events?.publish(e).catch(() => undefined);
    return stored[0] as SealRecord;
  }

  /** Runs `fn` on the freshly loaded seal, retrying on VERSION_CONFLICT (another admin changed it at the same time). */
  private async mutate<R>(actor: Actor, sealId: string, fn: (seal: SealRecord) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const seal = await this.own(actor, sealId);
      try {
        return await fn(seal);
      } catch (e) {
        if (!isSignetError(e, 'VERSION_CONFLICT') || attempt >= this.maxAttempts) throw e;
      }
    }
  }

  /** Creates a seal: a generated one from its spec, or an uploaded image (PNG, JPEG or SVG, at most 2 MB). Seal admins and above. */
  async create(actor: Actor, input: CreateSealInput, ctx: RequestContext = {}): Promise<SealRecord> {
    const tenant = this.requireManager(actor, '创建印章 create seals');
    const name = typeof input?.name === 'string' ? input.name.trim() : '';
    if (!name || [...name].length > 50) throw new SignetError('INVALID_ARGUMENT', '印章名称须为 1 到 50 个字。Give the seal a name of 1 to 50 characters.');
    if (!SEAL_CATEGORIES.includes(input.category)) throw new SignetError('INVALID_ARGUMENT', `印章类别无效。Unknown seal category "${String(input.category)}"; use one of ${SEAL_CATEGORIES.join(', ')}.`);
    if (!!input.spec === !!input.image) throw new SignetError('INVALID_ARGUMENT', '请给出生成规格或上传图片（二选一）。Give either a generated seal spec or an uploaded image, not both or neither.');
    let image: string | undefined;
    if (input.image) {
      if (input.image.length > MAX_IMAGE || !imageKind(input.image)) {
        throw new SignetError('INVALID_ARGUMENT', '印章图片须为 PNG、JPEG 或 SVG，不超过 2 MB。The seal image must be a PNG, JPEG or SVG file of at most 2 MB.');
      }
      image = await this.deps.blobs.put(input.image);
    }
    const now = this.deps.clock.now().toISOString();
    const seal: SealRecord = {
      id: this.deps.ids.next('seal'),
      version: 0,
      tenant,
      name,
      category: input.category,
      source: image ? 'uploaded' : 'generated',
      ...(input.spec ? { spec: structuredClone(input.spec) } : {}),
      ...(image ? { image } : {}),
      enabled: true,
      createdAt: now,
      createdBy: actorId(actor),
      audit: EMPTY_HEAD,
    };
    return this.commit(undefined, seal, [{ type: 'seal.created', actor: auditActorOf(actor, ctx), data: { name, category: seal.category, source: seal.source } }]);
  }

  /** The seal, for any member or app of its enterprise. */
  async get(actor: Actor, sealId: string): Promise<SealRecord> {
    return this.own(actor, sealId);
  }

  /** Every seal of the actor's enterprise. */
  async list(actor: Actor): Promise<SealRecord[]> {
    const tenant = requireTenant(actor, 'list seals');
    return this.col.seals.find('tenant', tenant);
  }

  /** Enables or disables a seal. A disabled seal cannot sign (SEAL_DISABLED). Seal admins and above. */
  async setEnabled(actor: Actor, sealId: string, enabled: boolean, ctx: RequestContext = {}): Promise<SealRecord> {
    this.requireManager(actor, '启用或停用印章 enable or disable seals');
    return this.mutate(actor, sealId, async (seal) => {
      if (seal.enabled === enabled) return seal;
      return this.commit(seal, { ...seal, enabled }, [{ type: enabled ? 'seal.enabled' : 'seal.disabled', actor: auditActorOf(actor, ctx), data: {} }]);
    });
  }

  /** Grants a seal to a member of the enterprise, optionally until `expiresAt`. Granting again returns the active grant. */
  async grant(actor: Actor, sealId: string, input: { userId: string; expiresAt?: Date }, ctx: RequestContext = {}): Promise<SealGrantRecord> {
    this.requireManager(actor, '授权印章 grant seals');
    if (typeof input?.userId !== 'string' || !input.userId) throw new SignetError('INVALID_ARGUMENT', '请指定被授权成员。Give the userId of the member to grant the seal to.');
    const now = this.deps.clock.now();
    if (input.expiresAt && !(input.expiresAt.getTime() > now.getTime())) throw new SignetError('INVALID_ARGUMENT', '授权到期时间须晚于现在。The grant must expire after now.');
    return this.mutate(actor, sealId, async (found) => {
      let seal = found;
      const existing = await this.activeGrant(seal.tenant, seal.id, input.userId, now);
      if (existing) return existing;
      // An expired grant still holds the unique key (seal, member): close it first, in its own batch.
      const stale = (await this.col.grants.find('seal', seal.id)).filter((g) => g.userId === input.userId && !g.revokedAt);
      if (stale.length) {
        seal = await this.commit(seal, seal, stale.map((g) => ({ type: 'seal.grant_revoked', actor: auditActorOf(actor, ctx), data: { grant: g.id, userId: g.userId, reason: 'expired' } })),
          stale.map((g) => writeOp.update(this.col.grants, { ...g, revokedAt: now.toISOString() }, g.version)));
      }
      const grant: SealGrantRecord = {
        id: this.deps.ids.next('grant'),
        version: 0,
        tenant: seal.tenant,
        seal: seal.id,
        userId: input.userId,
        grantedBy: actorId(actor),
        grantedAt: now.toISOString(),
        ...(input.expiresAt ? { expiresAt: input.expiresAt.toISOString() } : {}),
      };
      await this.commit(seal, seal, [{ type: 'seal.granted', actor: auditActorOf(actor, ctx), data: { grant: grant.id, userId: input.userId, expiresAt: grant.expiresAt } }], [
        writeOp.insert(this.col.grants, grant),
      ]);
      return (await this.col.grants.get(grant.id))!;
    });
  }

  /** Revokes a grant. Seal admins and above. */
  async revokeGrant(actor: Actor, grantId: string, ctx: RequestContext = {}): Promise<SealGrantRecord> {
    const tenant = this.requireManager(actor, '收回印章授权 revoke seal grants');
    const g0 = await this.col.grants.get(grantId);
    if (!g0 || g0.tenant !== tenant) throw notFound('Grant 授权', grantId);
    return this.mutate(actor, g0.seal, async (seal) => {
      const g = (await this.col.grants.get(grantId))!;
      if (g.revokedAt) return g;
      const revoked = { ...g, revokedAt: this.deps.clock.now().toISOString() };
      await this.commit(seal, seal, [{ type: 'seal.grant_revoked', actor: auditActorOf(actor, ctx), data: { grant: g.id, userId: g.userId } }], [
        writeOp.update(this.col.grants, revoked, g.version),
      ]);
      return (await this.col.grants.get(grantId))!;
    });
  }

  /** The grants of a seal (active and past). Seal admins and above. */
  async grants(actor: Actor, sealId: string): Promise<SealGrantRecord[]> {
    this.requireManager(actor, '查看印章授权 list seal grants');
    const seal = await this.own(actor, sealId);
    return this.col.grants.find('seal', seal.id);
  }

  /** The seals a member holds an active grant for, enabled or not. */
  async sealsOf(actor: Actor): Promise<{ seal: SealRecord; grant: SealGrantRecord }[]> {
    if (actor.kind !== 'member') return [];
    const now = this.deps.clock.now();
    const out: { seal: SealRecord; grant: SealGrantRecord }[] = [];
    for (const g of await this.col.grants.find('member', memberKey(actor.enterpriseId, actor.userId))) {
      if (!isGrantActive(g, now)) continue;
      const seal = await this.col.seals.get(g.seal);
      if (seal) out.push({ seal, grant: g });
    }
    return out;
  }

  /** The member's active grant for the seal, if any. */
  async activeGrant(tenant: string, sealId: string, userId: string, now: Date): Promise<SealGrantRecord | undefined> {
    const grants = await this.col.grants.find('member', memberKey(tenant, userId));
    return grants.find((g) => g.seal === sealId && isGrantActive(g, now));
  }

  /**
   * Authorizes silent auto-stamping with a seal (静默签署): within `scope`, until `expiresAt`, the
   * enterprise's integrator app (or a connector acting for it) may stamp without a person's
   * willingness check. Every such stamp is recorded in the audit log and the seal ledger.
   */
  async authorizeAutoStamp(
    actor: Actor,
    input: { seal: string; scope?: AutoStampScope; expiresAt: Date; purpose?: string },
    ctx: RequestContext = {},
  ): Promise<StandingAuthorizationRecord> {
    this.requireManager(actor, '授权自动盖章 authorize auto-stamping');
    const now = this.deps.clock.now();
    if (!(input?.expiresAt instanceof Date) || !(input.expiresAt.getTime() > now.getTime())) {
      throw new SignetError('INVALID_ARGUMENT', '自动盖章授权须有晚于现在的到期时间。A standing authorization needs an expiry time after now.');
    }
    const scope = normaliseScope(input.scope ?? {});
    return this.mutate(actor, input.seal, async (seal) => {
      const auth: StandingAuthorizationRecord = {
        id: this.deps.ids.next('auth'),
        version: 0,
        tenant: seal.tenant,
        seal: seal.id,
        scope,
        grantedBy: actorId(actor),
        createdAt: now.toISOString(),
        expiresAt: input.expiresAt.toISOString(),
        ...(input.purpose ? { purpose: String(input.purpose).slice(0, 200) } : {}),
      };
      await this.commit(seal, seal, [{ type: 'seal.autostamp_authorized', actor: auditActorOf(actor, ctx), data: { authorization: auth.id, scope, expiresAt: auth.expiresAt } }], [
        writeOp.insert(this.col.authorizations, auth),
      ]);
      return (await this.col.authorizations.get(auth.id))!;
    });
  }

  /** Revokes a standing authorization. */
  async revokeAutoStamp(actor: Actor, authorizationId: string, ctx: RequestContext = {}): Promise<StandingAuthorizationRecord> {
    const tenant = this.requireManager(actor, '撤销自动盖章授权 revoke auto-stamp authorizations');
    const a0 = await this.col.authorizations.get(authorizationId);
    if (!a0 || a0.tenant !== tenant) throw notFound('Authorization 授权', authorizationId);
    return this.mutate(actor, a0.seal, async (seal) => {
      const a = (await this.col.authorizations.get(authorizationId))!;
      if (a.revokedAt) return a;
      await this.commit(seal, seal, [{ type: 'seal.autostamp_revoked', actor: auditActorOf(actor, ctx), data: { authorization: a.id } }], [
        writeOp.update(this.col.authorizations, { ...a, revokedAt: this.deps.clock.now().toISOString() }, a.version),
      ]);
      return (await this.col.authorizations.get(authorizationId))!;
    });
  }

  /** Standing authorizations of the actor's enterprise (optionally of one seal). */
  async authorizations(actor: Actor, sealId?: string): Promise<StandingAuthorizationRecord[]> {
    const tenant = this.requireManager(actor, '查看自动盖章授权 list auto-stamp authorizations');
    if (sealId) return this.col.authorizations.find('seal', (await this.own(actor, sealId)).id);
    return this.col.authorizations.find('tenant', tenant);
  }

  /**
   * The standing authorization that lets the seal stamp this contract silently at `now`, if any:
   * not revoked, not expired, and every restriction of its scope matching.
   */
  async authorizationFor(sealId: string, contract: { tenant: string; appId?: string; template?: { templateIds: string[] } }, stampingTenant: string, now: Date): Promise<StandingAuthorizationRecord | undefined> {
    const all = await this.col.authorizations.find('seal', sealId);
    return all.find((a) => {
      if (a.revokedAt || Date.parse(a.expiresAt) <= now.getTime() || a.tenant !== stampingTenant) return false;
      const s = a.scope;
      if (s.appIds?.length && !(contract.appId && s.appIds.includes(contract.appId))) return false;
      if (s.templateIds?.length && !contract.template?.templateIds.some((t) => s.templateIds!.includes(t))) return false;
      if (s.senders?.length && !s.senders.some((x) => x === contract.tenant || (x === 'self' && contract.tenant === stampingTenant))) return false;
      return true;
    });
  }

  /**
   * The seal ledger (用印记录), newest first: every stamping and refused attempt with the seals of an
   * enterprise. Seal admins (and above) and apps read their own enterprise's; headquarters read a
   * subsidiary's (group control).
   */
  async ledger(actor: Actor, query: LedgerQuery = {}): Promise<SealLedgerEntry[]> {
    const own = this.requireManager(actor, '查看用印记录 read the seal ledger');
    const tenant = query.enterpriseId ?? own;
    if (tenant !== own && !(await this.deps.groupControl?.isAncestor(own, tenant))) throw notFound('Enterprise 企业', tenant);
    let entries: SealLedgerEntry[];
    if (query.contractId) entries = (await this.col.ledger.find('contract', query.contractId)).filter((e) => e.tenant === tenant);
    else if (query.seal) entries = (await this.col.ledger.find('seal', query.seal)).filter((e) => e.tenant === tenant);
    else entries = await this.col.ledger.find('tenant', tenant);
    if (query.seal) entries = entries.filter((e) => e.seal === query.seal);
    entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
    return query.limit ? entries.slice(0, query.limit) : entries;
  }
}

/** True when a grant is neither revoked nor expired at `now`. */
export function isGrantActive(g: SealGrantRecord, now: Date): boolean {
  return !g.revokedAt && (!g.expiresAt || Date.parse(g.expiresAt) > now.getTime());
}

function normaliseScope(scope: AutoStampScope): AutoStampScope {
  const list = (v: unknown, name: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x)) throw new SignetError('INVALID_ARGUMENT', `scope.${name} must be a list of ids.`);
    return v.length ? [...new Set(v as string[])] : undefined;
  };
  const out: AutoStampScope = {};
  const appIds = list(scope.appIds, 'appIds');
  const templateIds = list(scope.templateIds, 'templateIds');
  const senders = list(scope.senders, 'senders');
  if (appIds) out.appIds = appIds;
  if (templateIds) out.templateIds = templateIds;
  if (senders) out.senders = senders;
  return out;
}
