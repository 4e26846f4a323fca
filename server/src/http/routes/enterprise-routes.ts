/**
 * Enterprises (tenants), their members and invitations, group control (parent and subsidiaries),
 * and external contacts. The directory checks every right against the permission table
 * (`core/src/directory/permissions.ts`) and writes each change with its audit event; these routes
 * only translate HTTP. Another tenant's ids answer NOT_FOUND.
 */
import {
  SignetError, assertCan, normaliseMobile,
  type ContactView, type EnterpriseRole, type EnterpriseView, type InvitationView, type MemberView, type MembershipView,
} from '@signet/core';
import { baseUrlOf, type Platform } from '../../platform.js';
import { defineRoute, reply, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { itemsSchema, pageOf, pageSchema, PAGE_QUERY, platformOf, tenantOf, text, type Page } from './route-helpers.js';

const ROLES: JsonSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 5,
  uniqueItems: true,
  items: { enum: ['super_admin', 'system_admin', 'seal_admin', 'template_admin', 'member'] },
  description: '角色 Roles: super_admin, system_admin, seal_admin, template_admin, member',
};

const ENTERPRISE: JsonSchema = {
  type: 'object',
  description: '企业 An enterprise (tenant)',
  required: ['id', 'name', 'uscc', 'legalRepresentative', 'realName', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    uscc: { type: 'string', description: '统一社会信用代码 Unified social credit code (public register data)' },
    legalRepresentative: { type: 'string' },
    parentId: { type: 'string', description: '上级企业 The headquarters, for group control' },
    realName: schemaRef('RealNameStatus'),
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const MEMBER: JsonSchema = {
  type: 'object',
  required: ['userId', 'mobileMasked', 'roles', 'realNameStatus', 'joinedAt'],
  properties: {
    userId: { type: 'string' },
    name: { type: 'string' },
    mobileMasked: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    realNameStatus: { enum: ['unverified', 'pending', 'verified'] },
    joinedAt: { type: 'string', format: 'date-time' },
  },
};

const INVITATION: JsonSchema = {
  type: 'object',
  description: '邀请（不含令牌：令牌仅通过短信发送）An invitation; its token goes by SMS only',
  required: ['id', 'enterpriseId', 'mobileMasked', 'roles', 'status', 'createdAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    enterpriseId: { type: 'string' },
    mobileMasked: { type: 'string' },
    name: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    status: { enum: ['pending', 'accepted', 'revoked', 'expired'] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    delivered: { type: 'boolean', description: 'Whether the SMS with the link was handed to the gateway' },
  },
};

const CONTACT: JsonSchema = {
  type: 'object',
  description: '外部联系人 An external person or enterprise the enterprise signs with',
  required: ['id', 'ownerEnterpriseId', 'kind', 'name', 'status', 'createdAt'],
  properties: {
    id: { type: 'string' },
    ownerEnterpriseId: { type: 'string' },
    kind: { enum: ['person', 'enterprise'] },
    name: { type: 'string' },
    mobileMasked: { type: 'string' },
    uscc: { type: 'string' },
    status: { enum: ['active', 'pending', 'approved', 'rejected'] },
    rejectReason: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const clean = <T extends object>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

/** The enterprise, member, invitation and contact routes. */
export function enterpriseRoutes(s: { platform?: Platform }): RouteModule {
  const p = () => platformOf(s);
  /** The enterprise, when the actor may read it (`enterprise.read`); NOT_FOUND otherwise. */
  const readable = async (actor: Parameters<typeof assertCan>[0], enterpriseId: string): Promise<EnterpriseView> => {
    assertCan(actor, 'enterprise.read', { enterpriseId });
    const e = await p().directory.getEnterprise(enterpriseId);
    if (!e) throw new SignetError('NOT_FOUND', `企业 ${enterpriseId} 不存在。Enterprise ${enterpriseId} does not exist; check the id.`);
    return clean(e);
  };
  const joinLink = (token: string) => `${baseUrlOf(p().deps).replace(/\/$/, '')}/console/join?token=${encodeURIComponent(token)}`;

  return {
    schemas: { Enterprise: ENTERPRISE, Member: MEMBER, Invitation: INVITATION, Contact: CONTACT },
    tags: [
      { name: 'enterprises', description: '企业、成员与邀请 Enterprises, members, invitations and group control' },
      { name: 'contacts', description: '外部联系人 External persons and enterprises' },
    ],
    routes: [
      defineRoute<{ body: { name: string; uscc: string; legalRepresentative: string } }>({
        operationId: 'createEnterprise',
        method: 'post',
        path: '/api/v1/enterprises',
        summary: '创建企业 Create an enterprise: you become its super admin (verify it next)',
        tags: ['enterprises'],
        auth: ['session'],
        body: {
          kind: 'json',
          maxBytes: 4096,
          schema: {
            type: 'object', additionalProperties: false, required: ['name', 'uscc', 'legalRepresentative'],
            properties: { name: text('企业名称 Registered name', 100), uscc: text('统一社会信用代码 USCC (18 characters, GB 32100)', 32), legalRepresentative: text('法定代表人 Legal representative', 50) },
          },
        },
        responses: { 201: { description: 'Created, unverified', schema: schemaRef('Enterprise') } },
        errors: ['IDENTITY_INVALID', 'DUPLICATE', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => reply.json(clean(await p().directory.createEnterprise(actor, body)), { status: 201 }),
      }),
      defineRoute<{ params: { enterpriseId: string }; result: EnterpriseView }>({
        operationId: 'getEnterprise',
        method: 'get',
        path: '/api/v1/enterprises/:enterpriseId',
        summary: '企业详情 An enterprise: name, USCC, parent, verification status',
        tags: ['enterprises'],
        auth: ['session', 'app'],
        responses: { 200: { description: 'The enterprise', schema: schemaRef('Enterprise') } },
        errors: ['NOT_FOUND'],
        handler: ({ actor, params }) => readable(actor, params.enterpriseId),
      }),
      defineRoute<{ params: { enterpriseId: string }; body: { parentId: string | null }; result: EnterpriseView }>({
        operationId: 'setEnterpriseParent',
        method: 'put',
        path: '/api/v1/enterprises/:enterpriseId/parent',
        summary: '设置上级企业 Place the enterprise under a headquarters (null detaches it); super admin of both',
        tags: ['enterprises'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['parentId'], properties: { parentId: { type: ['string', 'null'], minLength: 1, maxLength: 128, description: 'The headquarters\' enterprise id, or null' } } } },
        responses: { 200: { description: 'The enterprise', schema: schemaRef('Enterprise') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, body }) => clean(await p().directory.setParent(actor, params.enterpriseId, body.parentId ?? undefined)),
      }),
      defineRoute<{ params: { enterpriseId: string }; result: { items: EnterpriseView[] } }>({
        operationId: 'listSubsidiaries',
        method: 'get',
        path: '/api/v1/enterprises/:enterpriseId/subsidiaries',
        summary: '下属企业 The enterprise\'s direct subsidiaries (group control)',
        tags: ['enterprises'],
        auth: ['session'],
        responses: { 200: { description: 'Subsidiaries', schema: itemsSchema(schemaRef('Enterprise'), 'Direct subsidiaries') } },
        errors: ['NOT_FOUND'],
        handler: async ({ actor, params }) => {
          await readable(actor, params.enterpriseId);
          return { items: (await p().directory.subsidiariesOf(params.enterpriseId)).map(clean) };
        },
      }),
      defineRoute<{ params: { enterpriseId: string }; query: { limit?: number; offset?: number }; result: Page<MemberView> }>({
        operationId: 'listMembers',
        method: 'get',
        path: '/api/v1/enterprises/:enterpriseId/members',
        summary: '成员列表 Members with their roles',
        tags: ['enterprises'],
        auth: ['session'],
        query: { type: 'object', additionalProperties: false, properties: PAGE_QUERY },
        responses: { 200: { description: 'Members', schema: pageSchema(schemaRef('Member'), 'Members, in joining order') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, query }) => pageOf((await p().directory.membersOf(actor, params.enterpriseId)).map(clean), query),
      }),
      defineRoute<{ params: { enterpriseId: string; userId: string }; body: { roles: EnterpriseRole[] }; result: MemberView }>({
        operationId: 'setMemberRoles',
        method: 'put',
        path: '/api/v1/enterprises/:enterpriseId/members/:userId',
        summary: '设置成员角色 Replace a member\'s roles (admins; only a super admin grants super admin)',
        tags: ['enterprises'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['roles'], properties: { roles: ROLES } } },
        responses: { 200: { description: 'The member', schema: schemaRef('Member') } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params, body }) => clean(await p().directory.setRoles(actor, params.enterpriseId, params.userId, body.roles)),
      }),
      defineRoute<{ params: { enterpriseId: string; userId: string } }>({
        operationId: 'removeMember',
        method: 'delete',
        path: '/api/v1/enterprises/:enterpriseId/members/:userId',
        summary: '移除成员 Remove a member (the last super admin stays)',
        tags: ['enterprises'],
        auth: ['session'],
        responses: { 204: { description: 'Removed' } },
        errors: ['NOT_FOUND', 'FORBIDDEN'],
        handler: async ({ actor, params }) => {
          await p().directory.removeMember(actor, params.enterpriseId, params.userId);
          return reply.empty();
        },
      }),
      defineRoute<{ params: { enterpriseId: string }; body: { mobile: string; name?: string; roles: EnterpriseRole[] }; result: InvitationView & { delivered: boolean } }>({
        operationId: 'inviteMember',
        method: 'post',
        path: '/api/v1/enterprises/:enterpriseId/invitations',
        summary: '邀请成员 Invite a mobile number with roles; the link with its one-time token goes by SMS',
        description: 'The SMS carries `<server>/console/join?token=<token>`; the invitee logs in with that mobile number and calls POST /invitations/{invitationToken}/accept. The token is never in an API response. It expires after 7 days.',
        tags: ['enterprises'],
        auth: ['session'],
        body: {
          kind: 'json',
          maxBytes: 2048,
          schema: { type: 'object', additionalProperties: false, required: ['mobile', 'roles'], properties: { mobile: text('手机号 Mainland mobile number', 32), name: text('姓名 The invitee\'s name', 50), roles: ROLES } },
        },
        responses: { 201: { description: 'Invited', schema: schemaRef('Invitation') } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'IDENTITY_INVALID'],
        handler: async ({ actor, params, body }) => {
          const mobile = normaliseMobile(body.mobile);
          const ent = await p().directory.getEnterprise(params.enterpriseId);
          const { invitation, token } = await p().directory.invite(actor, params.enterpriseId, { ...body, mobile });
          let delivered = true;
          try {
            await p().deps.messages.send({ to: mobile, template: 'invite', params: { enterprise: ent?.name ?? '', link: joinLink(token) } });
          } catch {
            delivered = false;
          }
          return reply.json({ ...clean(invitation), delivered }, { status: 201 });
        },
      }),
      defineRoute<{ params: { invitationToken: string }; result: MembershipView }>({
        operationId: 'acceptInvitation',
        method: 'post',
        path: '/api/v1/invitations/:invitationToken/accept',
        summary: '接受邀请 Accept an invitation sent to your mobile number',
        tags: ['enterprises'],
        auth: ['session'],
        params: { type: 'object', required: ['invitationToken'], properties: { invitationToken: { type: 'string', minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$', description: 'The token from the SMS link' } } },
        responses: { 200: { description: 'You are a member now', schema: schemaRef('Membership') } },
        errors: ['INVITATION_INVALID', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, params }) => {
          const m = await p().directory.acceptInvitation(actor, params.invitationToken);
          return { enterpriseId: m.enterpriseId, enterpriseName: m.enterpriseName, userId: m.userId, roles: m.roles, joinedAt: m.joinedAt };
        },
      }),
      defineRoute<{ query: { status?: ContactView['status']; kind?: ContactView['kind']; limit?: number; offset?: number }; result: Page<ContactView> }>({
        operationId: 'listContacts',
        method: 'get',
        path: '/api/v1/contacts',
        summary: '外部联系人 The enterprise\'s external persons and enterprises',
        tags: ['contacts'],
        auth: ['session'],
        query: { type: 'object', additionalProperties: false, properties: { status: { enum: ['active', 'pending', 'approved', 'rejected'] }, kind: { enum: ['person', 'enterprise'] }, ...PAGE_QUERY } },
        responses: { 200: { description: 'Contacts', schema: pageSchema(schemaRef('Contact'), 'Contacts, oldest first') } },
        errors: ['FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, query }) => {
          const all = await p().directory.contactsOf(actor, tenantOf(actor), { status: query.status });
          return pageOf(all.filter((c) => !query.kind || c.kind === query.kind).map(clean), query);
        },
      }),
      defineRoute<{ body: { name: string; mobile: string }; result: ContactView }>({
        operationId: 'addContactPerson',
        method: 'post',
        path: '/api/v1/contacts/persons',
        summary: '添加外部个人 Add an external person (name + mobile)',
        tags: ['contacts'],
        auth: ['session', 'app'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['name', 'mobile'], properties: { name: text('姓名 Name', 50), mobile: text('手机号 Mobile', 32) } } },
        responses: { 201: { description: 'Added', schema: schemaRef('Contact') } },
        errors: ['IDENTITY_INVALID', 'DUPLICATE', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => reply.json(clean(await p().directory.addExternalPerson(actor, tenantOf(actor), body)), { status: 201 }),
      }),
      defineRoute<{ body: { name: string; uscc: string }; result: ContactView }>({
        operationId: 'addContactEnterprise',
        method: 'post',
        path: '/api/v1/contacts/enterprises',
        summary: '添加外部企业 Add an external enterprise (name + USCC), pending an admin\'s review',
        tags: ['contacts'],
        auth: ['session', 'app'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['name', 'uscc'], properties: { name: text('企业名称 Registered name', 100), uscc: text('统一社会信用代码 USCC', 32) } } },
        responses: { 201: { description: 'Added, pending review', schema: schemaRef('Contact') } },
        errors: ['IDENTITY_INVALID', 'DUPLICATE', 'FORBIDDEN', 'NOT_FOUND'],
        handler: async ({ actor, body }) => reply.json(clean(await p().directory.addExternalEnterprise(actor, tenantOf(actor), body)), { status: 201 }),
      }),
      defineRoute<{ params: { enterpriseId: string }; body: { approve: boolean; reason?: string }; result: ContactView }>({
        operationId: 'reviewContactEnterprise',
        method: 'post',
        path: '/api/v1/contacts/enterprises/:enterpriseId/review',
        summary: '审核外部企业 Approve or reject a pending external enterprise (admins)',
        description: '`enterpriseId` is the external enterprise\'s contact id (`ctc_…`, from POST /contacts/enterprises). A rejection needs a reason.',
        tags: ['contacts'],
        auth: ['session'],
        body: { kind: 'json', maxBytes: 1024, schema: { type: 'object', additionalProperties: false, required: ['approve'], properties: { approve: { type: 'boolean' }, reason: text('驳回原因 Why it is rejected', 200) } } },
        responses: { 200: { description: 'Reviewed', schema: schemaRef('Contact') } },
        errors: ['NOT_FOUND', 'FORBIDDEN', 'IDENTITY_VERIFICATION_CLOSED'],
        handler: async ({ actor, params, body }) => clean(await p().directory.reviewExternalEnterprise(actor, tenantOf(actor), params.enterpriseId, body)),
      }),
    ],
  };
}
