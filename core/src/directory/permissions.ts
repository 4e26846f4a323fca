/**
 * The permission policy, in one place: an explicit table of actions × roles, and `can(actor, action,
 * resource)`. The server's routes, the workflow and the directory all ask here; the server's
 * tenant-isolation matrix test iterates over {@link PERMISSIONS}.
 *
 * Seal admin and template admin are peers, neither above the other; "X and above" means X plus the
 * two administrator roles that outrank every specialist role (super admin, system admin).
 */
import { SignetError } from '../errors.js';
import { ENTERPRISE_ROLES, type Actor, type EnterpriseRole } from './actor.js';

/** Who may do one action. */
export interface PermissionRule {
  /** Members holding any of these roles in the resource's enterprise may. */
  roles: readonly EnterpriseRole[];
  /** An integrator app acting for the resource's enterprise may. */
  app: boolean;
  /**
   * Group control (集团管控): members (with `roles`) and apps of an ancestor enterprise may act on a
   * subsidiary's resource too.
   */
  group: boolean;
  /** Tenant-less: any signed-in person may, and the resource names no enterprise. */
  anyPerson: boolean;
  /** What the action covers. */
  doc: string;
}

const ALL: readonly EnterpriseRole[] = ENTERPRISE_ROLES;
const ADMINS: readonly EnterpriseRole[] = ['super_admin', 'system_admin'];
const SUPER: readonly EnterpriseRole[] = ['super_admin'];
const SEAL: readonly EnterpriseRole[] = ['super_admin', 'system_admin', 'seal_admin'];
const TEMPLATE: readonly EnterpriseRole[] = ['super_admin', 'system_admin', 'template_admin'];

const rule = (roles: readonly EnterpriseRole[], doc: string, o: Partial<Omit<PermissionRule, 'roles' | 'doc'>> = {}): PermissionRule =>
  Object.freeze({ roles, app: o.app ?? false, group: o.group ?? false, anyPerson: o.anyPerson ?? false, doc });

/** The table: every action, and who may do it. */
export const PERMISSIONS = Object.freeze({
  'enterprise.create': rule(ALL, 'Create an enterprise; the creator becomes its super admin.', { anyPerson: true }),
  'enterprise.read': rule(ALL, 'Read the enterprise profile and its verification status.', { app: true }),
  'enterprise.update': rule(ADMINS, 'Change the enterprise profile.'),
  'enterprise.verify': rule(ADMINS, 'Run the enterprise real-name verification.'),
  'enterprise.set_parent': rule(SUPER, 'Place the enterprise under a headquarters (group control).'),
  'member.read': rule(ALL, 'List members and their roles.', { app: true }),
  'member.invite': rule(ADMINS, 'Invite people and revoke invitations.', { app: true }),
  'member.manage': rule(ADMINS, 'Change members\' roles and remove members.'),
  'contact.read': rule(ALL, 'List external contacts.', { app: true }),
  'contact.manage': rule(ALL, 'Add external persons and enterprises.', { app: true }),
  'contact.review': rule(ADMINS, 'Approve or reject an external enterprise.'),
  'seal.read': rule(ALL, 'List seals and preview them.', { app: true }),
  'seal.create': rule(SEAL, 'Generate or upload a seal.', { app: true }),
  'seal.manage': rule(SEAL, 'Enable or disable a seal.', { app: true }),
  'seal.grant': rule(SEAL, 'Grant a seal to a member, or revoke the grant.', { app: true }),
  'seal.ledger.read': rule(SEAL, 'Read the seal ledger (用印记录); headquarters read their subsidiaries\'.', { app: true, group: true }),
  'template.read': rule(ALL, 'List and preview templates.', { app: true }),
  'template.write': rule(TEMPLATE, 'Create, change and delete templates.', { app: true }),
  'contract.read': rule(ALL, 'Read the enterprise\'s contracts (parties see their own ones in any case).', { app: true }),
  'contract.send': rule(ALL, 'Create and send contracts for the enterprise.', { app: true }),
  'contract.manage': rule(ADMINS, 'Revoke, invalidate or extend contracts other members sent.', { app: true }),
  'app.manage': rule(ADMINS, 'Create integrator apps and rotate their secrets.'),
  'webhook.manage': rule(ADMINS, 'Configure webhooks.', { app: true }),
  'audit.read': rule(ADMINS, 'Read the enterprise\'s audit log.', { app: true }),
} satisfies Record<string, PermissionRule>);

/** An action of the permission table. */
export type Action = keyof typeof PERMISSIONS;

/** Every action, in table order. */
export const ACTIONS: readonly Action[] = Object.keys(PERMISSIONS) as Action[];

/** What an action is done to. */
export interface PermissionResource {
  /** The enterprise (tenant) that owns the resource; absent only for tenant-less actions. */
  enterpriseId?: string;
  /**
   * The owning enterprise's ancestors (its parent, the parent's parent, …), from
   * `Directory.ancestorsOf`, for group-control actions.
   */
  ancestors?: readonly string[];
}

/**
 * True when `actor` may do `action` to `resource`, per {@link PERMISSIONS}. Signet itself (`system`)
 * may do everything; a signing-link holder nothing here (the workflow checks its one contract).
 * Deny by default: an enterprise-scoped action on a resource that names no enterprise is refused.
 */
export function can(actor: Actor, action: Action, resource: PermissionResource = {}): boolean {
  const r: PermissionRule | undefined = PERMISSIONS[action];
  if (!r) return false;
  if (actor.kind === 'system') return true;
  if (r.anyPerson) return actor.kind === 'person' || actor.kind === 'member';
  const ent = resource.enterpriseId;
  if (!ent) return false;
  const inTenant = (own: string) => own === ent || (r.group && (resource.ancestors ?? []).includes(own));
  if (actor.kind === 'member') return inTenant(actor.enterpriseId) && actor.roles.some((role) => r.roles.includes(role));
  if (actor.kind === 'app') return r.app && inTenant(actor.enterpriseId);
  return false;
}

/**
 * Throws unless {@link can} allows it: NOT_FOUND when the resource lies outside the actor's tenant
 * (so that other tenants' ids reveal nothing), FORBIDDEN when the actor is in the tenant but lacks
 * the role.
 */
export function assertCan(actor: Actor, action: Action, resource: PermissionResource = {}): void {
  if (can(actor, action, resource)) return;
  const r = PERMISSIONS[action];
  if (r.anyPerson) throw new SignetError('FORBIDDEN', `请以个人账号登录后执行“${action}”。Sign in as a person to do ${action}.`, { action });
  const own = actor.kind === 'member' || actor.kind === 'app' ? actor.enterpriseId : undefined;
  const inTenant = (own !== undefined && (own === resource.enterpriseId || (r.group && (resource.ancestors ?? []).includes(own))));
  if (!inTenant) throw new SignetError('NOT_FOUND', '未找到该企业或资源。No such enterprise or resource in your tenant; check the id.');
  const who = r.roles.map((x) => ROLE_LABELS[x]).join('、');
  throw new SignetError('FORBIDDEN', `您没有权限执行“${action}”，需要以下角色之一：${who}。You need one of these roles for ${action}: ${r.roles.join(', ')}; ask an administrator.`, { action, roles: [...r.roles] });
}

/** Role names for people: zh-CN and English. */
export const ROLE_LABELS: Readonly<Record<EnterpriseRole, string>> = Object.freeze({
  super_admin: '超级管理员 (super admin)',
  system_admin: '系统管理员 (system admin)',
  seal_admin: '印章管理员 (seal admin)',
  template_admin: '模板管理员 (template admin)',
  member: '成员 (member)',
});
