/**
 * How the workflow sees an {@link Actor}: its tenant, its roles (ordered as in DESIGN §4), and the
 * audit actor its actions are recorded under. Tenancy errors are NOT_FOUND (another tenant's ids do
 * not exist for the caller); rights failures inside the caller's own tenant are FORBIDDEN.
 */
import { SignetError } from '../errors.js';
import { ENTERPRISE_ROLES, type Actor, type EnterpriseRole } from '../directory/actor.js';
import type { AuditActor } from '../evidence/audit-chain.js';

/** Where a request came from, for the audit log and the evidence page. */
export interface RequestContext {
  /** The client's IP address (kept for evidence; logs mask it). */
  ip?: string;
}

/** True when `actor` is a member holding `role` or a more powerful one (super admin > system admin > seal admin > template admin > member). */
export function hasRoleAtLeast(actor: Actor, role: EnterpriseRole): boolean {
  if (actor.kind !== 'member') return false;
  const limit = ENTERPRISE_ROLES.indexOf(role);
  return actor.roles.some((r) => ENTERPRISE_ROLES.indexOf(r) <= limit && ENTERPRISE_ROLES.includes(r));
}

/** The audit actor an action of `actor` is recorded under. */
export function auditActorOf(actor: Actor, ctx: RequestContext = {}): AuditActor {
  const ip = ctx.ip ? { ip: ctx.ip } : {};
  switch (actor.kind) {
    case 'member':
    case 'person':
      return { kind: 'user', id: actor.userId, ...ip };
    case 'app':
      return { kind: 'integrator', id: actor.appId, ...ip };
    case 'link':
      return { kind: 'signer', id: `${actor.contractId}/${actor.signerId}`, ...ip };
    case 'system':
      return { kind: 'system', id: actor.reason, ...ip };
  }
}

/** A short id of the actor, for `createdBy`-style fields. */
export function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'member':
    case 'person':
      return actor.userId;
    case 'app':
      return `app:${actor.appId}`;
    case 'link':
      return `link:${actor.linkId}`;
    case 'system':
      return `system:${actor.reason}`;
  }
}

/** The enterprise a member or app acts for; FORBIDDEN for anyone else. */
export function requireTenant(actor: Actor, what: string): string {
  if (actor.kind === 'member' || actor.kind === 'app') return actor.enterpriseId;
  throw new SignetError('FORBIDDEN', `只有企业成员或企业应用可以${what}。Only a member or an app of an enterprise can ${what}.`);
}

/** The error for something the actor may not see: NOT_FOUND, so that another tenant's ids do not leak. */
export function notFound(what: string, id: string): SignetError {
  return new SignetError('NOT_FOUND', `${what} ${id} 不存在。${what} ${id} does not exist; check the id.`);
}

/** The error for an own-tenant rights failure. */
export function forbidden(zh: string, en: string): SignetError {
  return new SignetError('FORBIDDEN', `${zh} ${en}`);
}
