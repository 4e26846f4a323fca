import assert from 'node:assert/strict';
import { sampleUscc } from '@signet/core';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { apiError, demoClient, json, lonePerson, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface Enterprise { id: string; name: string; uscc: string; parentId?: string; realName: { status: string } }
interface Member { userId: string; mobileMasked: string; roles: string[] }
interface Contact { id: string; kind: string; status: string; mobileMasked?: string; uscc?: string }

describe('enterprise routes: /api/v1/enterprises, /invitations and /contacts', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;
  let admin: SessionClient;
  let member: SessionClient;
  let entId: string;
  let memberId: string;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
    admin = await srv.demoAdmin();
    member = await demoClient(srv, 'member');
    entId = srv.demo!.enterprise.id;
    memberId = srv.demo!.members[1].id;
  });
  after(() => srv?.close());

  const roles = async (userId: string) => (await srv.platform.directory.collections.memberships.getBy('pair', `${entId}|${userId}`))?.roles;

  describe('POST /enterprises', () => {
    it('creates an enterprise whose creator becomes its super admin', async () => {
      const p = await lonePerson(srv);
      const e = await json<Enterprise>(await p.client.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '杭州新建示例有限公司', uscc: sampleUscc(501), legalRepresentative: '孙个人' } }), 201);
      assert.equal(e.realName.status, 'unverified');
      const ms = await srv.platform.directory.membershipsOf(p.userId);
      assert.deepEqual(ms.map((m) => [m.enterpriseId, m.roles]), [[e.id, ['super_admin']]]);
      const dup = await apiError(await admin.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '另一个名字有限公司', uscc: sampleUscc(501), legalRepresentative: '王演示' } }), 409, 'DUPLICATE');
      assert.match(dup.message, /invite you/);
    });

    it('refuses a USCC with a wrong check character, a missing field and a wrong type, creating nothing', async () => {
      const before = (await srv.platform.directory.collections.enterprises.scan()).length;
      const good = sampleUscc(502);
      const badUscc = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      await apiError(await admin.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '校验失败有限公司', uscc: badUscc, legalRepresentative: '王演示' } }), 400, 'IDENTITY_INVALID');
      assert.equal((await apiError(await admin.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '缺字段有限公司', uscc: good } }), 400, 'INVALID_ARGUMENT')).details!.field, 'legalRepresentative');
      await apiError(await admin.fetch('/api/v1/enterprises', { method: 'POST', json: { name: 42, uscc: good, legalRepresentative: '王演示' } }), 400, 'INVALID_ARGUMENT');
      await apiError(await admin.fetch('/api/v1/enterprises', { method: 'POST', body: '{"name":"x"', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_ARGUMENT');
      assert.equal((await srv.platform.directory.collections.enterprises.scan()).length, before);
    });
  });

  it('shows an enterprise to its members and apps, and answers 404 to another tenant', async () => {
    const e = await json<Enterprise>(await member.fetch(`/api/v1/enterprises/${entId}`), 200);
    assert.equal(e.uscc, '914403056A12186188');
    assert.equal(e.realName.status, 'verified');
    await json(await srv.signedFetch(await srv.registerApp())(`/api/v1/enterprises/${entId}`), 200);
    await apiError(await other.admin.fetch(`/api/v1/enterprises/${entId}`), 404, 'NOT_FOUND');
    await apiError(await srv.signedFetch(other.app)(`/api/v1/enterprises/${entId}`), 404, 'NOT_FOUND');
    await apiError(await other.admin.fetch(`/api/v1/enterprises/${entId}/members`), 404, 'NOT_FOUND');
    await apiError(await other.admin.fetch(`/api/v1/enterprises/${entId}/subsidiaries`), 404, 'NOT_FOUND');
  });

  describe('members', () => {
    it('lists members with masked mobiles only', async () => {
      const res = await member.fetch(`/api/v1/enterprises/${entId}/members`);
      const text = await res.clone().text();
      const page = await json<{ items: Member[]; total: number }>(res, 200);
      assert.equal(page.total, 3);
      assert.deepEqual(page.items.map((m) => m.mobileMasked).sort(), ['138****8000', '138****8001', '138****8002']);
      for (const mobile of ['13800138000', '13800138001', '13800138002']) assert.ok(!text.includes(mobile));
      const one = await json<{ items: Member[]; next?: number }>(await member.fetch(`/api/v1/enterprises/${entId}/members?limit=1&offset=1`), 200);
      assert.equal(one.items.length, 1);
      assert.equal(one.next, 2);
    });

    it('lets an admin change roles; refuses a member (403), another tenant (404) and an unknown role (400), changing nothing', async () => {
      await apiError(await member.fetch(`/api/v1/enterprises/${entId}/members/${memberId}`, { method: 'PUT', json: { roles: ['super_admin'] } }), 403, 'FORBIDDEN');
      await apiError(await other.admin.fetch(`/api/v1/enterprises/${entId}/members/${memberId}`, { method: 'PUT', json: { roles: ['super_admin'] } }), 404, 'NOT_FOUND');
      await apiError(await admin.fetch(`/api/v1/enterprises/${entId}/members/${memberId}`, { method: 'PUT', json: { roles: ['boss'] } }), 400, 'INVALID_ARGUMENT');
      await apiError(await admin.fetch(`/api/v1/enterprises/${entId}/members/${memberId}`, { method: 'PUT', json: { roles: 'member' } }), 400, 'INVALID_ARGUMENT');
      assert.deepEqual(await roles(memberId), ['member']);
      const m = await json<Member>(await admin.fetch(`/api/v1/enterprises/${entId}/members/${memberId}`, { method: 'PUT', json: { roles: ['template_admin', 'member'] } }), 200);
      assert.deepEqual(m.roles, ['template_admin', 'member']);
      await json(await admin.fetch(`/api/v1/enterprises/${entId}/members/${memberId}`, { method: 'PUT', json: { roles: ['member'] } }), 200);
      const history = await srv.platform.directory.audit.history(entId);
      assert.ok(history.filter((e) => e.type === 'member.roles_changed').length >= 2);
    });

    it('keeps the last super admin', async () => {
      await apiError(await admin.fetch(`/api/v1/enterprises/${entId}/members/${srv.demo!.admin.id}`, { method: 'DELETE' }), 400, 'INVALID_ARGUMENT');
      assert.deepEqual(await roles(srv.demo!.admin.id), ['super_admin']);
    });
  });

  describe('invitations', () => {
    it('sends the join link by SMS (never in the answer); the invitee accepts it once and joins; the admin can remove them', async () => {
      const p = await lonePerson(srv);
      const res = await admin.fetch(`/api/v1/enterprises/${entId}/invitations`, { method: 'POST', json: { mobile: p.mobile, name: '孙个人', roles: ['member'] } });
      const text = await res.clone().text();
      const inv = await json<{ id: string; status: string; mobileMasked: string; delivered: boolean }>(res, 201);
      assert.equal(inv.status, 'pending');
      assert.equal(inv.delivered, true);
      assert.ok(!text.includes(p.mobile));
      const sms = (await srv.platform.devMessages!.read({ to: p.mobile })).find((m) => m.template === 'invite')!;
      assert.match(sms.text, /上海签盟示例科技有限公司 邀请您加入/);
      const token = /token=([A-Za-z0-9_-]+)/.exec(sms.params.link)![1];
      assert.ok(!text.includes(token), 'the token is not in the answer');

      const intruder = await lonePerson(srv);
      await apiError(await intruder.client.fetch(`/api/v1/invitations/${token}/accept`, { method: 'POST' }), 410, 'INVITATION_INVALID');
      const m = await json<{ enterpriseId: string; roles: string[] }>(await p.client.fetch(`/api/v1/invitations/${token}/accept`, { method: 'POST' }), 200);
      assert.deepEqual([m.enterpriseId, m.roles], [entId, ['member']]);
      await apiError(await p.client.fetch(`/api/v1/invitations/${token}/accept`, { method: 'POST' }), 410, 'INVITATION_INVALID');
      await apiError(await p.client.fetch(`/api/v1/invitations/${'x'.repeat(43)}/accept`, { method: 'POST' }), 410, 'INVITATION_INVALID');

      await apiError(await member.fetch(`/api/v1/enterprises/${entId}/members/${p.userId}`, { method: 'DELETE' }), 403, 'FORBIDDEN');
      assert.equal((await admin.fetch(`/api/v1/enterprises/${entId}/members/${p.userId}`, { method: 'DELETE' })).status, 204);
      assert.deepEqual(await roles(p.userId), []);
      assert.ok(!srv.logs.join('\n').includes(token), 'the token never reaches the request log');
    });

    it('refuses an invitation by a member (403), into another tenant (404), and of a bad mobile (400)', async () => {
      const before = (await srv.platform.directory.collections.invitations.find('enterprise', entId)).length;
      await apiError(await member.fetch(`/api/v1/enterprises/${entId}/invitations`, { method: 'POST', json: { mobile: '13912345678', roles: ['member'] } }), 403, 'FORBIDDEN');
      await apiError(await other.admin.fetch(`/api/v1/enterprises/${entId}/invitations`, { method: 'POST', json: { mobile: '13912345678', roles: ['member'] } }), 404, 'NOT_FOUND');
      await apiError(await admin.fetch(`/api/v1/enterprises/${entId}/invitations`, { method: 'POST', json: { mobile: '12345', roles: ['member'] } }), 400, 'IDENTITY_INVALID');
      await apiError(await admin.fetch(`/api/v1/enterprises/${entId}/invitations`, { method: 'POST', json: { mobile: '13912345678' } }), 400, 'INVALID_ARGUMENT');
      assert.equal((await srv.platform.directory.collections.invitations.find('enterprise', entId)).length, before);
    });
  });

  describe('group control', () => {
    it('places a subsidiary under its headquarters and lists it; refuses a cycle and another tenant', async () => {
      const sub = await json<Enterprise>(await admin.fetch('/api/v1/enterprises', { method: 'POST', json: { name: '上海签盟示例科技有限公司苏州分公司', uscc: sampleUscc(503), legalRepresentative: '王演示' } }), 201);
      await apiError(await other.admin.fetch(`/api/v1/enterprises/${sub.id}/parent`, { method: 'PUT', json: { parentId: other.enterpriseId } }), 404, 'NOT_FOUND');
      // The change is made acting for the subsidiary, by a super admin of both.
      await apiError(await admin.fetch(`/api/v1/enterprises/${sub.id}/parent`, { method: 'PUT', json: { parentId: entId } }), 404, 'NOT_FOUND');
      await json(await admin.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: sub.id } }), 200);
      await apiError(await admin.fetch(`/api/v1/enterprises/${sub.id}/parent`, { method: 'PUT', json: { parentId: other.enterpriseId } }), 403, 'FORBIDDEN');
      const placed = await json<Enterprise>(await admin.fetch(`/api/v1/enterprises/${sub.id}/parent`, { method: 'PUT', json: { parentId: entId } }), 200);
      assert.equal(placed.parentId, entId);
      await json(await admin.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: entId } }), 200);
      const subs = await json<{ items: Enterprise[] }>(await member.fetch(`/api/v1/enterprises/${entId}/subsidiaries`), 200);
      assert.deepEqual(subs.items.map((e) => e.id), [sub.id]);
      await apiError(await admin.fetch(`/api/v1/enterprises/${entId}/parent`, { method: 'PUT', json: { parentId: sub.id } }), 400, 'INVALID_ARGUMENT');
      assert.equal((await srv.platform.directory.getEnterprise(entId))!.parentId, undefined);
      await json(await admin.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: sub.id } }), 200);
      const detached = await json<Enterprise>(await admin.fetch(`/api/v1/enterprises/${sub.id}/parent`, { method: 'PUT', json: { parentId: null } }), 200);
      assert.equal(detached.parentId, undefined);
      await json(await admin.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: entId } }), 200);
    });
  });

  describe('contacts', () => {
    it('adds external persons (also by app) and enterprises, reviews enterprises, and filters the list', async () => {
      const person = await json<Contact>(await member.fetch('/api/v1/contacts/persons', { method: 'POST', json: { name: '钱外部', mobile: '13912340001' } }), 201);
      assert.equal(person.mobileMasked, '139****0001');
      assert.equal(person.status, 'active');
      await apiError(await member.fetch('/api/v1/contacts/persons', { method: 'POST', json: { name: '钱外部', mobile: '13912340001' } }), 409, 'DUPLICATE');
      await json(await srv.signedFetch(await srv.registerApp())('/api/v1/contacts/persons', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '李外部', mobile: '13912340002' }) }), 201);
      const ent = await json<Contact>(await member.fetch('/api/v1/contacts/enterprises', { method: 'POST', json: { name: '深圳外部示例有限公司', uscc: sampleUscc(504) } }), 201);
      assert.equal(ent.status, 'pending');

      await apiError(await member.fetch(`/api/v1/contacts/enterprises/${ent.id}/review`, { method: 'POST', json: { approve: true } }), 403, 'FORBIDDEN');
      await apiError(await other.admin.fetch(`/api/v1/contacts/enterprises/${ent.id}/review`, { method: 'POST', json: { approve: true } }), 404, 'NOT_FOUND');
      await apiError(await admin.fetch(`/api/v1/contacts/enterprises/${ent.id}/review`, { method: 'POST', json: { approve: false } }), 400, 'INVALID_ARGUMENT');
      assert.equal((await srv.platform.directory.collections.contacts.get(ent.id))!.status, 'pending');
      const approved = await json<Contact>(await admin.fetch(`/api/v1/contacts/enterprises/${ent.id}/review`, { method: 'POST', json: { approve: true } }), 200);
      assert.equal(approved.status, 'approved');
      await apiError(await admin.fetch(`/api/v1/contacts/enterprises/${ent.id}/review`, { method: 'POST', json: { approve: true } }), 409, 'IDENTITY_VERIFICATION_CLOSED');

      const persons = await json<{ items: Contact[] }>(await member.fetch('/api/v1/contacts?kind=person'), 200);
      assert.deepEqual(persons.items.map((c) => c.mobileMasked).sort(), ['139****0001', '139****0002']);
      const approvedOnly = await json<{ items: Contact[] }>(await member.fetch('/api/v1/contacts?status=approved'), 200);
      assert.deepEqual(approvedOnly.items.map((c) => c.id), [ent.id]);
      assert.deepEqual((await json<{ items: Contact[] }>(await other.admin.fetch('/api/v1/contacts'), 200)).items, []);
      assert.ok(!srv.logs.join('\n').includes('13912340001'));
    });
  });
});
