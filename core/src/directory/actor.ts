/**
 * Who is acting: the roles of DESIGN §4 and the actor every domain service takes. Tenants
 * (enterprises) never see each other's data; services check the actor's tenant and roles.
 */

/** Roles within one enterprise (tenant). */
export type EnterpriseRole = 'super_admin' | 'system_admin' | 'seal_admin' | 'template_admin' | 'member';

/** Every role, in order of decreasing power. */
export const ENTERPRISE_ROLES: readonly EnterpriseRole[] = ['super_admin', 'system_admin', 'seal_admin', 'template_admin', 'member'];

/** The party making a request. */
export type Actor =
  /** A signed-in member of an enterprise (console, Word add-in). */
  | { kind: 'member'; userId: string; enterpriseId: string; roles: readonly EnterpriseRole[] }
  /** A signed-in person with no enterprise membership in this context (an external person). */
  | { kind: 'person'; userId: string }
  /** An integrator's app (appId + HMAC), acting for its enterprise. */
  | { kind: 'app'; appId: string; enterpriseId: string }
  /** An external signer holding a one-time signing link for one signer of one contract. */
  | { kind: 'link'; contractId: string; signerId: string; linkId: string }
  /** Signet itself (background jobs: expiry, reminders, connectors acting under recorded authority). */
  | { kind: 'system'; reason: string };

/** True when the actor is a member with at least one of `roles`. */
export function hasRole(actor: Actor, ...roles: EnterpriseRole[]): boolean {
  return actor.kind === 'member' && actor.roles.some((r) => roles.includes(r));
}

/** The enterprise the actor acts for, if any. */
export function tenantOf(actor: Actor): string | undefined {
  return actor.kind === 'member' || actor.kind === 'app' ? actor.enterpriseId : undefined;
}

/** True when the actor is the signed-in user `userId` (as a member or a person), or Signet itself. */
export function isSelf(actor: Actor, userId: string): boolean {
  return actor.kind === 'system' || ((actor.kind === 'member' || actor.kind === 'person') && actor.userId === userId);
}
