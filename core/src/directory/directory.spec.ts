import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { sampleUscc } from '../identity/samples.js';
import { identityStack } from '../testing/identity-stack.js';
import { RecordingMessageSender } from '../testing/recording-message-sender.js';
import type { Actor } from './actor.js';
import { Directory } from './directory.js';
import { can } from './permissions.js';

const is = (code: string) => (e: unknown) => isSignetError(e) && e.code === code;
const SYSTEM: Actor = { kind: 'system', reason: 'test' };

async function setup() {
  const s = identityStack();
  const owner = await s.directory.createUser({ mobile: '13700000001', name: '王总' });
  const me: Actor = { kind: 'person', userId: owner.id };
  const ent = await s.directory.createEnterprise(me, { name: '总部有限公司', uscc: sampleUscc(1), legalRepresentative: '王总' });
  const admin = await s.directory.actorFor(owner.id, ent.id);
  return { ...s, owner, me, ent, admin };
}

describe('directory/Directory', () => {
  describe('users', () => {
    it('creates a user with a unique mobile number and shows only masked data', async () => {
      const { directory } = identityStack();
      const u = await directory.createUser({ mobile: '+86 137 0000 0009', name: ' 李四 ', loginPassword: 'Secret#123' });
      assert.equal(u.name, '李四');
      assert.equal(u.mobileMasked, '137****0009');
      assert.equal(u.hasLoginPassword, true);
      assert.equal(u.realName.status, 'unverified');
      assert.ok(!('loginPasswordHash' in u) && !('mobileCipher' in u));
      assert.equal((await directory.findUserByMobile('13700000009'))!.id, u.id);
      await assert.rejects(directory.createUser({ mobile: '13700000009' }), (e) => isSignetError(e, 'DUPLICATE') && /sign in instead/.test(e.message));
      await assert.rejects(directory.createUser({ mobile: '1370000' }), is('IDENTITY_INVALID'));
      await assert.rejects(directory.createUser({ mobile: '13700000010', loginPassword: 'short' }), is('PASSWORD_WEAK'));
      assert.equal(await directory.mobileOf(u.id), '13700000009');
    });

    it('saves handwritten signatures and personal seals as blob references, for the user only', async () => {
      const { directory, owner, me } = await setup();
      const blobId = 'b'.repeat(64);
      const mark = await directory.addMark(me, owner.id, { kind: 'handwritten_signature', blobId, label: '常用签名' });
      await directory.addMark(me, owner.id, { kind: 'personal_seal', blobId: 'c'.repeat(64) });
      assert.deepEqual((await directory.getUser(owner.id))!.marks.map((m) => m.kind), ['handwritten_signature', 'personal_seal']);
      await assert.rejects(directory.addMark({ kind: 'person', userId: 'usr_x' }, owner.id, { kind: 'personal_seal', blobId }), is('FORBIDDEN'));
      await assert.rejects(directory.addMark(me, owner.id, { kind: 'personal_seal', blobId: 'not-a-hash' }), is('INVALID_ARGUMENT'));
      await directory.removeMark(me, owner.id, mark.id);
      assert.equal((await directory.getUser(owner.id))!.marks.length, 1);
      await assert.rejects(directory.removeMark(me, owner.id, mark.id), is('NOT_FOUND'));
    });
  });

  describe('enterprises', () => {
    it('creates an enterprise with a unique, valid USCC and makes its creator super admin', async () => {
      const { directory, ent, owner, me, events } = await setup();
      assert.equal(ent.uscc, sampleUscc(1));
      assert.equal(ent.realName.status, 'unverified');
      assert.deepEqual((await directory.membershipsOf(owner.id)).map((m) => [m.enterpriseName, m.roles]), [['总部有限公司', ['super_admin']]]);
      assert.equal((await directory.findEnterpriseByUscc(sampleUscc(1).toLowerCase()))!.id, ent.id);
      await assert.rejects(directory.createEnterprise(me, { name: '重复公司', uscc: sampleUscc(1), legalRepresentative: '王总' }), (e) => isSignetError(e, 'DUPLICATE') && /invite you/.test(e.message));
      const body = sampleUscc(2).slice(0, 17);
      await assert.rejects(directory.createEnterprise(me, { name: '错码公司', uscc: body + (body.endsWith('0') ? '1' : '0'), legalRepresentative: '王总' }), is('IDENTITY_INVALID'));
      await assert.rejects(directory.createEnterprise({ kind: 'app', appId: 'a', enterpriseId: ent.id }, { name: '应用公司', uscc: sampleUscc(3), legalRepresentative: '王总' }), (e) => isSignetError(e, 'FORBIDDEN') && /Sign in as a person/.test(e.message));
      assert.equal(events.events.find((e) => e.type === 'enterprise.created')!.subject, ent.id);
    });

    it('answers isAncestor for group control: HQ over a subsidiary and its subsidiaries, not the reverse, not a stranger', async () => {
      const { directory, me, ent: hq, owner } = await setup();
      const sub = await directory.createEnterprise(me, { name: '子公司', uscc: sampleUscc(2), legalRepresentative: '王总' });
      const subsub = await directory.createEnterprise(me, { name: '孙公司', uscc: sampleUscc(3), legalRepresentative: '王总' });
      const stranger = await directory.createEnterprise(me, { name: '无关公司', uscc: sampleUscc(4), legalRepresentative: '王总' });
      await directory.setParent(await directory.actorFor(owner.id, sub.id), sub.id, hq.id);
      await directory.setParent(await directory.actorFor(owner.id, subsub.id), subsub.id, sub.id);
      assert.equal(await directory.isAncestor(hq.id, sub.id), true);
      assert.equal(await directory.isAncestor(hq.id, subsub.id), true);
      assert.equal(await directory.isAncestor(sub.id, hq.id), false);
      assert.equal(await directory.isAncestor(stranger.id, sub.id), false);
      assert.equal(await directory.isAncestor(hq.id, hq.id), false);
      assert.deepEqual(await directory.ancestorsOf(subsub.id), [sub.id, hq.id]);
      assert.deepEqual((await directory.subsidiariesOf(hq.id)).map((e) => e.id), [sub.id]);

      const hqSealAdmin: Actor = { kind: 'member', userId: 'usr_s', enterpriseId: hq.id, roles: ['seal_admin'] };
      const ledgerOf = async (id: string) => ({ enterpriseId: id, ancestors: await directory.ancestorsOf(id) });
      assert.equal(can(hqSealAdmin, 'seal.ledger.read', await ledgerOf(subsub.id)), true);
      assert.equal(can({ ...hqSealAdmin, enterpriseId: sub.id }, 'seal.ledger.read', await ledgerOf(hq.id)), false);
      assert.equal(can({ ...hqSealAdmin, enterpriseId: stranger.id }, 'seal.ledger.read', await ledgerOf(sub.id)), false);
    });

    it('refuses a cycle, a parent the actor does not run, and a non-super admin', async () => {
      const { directory, me, ent: hq, owner } = await setup();
      const sub = await directory.createEnterprise(me, { name: '子公司', uscc: sampleUscc(2), legalRepresentative: '王总' });
      await directory.setParent(SYSTEM, sub.id, hq.id);
      await assert.rejects(directory.setParent(await directory.actorFor(owner.id, hq.id), hq.id, sub.id), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /subsidiaries/.test(e.message));
      await assert.rejects(directory.setParent(SYSTEM, hq.id, hq.id), is('INVALID_ARGUMENT'));
      const other = await directory.createUser({ mobile: '13700000077' });
      const foreign = await directory.createEnterprise({ kind: 'person', userId: other.id }, { name: '外部公司', uscc: sampleUscc(5), legalRepresentative: '赵六' });
      await assert.rejects(directory.setParent(await directory.actorFor(owner.id, sub.id), sub.id, foreign.id), (e) => isSignetError(e, 'FORBIDDEN') && /headquarters/.test(e.message));
      await directory.addMember(SYSTEM, sub.id, other.id, ['system_admin']);
      await assert.rejects(directory.setParent(await directory.actorFor(other.id, sub.id), sub.id, undefined), is('FORBIDDEN'));
      await directory.setParent(await directory.actorFor(owner.id, sub.id), sub.id, undefined);
      assert.equal(await directory.isAncestor(hq.id, sub.id), false);
    });
  });

  describe('memberships', () => {
    it('adds members with roles, lists them masked, changes roles and removes them', async () => {
      const { directory, ent, admin, events } = await setup();
      const u = await directory.createUser({ mobile: '13700000002', name: '李印章' });
      await directory.addMember(admin, ent.id, u.id, ['member', 'seal_admin']);
      const list = await directory.membersOf(admin, ent.id);
      assert.deepEqual(list.map((m) => [m.name, m.mobileMasked, m.roles]), [['王总', '137****0001', ['super_admin']], ['李印章', '137****0002', ['seal_admin', 'member']]]);
      assert.deepEqual((await directory.actorFor(u.id, ent.id)).roles, ['seal_admin', 'member']);
      await assert.rejects(directory.addMember(admin, ent.id, u.id, ['member']), is('DUPLICATE'));
      await directory.setRoles(admin, ent.id, u.id, ['template_admin']);
      assert.deepEqual((await directory.actorFor(u.id, ent.id)).roles, ['template_admin']);
      await directory.removeMember(admin, ent.id, u.id);
      await assert.rejects(directory.actorFor(u.id, ent.id), is('NOT_FOUND'));
      assert.equal((await directory.membersOf(admin, ent.id)).length, 1);
      await directory.addMember(admin, ent.id, u.id, ['member']);
      assert.deepEqual(events.events.map((e) => e.type).filter((t) => t.startsWith('member.')), ['member.added', 'member.removed', 'member.added']);
    });

    it('lets only a super admin grant or take super admin, and keeps the last one', async () => {
      const { directory, ent, admin, owner } = await setup();
      const u = await directory.createUser({ mobile: '13700000003' });
      await directory.addMember(admin, ent.id, u.id, ['system_admin']);
      const sysAdmin = await directory.actorFor(u.id, ent.id);
      await assert.rejects(directory.setRoles(sysAdmin, ent.id, u.id, ['super_admin']), (e) => isSignetError(e, 'FORBIDDEN') && /super admin/.test(e.message));
      await assert.rejects(directory.removeMember(sysAdmin, ent.id, owner.id), is('FORBIDDEN'));
      await assert.rejects(directory.removeMember(admin, ent.id, owner.id), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /at least one super admin/.test(e.message));
      await directory.setRoles(admin, ent.id, u.id, ['super_admin']);
      await directory.removeMember(admin, ent.id, owner.id);
    });

    it('refuses member management to a member, and hides another tenant (NOT_FOUND)', async () => {
      const { directory, ent, admin, me } = await setup();
      const u = await directory.createUser({ mobile: '13700000004' });
      await directory.addMember(admin, ent.id, u.id, ['member']);
      const plain = await directory.actorFor(u.id, ent.id);
      await assert.rejects(directory.setRoles(plain, ent.id, u.id, ['seal_admin']), is('FORBIDDEN'));
      const other = await directory.createEnterprise(me, { name: '另一家公司', uscc: sampleUscc(9), legalRepresentative: '王总' });
      await assert.rejects(directory.membersOf(admin, other.id), is('NOT_FOUND'));
      await assert.rejects(directory.membersOf({ kind: 'person', userId: u.id }, ent.id), is('NOT_FOUND'));
    });
  });

  describe('invitations', () => {
    it('invites a mobile number, stores the token hashed, sends the link, and the invitee joins with the roles', async () => {
      const s = identityStack();
      const sender = new RecordingMessageSender();
      const directory = new Directory({ store: s.store, cipher: s.cipher, clock: s.clock, ids: s.ids, sender, inviteLink: (t) => `https://sign.example.com/join?token=${t}` });
      const owner = await directory.createUser({ mobile: '13700000001' });
      const ent = await directory.createEnterprise({ kind: 'person', userId: owner.id }, { name: '总部有限公司', uscc: sampleUscc(1), legalRepresentative: '王总' });
      const admin = await directory.actorFor(owner.id, ent.id);
      const { invitation, token } = await directory.invite(admin, ent.id, { mobile: '13700000005', name: '新同事', roles: ['template_admin'] });
      assert.equal(invitation.status, 'pending');
      assert.equal(invitation.mobileMasked, '137****0005');
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual(sender.sent, [{ to: '13700000005', template: 'invite', params: { enterprise: '总部有限公司', link: `https://sign.example.com/join?token=${token}` } }]);
      assert.ok(!JSON.stringify(await directory.collections.invitations.scan()).includes(token));

      const invitee = await directory.createUser({ mobile: '13700000005' });
      const wrong = await directory.createUser({ mobile: '13700000006' });
      await assert.rejects(directory.acceptInvitation({ kind: 'person', userId: wrong.id }, token), (e) => isSignetError(e, 'INVITATION_INVALID') && /another mobile number/.test(e.message));
      const m = await directory.acceptInvitation({ kind: 'person', userId: invitee.id }, token);
      assert.deepEqual(m.roles, ['template_admin']);
      await assert.rejects(directory.acceptInvitation({ kind: 'person', userId: invitee.id }, token), (e) => isSignetError(e, 'INVITATION_INVALID') && /accepted already/.test(e.message));
      assert.deepEqual((await directory.invitationsOf(admin, ent.id)).map((i) => i.status), ['accepted']);
    });

    it('refuses an expired, revoked or unknown invitation, and an invitation to super admin from a system admin', async () => {
      const { directory, ent, admin, clock } = await setup();
      const invitee = await directory.createUser({ mobile: '13700000005' });
      const me: Actor = { kind: 'person', userId: invitee.id };
      const a = await directory.invite(admin, ent.id, { mobile: '13700000005', roles: ['member'] });
      const b = await directory.invite(admin, ent.id, { mobile: '13700000005', roles: ['member'] });
      await directory.revokeInvitation(admin, ent.id, b.invitation.id);
      await assert.rejects(directory.acceptInvitation(me, b.token), (e) => isSignetError(e, 'INVITATION_INVALID') && /revoked/.test(e.message));
      await assert.rejects(directory.acceptInvitation(me, 'x'.repeat(43)), (e) => isSignetError(e, 'INVITATION_INVALID') && /unknown/.test(e.message));
      clock.advance(7 * 86_400_000);
      assert.equal((await directory.invitationsOf(admin, ent.id))[0].status, 'expired');
      await assert.rejects(directory.acceptInvitation(me, a.token), (e) => isSignetError(e, 'INVITATION_INVALID') && /expired/.test(e.message));
      const sys = await directory.createUser({ mobile: '13700000008' });
      await directory.addMember(admin, ent.id, sys.id, ['system_admin']);
      await assert.rejects(directory.invite(await directory.actorFor(sys.id, ent.id), ent.id, { mobile: '13700000009', roles: ['super_admin'] }), is('FORBIDDEN'));
    });
  });

  describe('external contacts', () => {
    it('adds persons (active) and enterprises (pending) and lets an admin approve or reject an enterprise', async () => {
      const { directory, ent, admin } = await setup();
      const u = await directory.createUser({ mobile: '13700000004' });
      await directory.addMember(admin, ent.id, u.id, ['member']);
      const member = await directory.actorFor(u.id, ent.id);
      const p = await directory.addExternalPerson(member, ent.id, { name: '外部张', mobile: '13900000001' });
      assert.equal(p.status, 'active');
      assert.equal(p.mobileMasked, '139****0001');
      await assert.rejects(directory.addExternalPerson(member, ent.id, { name: '外部张', mobile: '13900000001' }), is('DUPLICATE'));
      const a = await directory.addExternalEnterprise(member, ent.id, { name: '客户甲有限公司', uscc: sampleUscc(11) });
      const b = await directory.addExternalEnterprise(member, ent.id, { name: '客户乙有限公司', uscc: sampleUscc(12) });
      assert.equal(a.status, 'pending');
      await assert.rejects(directory.reviewExternalEnterprise(member, ent.id, a.id, { approve: true }), is('FORBIDDEN'));
      assert.equal((await directory.reviewExternalEnterprise(admin, ent.id, a.id, { approve: true })).status, 'approved');
      await assert.rejects(directory.reviewExternalEnterprise(admin, ent.id, b.id, { approve: false }), is('INVALID_ARGUMENT'));
      const r = await directory.reviewExternalEnterprise(admin, ent.id, b.id, { approve: false, reason: '营业执照已注销' });
      assert.equal(r.status, 'rejected');
      assert.equal(r.rejectReason, '营业执照已注销');
      await assert.rejects(directory.reviewExternalEnterprise(admin, ent.id, a.id, { approve: false, reason: 'x' }), is('IDENTITY_VERIFICATION_CLOSED'));
      assert.deepEqual((await directory.contactsOf(member, ent.id, { status: 'pending' })).length, 0);
      assert.deepEqual((await directory.contactsOf(member, ent.id)).map((c) => c.status), ['active', 'approved', 'rejected']);
    });
  });

  describe('audit', () => {
    it('chains every change of an enterprise, verifiably, and detects an edited event', async () => {
      const { directory, ent, admin, store } = await setup();
      const u = await directory.createUser({ mobile: '13700000002' });
      await directory.addMember(admin, ent.id, u.id, ['member']);
      await directory.setRoles(admin, ent.id, u.id, ['seal_admin']);
      await directory.invite(admin, ent.id, { mobile: '13700000003', roles: ['member'] });
      const h = await directory.audit.history(ent.id);
      assert.deepEqual(h.map((e) => e.type), ['enterprise.created', 'member.added', 'member.added', 'member.roles_changed', 'invitation.created']);
      assert.deepEqual(h[3].actor, { kind: 'user', id: admin.userId });
      assert.deepEqual(await directory.audit.verify(ent.id), { ok: true, length: 5, headHash: h[4].hash });
      const events = store.collection<{ id: string; version: number; data: Record<string, unknown> }>({ name: 'directory_audit' });
      const third = (await events.get(`${ent.id}.00000003`))!;
      await events.update({ ...third, data: { ...third.data, roles: ['super_admin'] } }, third.version);
      const check = await directory.audit.verify(ent.id);
      assert.equal(check.ok, false);
      assert.equal(check.brokenAt, 3);
    });

    it('keeps one chain intact when changes race: concurrent member additions all land, each once', async () => {
      const { directory, ent, admin } = await setup();
      const users = await Promise.all([1, 2, 3, 4].map((i) => directory.createUser({ mobile: `1370000010${i}` })));
      await Promise.all(users.map((u) => directory.addMember(admin, ent.id, u.id, ['member'])));
      assert.equal((await directory.membersOf(admin, ent.id)).length, 5);
      const check = await directory.audit.verify(ent.id);
      assert.equal(check.ok, true);
      assert.equal(check.length, 6);
    });
  });
});
