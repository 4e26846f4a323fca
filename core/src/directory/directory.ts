/**
 * The directory of people and enterprises: users, enterprises (tenants) with group control,
 * memberships with roles, invitations and external contacts. Every change checks the permission
 * policy (`permissions.ts`) and appends to the subject's audit chain in the same atomic batch.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignetError, isSignetError } from '../errors.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { FieldCipher } from '../ports/field-cipher.js';
import { randomIdGenerator, type IdGenerator } from '../ports/id-generator.js';
import type { MessageSender } from '../ports/message-sender.js';
import { writeOp, type RecordStore } from '../ports/record-store.js';
import { validateMobile } from '../identity/mobile.js';
import { maskMobile } from '../evidence/mask.js';
import { validateOrganizationName, validatePersonName } from '../identity/names.js';
import { validateUscc } from '../identity/uscc.js';
import { checkPasswordStrength, DEFAULT_SCRYPT_PARAMS, hashPassword, type ScryptParams } from '../identity/password-hash.js';
import { ENTERPRISE_ROLES, isSelf, type Actor, type EnterpriseRole } from './actor.js';
import { DirectoryAudit, retryOnConflict } from './directory-audit.js';
import {
  directoryCollections, type DirectoryCollections, type EnterpriseRecord, type ExternalContactRecord,
  type InvitationRecord, type MembershipRecord, type RealNameStatus, type SavedMark, type UserRecord,
} from './directory-collections.js';
import { assertCan } from './permissions.js';

/** What the directory needs. */
export interface DirectoryDeps {
  store: RecordStore;
  cipher: FieldCipher;
  clock?: Clock;
  ids?: IdGenerator;
  /** Sends invitations (template `invite`, params `enterprise`, `link`) when {@link inviteLink} is set too. */
  sender?: MessageSender;
  /** Builds the link an invitation message carries from its token, e.g. `https://sign.example.com/join?token=…`. */
  inviteLink?: (token: string) => string;
  /** Publishes `enterprise.created`, `member.added`, `member.removed` for webhooks. */
  events?: EventPublisher;
  /** scrypt cost for login passwords (default {@link DEFAULT_SCRYPT_PARAMS}). */
  passwordParams?: ScryptParams;
  /** Lifetime of an invitation, in ms (default 7 days). */
  invitationTtlMs?: number;
}

/** A user as callers see it: no hashes, no ciphertexts. */
export interface UserView {
  id: string;
  name?: string;
  mobileMasked: string;
  realName: RealNameStatus;
  idNumberMasked?: string;
  hasLoginPassword: boolean;
  hasSigningPassword: boolean;
  marks: SavedMark[];
  createdAt: string;
}

/** An enterprise as callers see it. */
export interface EnterpriseView {
  id: string;
  name: string;
  uscc: string;
  legalRepresentative: string;
  parentId?: string;
  realName: RealNameStatus;
  createdAt: string;
}

/** One membership, with the enterprise's name. */
export interface MembershipView {
  enterpriseId: string;
  enterpriseName: string;
  userId: string;
  roles: EnterpriseRole[];
  joinedAt: string;
}

/** One member of an enterprise, as its member list shows them. */
export interface MemberView {
  userId: string;
  name?: string;
  mobileMasked: string;
  roles: EnterpriseRole[];
  realNameStatus: RealNameStatus['status'];
  joinedAt: string;
}

/** An invitation as callers see it (never its token). */
export interface InvitationView {
  id: string;
  enterpriseId: string;
  mobileMasked: string;
  name?: string;
  roles: EnterpriseRole[];
  status: InvitationRecord['status'] | 'expired';
  createdAt: string;
  expiresAt: string;
}

/** An external contact as callers see it. */
export interface ContactView {
  id: string;
  ownerEnterpriseId: string;
  kind: 'person' | 'enterprise';
  name: string;
  mobileMasked?: string;
  uscc?: string;
  status: ExternalContactRecord['status'];
  rejectReason?: string;
  createdAt: string;
}

const MAX_MARKS = 20;
const MAX_GROUP_DEPTH = 16;
const SYSTEM: Actor = { kind: 'system', reason: 'directory' };

/** Users, enterprises, memberships, invitations and external contacts. */
export class Directory {
  /** The collections, for the identity services that share them. */
  readonly collections: DirectoryCollections;
  /** The audit chains of users and enterprises. */
  readonly audit: DirectoryAudit;
  /** The field cipher for mobile and ID numbers. */
  readonly cipher: FieldCipher;
  /** The clock. */
  readonly clock: Clock;
  /** The id generator. */
  readonly ids: IdGenerator;
  /** The store the directory and the identity services share. */
  readonly store: RecordStore;

  /** A directory over `deps.store`. */
  constructor(private readonly deps: DirectoryDeps) {
    this.store = deps.store;
    this.collections = directoryCollections(deps.store);
    this.audit = new DirectoryAudit(deps.store);
    this.cipher = deps.cipher;
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomIdGenerator;
  }

  // ---------------------------------------------------------------- users

  /**
   * Creates a user with a mobile number (unique), optionally a name and a login password. Call it
   * once the number is proven (an OTP), from an invitation, or from the demo seed: it does not check
   * possession itself. Throws IDENTITY_INVALID, PASSWORD_WEAK, or DUPLICATE when the number has an account.
   */
  async createUser(input: { mobile: string; name?: string; loginPassword?: string }, actor: Actor = SYSTEM): Promise<UserView> {
    const mobile = normaliseMobile(input.mobile);
    const name = input.name === undefined ? undefined : personName(input.name);
    let loginPasswordHash: string | undefined;
    if (input.loginPassword !== undefined) {
      const weak = checkPasswordStrength(input.loginPassword, 'login');
      if (weak) throw new SignetError('PASSWORD_WEAK', weak);
      loginPasswordHash = await hashPassword(input.loginPassword, this.deps.passwordParams ?? DEFAULT_SCRYPT_PARAMS);
    }
    const now = this.clock.now();
    const user: UserRecord = {
      id: this.ids.next('usr'), version: 0, name,
      mobileIndex: this.cipher.blindIndex(mobile, 'mobile'), mobileCipher: this.cipher.encrypt(mobile, 'mobile'), mobileMasked: maskMobile(mobile),
      realName: { status: 'unverified' }, loginPasswordHash, marks: [], createdAt: now.toISOString(),
    };
    try {
      await this.store.transact([
        writeOp.insert(this.collections.users, user),
        await this.audit.append(user.id, 'user.created', actor, now, { mobile: user.mobileMasked, hasLoginPassword: !!loginPasswordHash }),
      ]);
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.unique === 'mobile') {
        throw new SignetError('DUPLICATE', '该手机号已注册，请直接登录。This mobile number already has an account; sign in instead.', { unique: 'mobile' });
      }
      throw e;
    }
    return userView(user);
  }

  /** The user, or undefined. */
  async getUser(userId: string): Promise<UserView | undefined> {
    const u = await this.collections.users.get(userId);
    return u && userView(u);
  }

  /** The user with this mobile number, or undefined (IDENTITY_INVALID when the number is malformed). */
  async findUserByMobile(mobile: string): Promise<UserView | undefined> {
    const u = await this.userRecordByMobile(mobile);
    return u && userView(u);
  }

  /** The user whose verified ID number this is, or undefined. */
  async findUserByIdNumber(idNumber: string): Promise<UserView | undefined> {
    const u = await this.collections.users.getBy('idNumber', this.cipher.blindIndex(idNumber.trim().toUpperCase(), 'id_number'));
    return u && userView(u);
  }

  /** The stored user record (with hashes and ciphertexts), for the identity services. Throws NOT_FOUND. */
  async userRecord(userId: string): Promise<UserRecord> {
    const u = await this.collections.users.get(userId);
    if (!u) throw new SignetError('NOT_FOUND', `用户 ${userId} 不存在。User ${userId} does not exist; check the id.`);
    return u;
  }

  /** The stored user record for a mobile number, or undefined. */
  async userRecordByMobile(mobile: string): Promise<UserRecord | undefined> {
    return this.collections.users.getBy('mobile', this.cipher.blindIndex(normaliseMobile(mobile), 'mobile'));
  }

  /** The user's mobile number in clear, to send a message to. */
  async mobileOf(userId: string): Promise<string> {
    return this.cipher.decrypt((await this.userRecord(userId)).mobileCipher, 'mobile');
  }

  /**
   * Saves a handwritten signature or personal seal (a BlobStore id of its image or strokes) for the
   * user; only the user (or Signet) may. Throws FORBIDDEN, INVALID_ARGUMENT (bad blob id, more than 20 marks).
   */
  async addMark(actor: Actor, userId: string, input: { kind: SavedMark['kind']; blobId: string; label?: string }): Promise<SavedMark> {
    assertSelf(actor, userId);
    if (input.kind !== 'handwritten_signature' && input.kind !== 'personal_seal') {
      throw new SignetError('INVALID_ARGUMENT', 'kind must be handwritten_signature or personal_seal');
    }
    if (!/^[0-9a-f]{64}$/.test(input.blobId)) throw new SignetError('INVALID_ARGUMENT', 'blobId must be the SHA-256 hex id of a stored blob');
    const label = input.label?.trim().slice(0, 50) || undefined;
    return retryOnConflict(async () => {
      const u = await this.userRecord(userId);
      if (u.marks.length >= MAX_MARKS) throw new SignetError('INVALID_ARGUMENT', `最多保存 ${MAX_MARKS} 个签名或印章，请先删除一个。At most ${MAX_MARKS} saved signatures and seals; remove one first.`);
      const now = this.clock.now();
      const mark: SavedMark = { id: this.ids.next('mrk'), kind: input.kind, blobId: input.blobId, label, createdAt: now.toISOString() };
      await this.store.transact([
        writeOp.update(this.collections.users, { ...u, marks: [...u.marks, mark] }, u.version),
        await this.audit.append(userId, 'user.mark_added', actor, now, { markId: mark.id, kind: mark.kind, blobId: mark.blobId }),
      ]);
      return mark;
    });
  }

  /** Removes a saved signature or seal of the user. Throws FORBIDDEN, NOT_FOUND. */
  async removeMark(actor: Actor, userId: string, markId: string): Promise<void> {
    assertSelf(actor, userId);
    await retryOnConflict(async () => {
      const u = await this.userRecord(userId);
      if (!u.marks.some((m) => m.id === markId)) throw new SignetError('NOT_FOUND', `签名或印章 ${markId} 不存在。No saved mark ${markId}.`);
      const now = this.clock.now();
      await this.store.transact([
        writeOp.update(this.collections.users, { ...u, marks: u.marks.filter((m) => m.id !== markId) }, u.version),
        await this.audit.append(userId, 'user.mark_removed', actor, now, { markId }),
      ]);
    });
  }

  // ---------------------------------------------------------------- enterprises

  /**
   * Creates an enterprise (unverified) and makes its creator its super admin. A person or member
   * creates it for themselves; Signet (`system`) names the owner. Throws IDENTITY_INVALID (name,
   * USCC check character, legal representative), DUPLICATE when the USCC is registered already.
   */
  async createEnterprise(actor: Actor, input: { name: string; uscc: string; legalRepresentative: string; ownerUserId?: string }): Promise<EnterpriseView> {
    assertCan(actor, 'enterprise.create');
    const owner = actor.kind === 'member' || actor.kind === 'person' ? actor.userId : input.ownerUserId;
    if (!owner) throw new SignetError('INVALID_ARGUMENT', 'ownerUserId is required when Signet creates an enterprise');
    await this.userRecord(owner);
    const name = orgName(input.name);
    const uscc = usccOf(input.uscc);
    const legalRepresentative = personName(input.legalRepresentative, '法定代表人姓名 legal representative');
    const now = this.clock.now();
    const ent: EnterpriseRecord = {
      id: this.ids.next('ent'), version: 0, name, uscc, legalRepresentative,
      realName: { status: 'unverified' }, createdBy: owner, createdAt: now.toISOString(),
    };
    const m: MembershipRecord = { id: this.ids.next('mem'), version: 0, enterpriseId: ent.id, userId: owner, roles: ['super_admin'], joinedAt: now.toISOString() };
    const created = await this.audit.appendAll(ent.id, actor, now, [
      { type: 'enterprise.created', data: { name, uscc } },
      { type: 'member.added', data: { userId: owner, roles: m.roles } },
    ]);
    try {
      await this.store.transact([writeOp.insert(this.collections.enterprises, ent), writeOp.insert(this.collections.memberships, m), ...created]);
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.unique === 'uscc') {
        throw new SignetError('DUPLICATE', '该统一社会信用代码的企业已在 Signet 注册，请联系其管理员邀请您加入。An enterprise with this USCC is registered already; ask its administrator to invite you.', { unique: 'uscc' });
      }
      throw e;
    }
    await this.deps.events?.publish({ type: 'enterprise.created', subject: ent.id, at: now, data: { enterpriseId: ent.id } });
    return enterpriseView(ent);
  }

  /** The enterprise, or undefined. */
  async getEnterprise(enterpriseId: string): Promise<EnterpriseView | undefined> {
    const e = await this.collections.enterprises.get(enterpriseId);
    return e && enterpriseView(e);
  }

  /** The stored enterprise record. Throws NOT_FOUND. */
  async enterpriseRecord(enterpriseId: string): Promise<EnterpriseRecord> {
    const e = await this.collections.enterprises.get(enterpriseId);
    if (!e) throw new SignetError('NOT_FOUND', `企业 ${enterpriseId} 不存在。Enterprise ${enterpriseId} does not exist; check the id.`);
    return e;
  }

  /** The enterprise with this USCC, or undefined. */
  async findEnterpriseByUscc(uscc: string): Promise<EnterpriseView | undefined> {
    const e = await this.collections.enterprises.getBy('uscc', uscc.trim().toUpperCase());
    return e && enterpriseView(e);
  }

  /**
   * Places `enterpriseId` under the headquarters `parentId` (or detaches it with undefined), for
   * group control. The actor must be super admin of the subsidiary, and the same user super admin
   * of the new parent; Signet may always. Throws INVALID_ARGUMENT for a cycle or a group deeper
   * than 16 levels.
   */
  async setParent(actor: Actor, enterpriseId: string, parentId: string | undefined): Promise<EnterpriseView> {
    assertCan(actor, 'enterprise.set_parent', { enterpriseId });
    if (parentId !== undefined) {
      await this.enterpriseRecord(parentId);
      if (actor.kind === 'member' && !(await this.hasRole(actor.userId, parentId, 'super_admin'))) {
        throw new SignetError('FORBIDDEN', '您必须同时是上级企业的超级管理员。You must be a super admin of the headquarters too.');
      }
      if (parentId === enterpriseId || (await this.ancestorsOf(parentId)).includes(enterpriseId)) {
        throw new SignetError('INVALID_ARGUMENT', '不能把企业挂在自己或下属企业之下。An enterprise cannot be placed under itself or one of its subsidiaries.');
      }
      if ((await this.ancestorsOf(parentId)).length + 1 >= MAX_GROUP_DEPTH) {
        throw new SignetError('INVALID_ARGUMENT', `集团层级最多 ${MAX_GROUP_DEPTH} 级。A group has at most ${MAX_GROUP_DEPTH} levels.`);
      }
    }
    return retryOnConflict(async () => {
      const e = await this.enterpriseRecord(enterpriseId);
      const now = this.clock.now();
      const next = { ...e, parentId };
      await this.store.transact([
        writeOp.update(this.collections.enterprises, next, e.version),
        await this.audit.append(enterpriseId, 'enterprise.parent_set', actor, now, { parentId: parentId ?? null, previousParentId: e.parentId ?? null }),
      ]);
      return enterpriseView(next);
    });
  }

  /** The enterprise's ancestors, nearest first: its parent, the parent's parent, … */
  async ancestorsOf(enterpriseId: string): Promise<string[]> {
    const out: string[] = [];
    let cur = (await this.collections.enterprises.get(enterpriseId))?.parentId;
    while (cur !== undefined && !out.includes(cur) && cur !== enterpriseId && out.length < MAX_GROUP_DEPTH) {
      out.push(cur);
      cur = (await this.collections.enterprises.get(cur))?.parentId;
    }
    return out;
  }

  /** True when `hqId` is an ancestor of `subId` (a parent, grandparent, …); false for the enterprise itself. */
  async isAncestor(hqId: string, subId: string): Promise<boolean> {
    return hqId !== subId && (await this.ancestorsOf(subId)).includes(hqId);
  }

  /** The enterprise's direct subsidiaries. */
  async subsidiariesOf(enterpriseId: string): Promise<EnterpriseView[]> {
    return (await this.collections.enterprises.find('parent', enterpriseId)).map(enterpriseView);
  }

  // ---------------------------------------------------------------- memberships

  /** The user's active memberships, with enterprise names (for the session layer and the console). */
  async membershipsOf(userId: string): Promise<MembershipView[]> {
    const ms = (await this.collections.memberships.find('user', userId)).filter((m) => m.roles.length > 0);
    const out: MembershipView[] = [];
    for (const m of ms) {
      const e = await this.collections.enterprises.get(m.enterpriseId);
      if (e) out.push({ enterpriseId: m.enterpriseId, enterpriseName: e.name, userId, roles: [...m.roles], joinedAt: m.joinedAt });
    }
    return out;
  }

  /**
   * The {@link Actor} of `userId` acting for `enterpriseId`, with their roles, for the session layer.
   * Throws NOT_FOUND when the user is not an active member.
   */
  async actorFor(userId: string, enterpriseId: string): Promise<Extract<Actor, { kind: 'member' }>> {
    const m = await this.collections.memberships.getBy('pair', `${enterpriseId}|${userId}`);
    if (!m || m.roles.length === 0) throw new SignetError('NOT_FOUND', '您不是该企业的成员。You are not a member of this enterprise.');
    return { kind: 'member', userId, enterpriseId, roles: [...m.roles] };
  }

  /**
   * The actor of a signed-in user for the session layer: a `member` of `enterpriseId`, or, when it
   * is omitted, of the enterprise they joined first; a `person` when they belong to none.
   * Undefined when the user does not exist, or is not a member of the enterprise asked for.
   */
  async sessionActor(userId: string, enterpriseId?: string): Promise<Actor | undefined> {
    if (!(await this.collections.users.get(userId))) return undefined;
    if (enterpriseId !== undefined) {
      const m = await this.collections.memberships.getBy('pair', `${enterpriseId}|${userId}`);
      return m && m.roles.length > 0 ? { kind: 'member', userId, enterpriseId, roles: [...m.roles] } : undefined;
    }
    const ms = (await this.collections.memberships.find('user', userId)).filter((m) => m.roles.length > 0);
    ms.sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : a.id < b.id ? -1 : 1));
    return ms.length ? { kind: 'member', userId, enterpriseId: ms[0].enterpriseId, roles: [...ms[0].roles] } : { kind: 'person', userId };
  }

  /** The enterprise's members (needs `member.read`). */
  async membersOf(actor: Actor, enterpriseId: string): Promise<MemberView[]> {
    assertCan(actor, 'member.read', { enterpriseId });
    const out: MemberView[] = [];
    for (const m of await this.collections.memberships.find('enterprise', enterpriseId)) {
      if (m.roles.length === 0) continue;
      const u = await this.collections.users.get(m.userId);
      if (u) out.push({ userId: u.id, name: u.name, mobileMasked: u.mobileMasked, roles: [...m.roles], realNameStatus: u.realName.status, joinedAt: m.joinedAt });
    }
    return out;
  }

  /**
   * Adds an existing user to the enterprise with `roles`, or gives a removed member roles again
   * (needs `member.manage`; only a super admin grants super admin). Throws DUPLICATE when already a member.
   */
  async addMember(actor: Actor, enterpriseId: string, userId: string, roles: EnterpriseRole[]): Promise<MemberView> {
    assertCan(actor, 'member.manage', { enterpriseId });
    const rs = rolesOf(roles);
    assertMayGrant(actor, rs);
    await this.enterpriseRecord(enterpriseId);
    await this.userRecord(userId);
    await retryOnConflict(async () => {
      const cur = await this.collections.memberships.getBy('pair', `${enterpriseId}|${userId}`);
      if (cur && cur.roles.length > 0) throw new SignetError('DUPLICATE', '该用户已是企业成员，请修改其角色。The user is a member already; change their roles instead.');
      const now = this.clock.now();
      const m: MembershipRecord = cur ? { ...cur, roles: rs, joinedAt: now.toISOString() } : { id: this.ids.next('mem'), version: 0, enterpriseId, userId, roles: rs, joinedAt: now.toISOString() };
      await this.store.transact([
        cur ? writeOp.update(this.collections.memberships, m, cur.version) : writeOp.insert(this.collections.memberships, m),
        await this.audit.append(enterpriseId, 'member.added', actor, now, { userId, roles: rs }),
      ]);
    });
    await this.deps.events?.publish({ type: 'member.added', subject: enterpriseId, at: this.clock.now(), data: { enterpriseId, userId } });
    return (await this.membersOf(SYSTEM, enterpriseId)).find((m) => m.userId === userId)!;
  }

  /**
   * Replaces a member's roles (needs `member.manage`; only a super admin grants or takes super
   * admin). Throws INVALID_ARGUMENT when it would leave the enterprise without a super admin.
   */
  async setRoles(actor: Actor, enterpriseId: string, userId: string, roles: EnterpriseRole[]): Promise<MemberView> {
    assertCan(actor, 'member.manage', { enterpriseId });
    const rs = rolesOf(roles);
    await this.changeRoles(actor, enterpriseId, userId, rs, 'member.roles_changed');
    return (await this.membersOf(SYSTEM, enterpriseId)).find((m) => m.userId === userId)!;
  }

  /** Removes a member (needs `member.manage`; only a super admin removes a super admin; the last one stays). */
  async removeMember(actor: Actor, enterpriseId: string, userId: string): Promise<void> {
    assertCan(actor, 'member.manage', { enterpriseId });
    await this.changeRoles(actor, enterpriseId, userId, [], 'member.removed');
    await this.deps.events?.publish({ type: 'member.removed', subject: enterpriseId, at: this.clock.now(), data: { enterpriseId, userId } });
  }

  private async changeRoles(actor: Actor, enterpriseId: string, userId: string, roles: EnterpriseRole[], type: string): Promise<void> {
    await retryOnConflict(async () => {
      const cur = await this.collections.memberships.getBy('pair', `${enterpriseId}|${userId}`);
      if (!cur || cur.roles.length === 0) throw new SignetError('NOT_FOUND', '该用户不是企业成员。The user is not a member of this enterprise.');
      const touchesSuper = cur.roles.includes('super_admin') !== roles.includes('super_admin');
      if (touchesSuper) assertMayGrant(actor, ['super_admin']);
      if (cur.roles.includes('super_admin') && !roles.includes('super_admin')) {
        const supers = (await this.collections.memberships.find('enterprise', enterpriseId)).filter((m) => m.roles.includes('super_admin'));
        if (supers.length <= 1) {
          throw new SignetError('INVALID_ARGUMENT', '企业至少要有一位超级管理员，请先指定另一位。An enterprise keeps at least one super admin; appoint another one first.');
        }
      }
      const now = this.clock.now();
      await this.store.transact([
        writeOp.update(this.collections.memberships, { ...cur, roles }, cur.version),
        await this.audit.append(enterpriseId, type, actor, now, { userId, roles, previousRoles: cur.roles }),
      ]);
    });
  }

  private async hasRole(userId: string, enterpriseId: string, role: EnterpriseRole): Promise<boolean> {
    const m = await this.collections.memberships.getBy('pair', `${enterpriseId}|${userId}`);
    return !!m && m.roles.includes(role);
  }

  // ---------------------------------------------------------------- invitations

  /**
   * Invites a mobile number to join the enterprise with `roles` (needs `member.invite`; only a super
   * admin invites super admins). Returns the invitation and its token, the only time the token is
   * seen: it is stored hashed. Sends the `invite` message when a sender and `inviteLink` are configured.
   */
  async invite(actor: Actor, enterpriseId: string, input: { mobile: string; name?: string; roles: EnterpriseRole[] }): Promise<{ invitation: InvitationView; token: string }> {
    assertCan(actor, 'member.invite', { enterpriseId });
    const rs = rolesOf(input.roles);
    assertMayGrant(actor, rs);
    const mobile = normaliseMobile(input.mobile);
    const name = input.name === undefined ? undefined : personName(input.name);
    const ent = await this.enterpriseRecord(enterpriseId);
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const inv: InvitationRecord = {
      id: this.ids.next('inv'), version: 0, enterpriseId,
      mobileIndex: this.cipher.blindIndex(mobile, 'mobile'), mobileCipher: this.cipher.encrypt(mobile, 'mobile'), mobileMasked: maskMobile(mobile),
      name, roles: rs, tokenHash: sha256(token), status: 'pending', invitedBy: actorId(actor),
      createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + (this.deps.invitationTtlMs ?? 7 * 86_400_000)).toISOString(),
    };
    await retryOnConflict(async () => this.store.transact([
      writeOp.insert(this.collections.invitations, inv),
      await this.audit.append(enterpriseId, 'invitation.created', actor, now, { invitationId: inv.id, mobile: inv.mobileMasked, roles: rs }),
    ]));
    if (this.deps.sender && this.deps.inviteLink) {
      await this.deps.sender.send({ to: mobile, template: 'invite', params: { enterprise: ent.name, link: this.deps.inviteLink(token) } });
    }
    return { invitation: invitationView(inv, now), token };
  }

  /**
   * Accepts an invitation for the signed-in user, whose mobile number must be the invited one, and
   * makes them a member (adding the roles when they are one already). Throws INVITATION_INVALID.
   */
  async acceptInvitation(actor: Actor, token: string): Promise<MembershipView> {
    if (actor.kind !== 'person' && actor.kind !== 'member') throw new SignetError('FORBIDDEN', '请先登录再接受邀请。Sign in to accept an invitation.');
    const userId = actor.userId;
    const user = await this.userRecord(userId);
    const invalid = (why: string) => new SignetError('INVITATION_INVALID', `${why} Ask the enterprise for a new invitation.`);
    let enterpriseId = '';
    await retryOnConflict(async () => {
      const inv = typeof token === 'string' && token ? await this.collections.invitations.getBy('token', sha256(token)) : undefined;
      const now = this.clock.now();
      if (!inv) throw invalid('邀请不存在。The invitation is unknown.');
      if (inv.status !== 'pending') throw invalid(inv.status === 'accepted' ? '邀请已被接受。The invitation was accepted already.' : '邀请已撤销。The invitation was revoked.');
      if (new Date(inv.expiresAt).getTime() <= now.getTime()) throw invalid('邀请已过期。The invitation has expired.');
      if (inv.mobileIndex !== user.mobileIndex) throw invalid('该邀请发给了另一个手机号。The invitation is for another mobile number.');
      enterpriseId = inv.enterpriseId;
      const cur = await this.collections.memberships.getBy('pair', `${inv.enterpriseId}|${userId}`);
      const roles = rolesOf([...(cur?.roles ?? []), ...inv.roles]);
      const m: MembershipRecord = cur ? { ...cur, roles } : { id: this.ids.next('mem'), version: 0, enterpriseId: inv.enterpriseId, userId, roles, joinedAt: now.toISOString() };
      const events = await this.audit.appendAll(inv.enterpriseId, actor, now, [
        { type: 'invitation.accepted', data: { invitationId: inv.id, userId } },
        { type: cur && cur.roles.length ? 'member.roles_changed' : 'member.added', data: { userId, roles, previousRoles: cur?.roles ?? [] } },
      ]);
      await this.store.transact([
        writeOp.update(this.collections.invitations, { ...inv, status: 'accepted', acceptedBy: userId, acceptedAt: now.toISOString() }, inv.version),
        cur ? writeOp.update(this.collections.memberships, m, cur.version) : writeOp.insert(this.collections.memberships, m),
        ...events,
      ]);
    });
    return (await this.membershipsOf(userId)).find((m) => m.enterpriseId === enterpriseId)!;
  }

  /** Revokes a pending invitation (needs `member.invite`). */
  async revokeInvitation(actor: Actor, enterpriseId: string, invitationId: string): Promise<void> {
    assertCan(actor, 'member.invite', { enterpriseId });
    await retryOnConflict(async () => {
      const inv = await this.collections.invitations.get(invitationId);
      if (!inv || inv.enterpriseId !== enterpriseId) throw new SignetError('NOT_FOUND', `邀请 ${invitationId} 不存在。No invitation ${invitationId} in this enterprise.`);
      if (inv.status !== 'pending') throw new SignetError('INVITATION_INVALID', '只能撤销待接受的邀请。Only a pending invitation can be revoked.');
      const now = this.clock.now();
      await this.store.transact([
        writeOp.update<InvitationRecord>(this.collections.invitations, { ...inv, status: 'revoked' }, inv.version),
        await this.audit.append(enterpriseId, 'invitation.revoked', actor, now, { invitationId }),
      ]);
    });
  }

  /** The enterprise's invitations, newest state first by id order (needs `member.invite`). */
  async invitationsOf(actor: Actor, enterpriseId: string): Promise<InvitationView[]> {
    assertCan(actor, 'member.invite', { enterpriseId });
    const now = this.clock.now();
    return (await this.collections.invitations.find('enterprise', enterpriseId)).map((i) => invitationView(i, now));
  }

  // ---------------------------------------------------------------- external contacts

  /** Adds an external person (name + mobile) to the enterprise's contacts (needs `contact.manage`). */
  async addExternalPerson(actor: Actor, enterpriseId: string, input: { name: string; mobile: string }): Promise<ContactView> {
    assertCan(actor, 'contact.manage', { enterpriseId });
    const mobile = normaliseMobile(input.mobile);
    return this.insertContact(actor, enterpriseId, {
      kind: 'person', name: personName(input.name), status: 'active',
      mobileIndex: this.cipher.blindIndex(mobile, 'mobile'), mobileCipher: this.cipher.encrypt(mobile, 'mobile'), mobileMasked: maskMobile(mobile),
    });
  }

  /** Adds an external enterprise (name + USCC) to the contacts, pending review (needs `contact.manage`). */
  async addExternalEnterprise(actor: Actor, enterpriseId: string, input: { name: string; uscc: string }): Promise<ContactView> {
    assertCan(actor, 'contact.manage', { enterpriseId });
    return this.insertContact(actor, enterpriseId, { kind: 'enterprise', name: orgName(input.name), uscc: usccOf(input.uscc), status: 'pending' });
  }

  private async insertContact(actor: Actor, enterpriseId: string, c: Omit<ExternalContactRecord, 'id' | 'version' | 'ownerEnterpriseId' | 'createdBy' | 'createdAt'>): Promise<ContactView> {
    await this.enterpriseRecord(enterpriseId);
    const now = this.clock.now();
    const rec: ExternalContactRecord = { id: this.ids.next('ctc'), version: 0, ownerEnterpriseId: enterpriseId, createdBy: actorId(actor), createdAt: now.toISOString(), ...c };
    try {
      await retryOnConflict(async () => this.store.transact([
        writeOp.insert(this.collections.contacts, rec),
        await this.audit.append(enterpriseId, 'contact.added', actor, now, { contactId: rec.id, kind: rec.kind, name: rec.name, mobile: rec.mobileMasked, uscc: rec.uscc }),
      ]));
    } catch (e) {
      if (isSignetError(e, 'DUPLICATE') && e.details?.collection === 'external_contacts') {
        throw new SignetError('DUPLICATE', '该联系人已存在。This contact is in the list already.', { existingId: e.details.existingId });
      }
      throw e;
    }
    return contactView(rec);
  }

  /**
   * Approves or rejects a pending external enterprise (needs `contact.review`). Throws
   * IDENTITY_VERIFICATION_CLOSED when it was reviewed already.
   */
  async reviewExternalEnterprise(actor: Actor, enterpriseId: string, contactId: string, decision: { approve: boolean; reason?: string }): Promise<ContactView> {
    assertCan(actor, 'contact.review', { enterpriseId });
    return retryOnConflict(async () => {
      const c = await this.collections.contacts.get(contactId);
      if (!c || c.ownerEnterpriseId !== enterpriseId || c.kind !== 'enterprise') throw new SignetError('NOT_FOUND', `外部企业 ${contactId} 不存在。No external enterprise ${contactId} in this enterprise's contacts.`);
      if (c.status !== 'pending') throw new SignetError('IDENTITY_VERIFICATION_CLOSED', `该外部企业已审核（${c.status}）。This external enterprise was reviewed already (${c.status}).`);
      const reason = decision.reason?.trim().slice(0, 200) || undefined;
      if (!decision.approve && !reason) throw new SignetError('INVALID_ARGUMENT', '驳回时请填写原因。Give a reason when rejecting.');
      const now = this.clock.now();
      const next: ExternalContactRecord = { ...c, status: decision.approve ? 'approved' : 'rejected', reviewedBy: actorId(actor), reviewedAt: now.toISOString(), rejectReason: decision.approve ? undefined : reason };
      await this.store.transact([
        writeOp.update(this.collections.contacts, next, c.version),
        await this.audit.append(enterpriseId, 'contact.reviewed', actor, now, { contactId, status: next.status, reason }),
      ]);
      return contactView(next);
    });
  }

  /** The enterprise's external contacts, optionally of one status (needs `contact.read`). */
  async contactsOf(actor: Actor, enterpriseId: string, opts: { status?: ExternalContactRecord['status'] } = {}): Promise<ContactView[]> {
    assertCan(actor, 'contact.read', { enterpriseId });
    return (await this.collections.contacts.find('owner', enterpriseId)).filter((c) => !opts.status || c.status === opts.status).map(contactView);
  }
}

// ---------------------------------------------------------------- helpers

function userView(u: UserRecord): UserView {
  return {
    id: u.id, name: u.name, mobileMasked: u.mobileMasked, realName: { ...u.realName }, idNumberMasked: u.idNumberMasked,
    hasLoginPassword: !!u.loginPasswordHash, hasSigningPassword: !!u.signingPasswordHash, marks: u.marks.map((m) => ({ ...m })), createdAt: u.createdAt,
  };
}

function enterpriseView(e: EnterpriseRecord): EnterpriseView {
  return { id: e.id, name: e.name, uscc: e.uscc, legalRepresentative: e.legalRepresentative, parentId: e.parentId, realName: { ...e.realName }, createdAt: e.createdAt };
}

function invitationView(i: InvitationRecord, now: Date): InvitationView {
  const expired = i.status === 'pending' && new Date(i.expiresAt).getTime() <= now.getTime();
  return { id: i.id, enterpriseId: i.enterpriseId, mobileMasked: i.mobileMasked, name: i.name, roles: [...i.roles], status: expired ? 'expired' : i.status, createdAt: i.createdAt, expiresAt: i.expiresAt };
}

function contactView(c: ExternalContactRecord): ContactView {
  return { id: c.id, ownerEnterpriseId: c.ownerEnterpriseId, kind: c.kind, name: c.name, mobileMasked: c.mobileMasked, uscc: c.uscc, status: c.status, rejectReason: c.rejectReason, createdAt: c.createdAt };
}

/** Validates and normalises a mobile number; IDENTITY_INVALID otherwise. */
export function normaliseMobile(mobile: string): string {
  const m = validateMobile(mobile);
  if (!m.ok) throw new SignetError('IDENTITY_INVALID', `手机号格式不正确。${m.reason}.`);
  return m.mobile!;
}

function personName(name: string, what = '姓名 name'): string {
  const n = validatePersonName(name);
  if (!n.ok) throw new SignetError('IDENTITY_INVALID', `${what}: ${n.reason}.`);
  return n.name!;
}

function orgName(name: string): string {
  const n = validateOrganizationName(name);
  if (!n.ok) throw new SignetError('IDENTITY_INVALID', `企业名称 organization name: ${n.reason}.`);
  return n.name!;
}

function usccOf(code: string): string {
  const u = validateUscc(code);
  if (!u.ok) throw new SignetError('IDENTITY_INVALID', `统一社会信用代码 USCC: ${u.reason}.`);
  return code.trim().toUpperCase();
}

function rolesOf(roles: readonly EnterpriseRole[]): EnterpriseRole[] {
  if (!Array.isArray(roles) || roles.length === 0) throw new SignetError('INVALID_ARGUMENT', `请至少指定一个角色。Give at least one role: ${ENTERPRISE_ROLES.join(', ')}.`);
  const bad = roles.find((r) => !ENTERPRISE_ROLES.includes(r));
  if (bad !== undefined) throw new SignetError('INVALID_ARGUMENT', `未知角色 "${String(bad)}"。Unknown role; use ${ENTERPRISE_ROLES.join(', ')}.`);
  return ENTERPRISE_ROLES.filter((r) => roles.includes(r));
}

function assertMayGrant(actor: Actor, roles: readonly EnterpriseRole[]): void {
  if (!roles.includes('super_admin') || actor.kind === 'system') return;
  if (actor.kind === 'member' && actor.roles.includes('super_admin')) return;
  throw new SignetError('FORBIDDEN', '只有超级管理员可以授予或撤销超级管理员。Only a super admin grants or takes the super admin role.');
}

function assertSelf(actor: Actor, userId: string): void {
  if (!isSelf(actor, userId)) throw new SignetError('FORBIDDEN', '只能修改自己的账户。You can only change your own account.');
}

function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'member':
    case 'person':
      return actor.userId;
    case 'app':
      return `app:${actor.appId}`;
    case 'link':
      return `link:${actor.linkId}`;
    case 'system':
      return 'system';
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
