import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import { apiError, demoClient, json, lonePerson, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface Me {
  user: { id: string; name?: string; mobileMasked: string; realName: { status: string }; hasSigningPassword: boolean; hasLoginPassword: boolean; idNumberMasked?: string };
  memberships: { enterpriseId: string; roles: string[] }[];
  currentEnterprise?: { id: string; name: string; roles: string[] };
  actor: { kind: string; enterpriseId?: string };
}
interface Mark { id: string; kind: string; label?: string; svg: string }

const STROKES = [[{ x: 10, y: 10, time: 0 }, { x: 40, y: 30, time: 16 }, { x: 80, y: 12, time: 32 }], [{ x: 20, y: 40, pressure: 0.6 }, { x: 70, y: 45, pressure: 0.4 }]];

describe('me routes: /api/v1/me', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
  });
  after(() => srv?.close());

  it('tells the admin who they are: verified, signing password set, member of the demo enterprise, acting for it', async () => {
    const admin = await srv.demoAdmin();
    const res = await admin.fetch('/api/v1/me');
    const text = await res.clone().text();
    const me = await json<Me>(res, 200);
    assert.equal(me.user.name, '王演示');
    assert.equal(me.user.mobileMasked, '138****8000');
    assert.equal(me.user.realName.status, 'verified');
    assert.equal(me.user.idNumberMasked, '3101**********6184');
    assert.equal(me.user.hasSigningPassword, true);
    assert.deepEqual(me.memberships.map((m) => [m.enterpriseId, m.roles]), [[srv.demo!.enterprise.id, ['super_admin']]]);
    assert.deepEqual([me.currentEnterprise!.id, me.currentEnterprise!.name, me.currentEnterprise!.roles], [srv.demo!.enterprise.id, '上海签盟示例科技有限公司', ['super_admin']]);
    for (const secret of ['13800138000', '310104198910016184', 'loginPasswordHash', 'signingPasswordHash', 'mobileCipher']) assert.ok(!text.includes(secret), `GET /me leaks ${secret}`);
  });

  it('shows a person of no enterprise as a person, with nothing to act for', async () => {
    const p = await lonePerson(srv);
    const me = await json<Me>(await p.client.fetch('/api/v1/me'), 200);
    assert.equal(me.actor.kind, 'person');
    assert.equal(me.currentEnterprise, undefined);
    assert.deepEqual(me.memberships, []);
    assert.equal(me.user.hasSigningPassword, false);
    await apiError(await fetch(`${srv.baseUrl}/api/v1/me`), 401, 'AUTH_REQUIRED');
  });

  it('switches the enterprise a session acts for, and refuses one the user does not belong to', async () => {
    const member = await demoClient(srv, 'member');
    await srv.platform.directory.addMember({ kind: 'system', reason: 'test' }, other.enterpriseId, srv.demo!.members[1].id, ['member']);
    const view = await json<{ actor: { enterpriseId: string }; csrfToken: string }>(await member.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: other.enterpriseId } }), 200);
    assert.equal(view.actor.enterpriseId, other.enterpriseId);
    assert.equal(view.csrfToken, member.csrfToken);
    assert.equal((await json<Me>(await member.fetch('/api/v1/me'), 200)).currentEnterprise!.id, other.enterpriseId);
    const admin = await srv.demoAdmin();
    await apiError(await admin.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterpriseId: other.enterpriseId } }), 404, 'NOT_FOUND');
    await apiError(await admin.fetch('/api/v1/me/enterprise', { method: 'PUT', json: { enterprise: other.enterpriseId } }), 400, 'INVALID_ARGUMENT');
    assert.equal((await json<Me>(await admin.fetch('/api/v1/me'), 200)).currentEnterprise!.id, srv.demo!.enterprise.id);
  });

  it('sets and changes the signing password, refusing weak ones and a change without the current one', async () => {
    const p = await lonePerson(srv);
    await apiError(await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: '123456' } }), 400, 'PASSWORD_WEAK');
    assert.equal((await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: '246810' } })).status, 204);
    assert.equal((await json<Me>(await p.client.fetch('/api/v1/me'), 200)).user.hasSigningPassword, true);
    await apiError(await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: '975310' } }), 400, 'PASSWORD_INVALID');
    await apiError(await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: '975310', currentPassword: '111111x' } }), 400, 'PASSWORD_INVALID');
    await srv.platform.passwords.verify(p.userId, '246810');
    assert.equal((await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: '975310', currentPassword: '246810' } })).status, 204);
    await srv.platform.passwords.verify(p.userId, '975310');
    const types = (await srv.platform.directory.audit.history(p.userId)).map((e) => e.type);
    assert.ok(types.filter((t) => t === 'user.signing_password_set').length >= 2, types.join(','));
    await apiError(await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { newPassword: 975310 } }), 400, 'INVALID_ARGUMENT');
    await apiError(await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', body: '{"newPassword":', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_ARGUMENT');
    assert.equal((await apiError(await p.client.fetch('/api/v1/me/signing-password', { method: 'PUT', json: { currentPassword: '975310' } }), 400, 'INVALID_ARGUMENT')).details!.field, 'newPassword');
    await srv.platform.passwords.verify(p.userId, '975310');
  });

  it('changes the login password only with the current one', async () => {
    const p = await lonePerson(srv);
    await apiError(await p.client.fetch('/api/v1/me/login-password', { method: 'PUT', json: { newPassword: 'Fresh@2026', currentPassword: 'wrong-one-1' } }), 400, 'PASSWORD_INVALID');
    await apiError(await p.client.fetch('/api/v1/me/login-password', { method: 'PUT', json: { newPassword: 'short', currentPassword: 'Alone@2026' } }), 400, 'PASSWORD_WEAK');
    assert.equal((await p.client.fetch('/api/v1/me/login-password', { method: 'PUT', json: { newPassword: 'Fresh@2026', currentPassword: 'Alone@2026' } })).status, 204);
    await srv.session().login(p.mobile, 'Fresh@2026');
    await assert.rejects(srv.session().login(p.mobile, 'Alone@2026'), /LOGIN_FAILED/);
  });

  describe('saved signatures and personal seals', () => {
    it('saves a handwritten signature from strokes, a generated personal seal and an uploaded image, and lists them', async () => {
      const admin = await srv.demoAdmin();
      const hw = await json<Mark>(await admin.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'handwritten_signature', strokes: STROKES, label: '常用签名' } }), 201);
      assert.equal(hw.label, '常用签名');
      assert.match(hw.svg, /<svg [\s\S]*<path /);
      const seal = await json<Mark>(await admin.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'personal_seal', style: 'yin' } }), 201);
      assert.match(seal.svg, /<title>王演示印<\/title>/);
      const png = new PNG({ width: 4, height: 4 });
      png.data.fill(0);
      const img = await json<Mark>(await admin.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'handwritten_signature', image: PNG.sync.write(png).toString('base64') } }), 201);
      assert.match(img.svg, /data:image\/png;base64,/);
      const list = await json<{ items: Mark[] }>(await admin.fetch('/api/v1/me/signatures'), 200);
      assert.deepEqual(list.items.map((m) => m.id), [hw.id, seal.id, img.id]);
      const p = await lonePerson(srv);
      assert.deepEqual((await json<{ items: Mark[] }>(await p.client.fetch('/api/v1/me/signatures'), 200)).items, []);
      const types = (await srv.platform.directory.audit.history(srv.demo!.admin.id)).filter((e) => e.type === 'user.mark_added');
      assert.equal(types.length, 3);
    });

    it('refuses bad strokes, two sources at once, an unknown kind and a personal seal with no name to draw, saving nothing', async () => {
      const p = await lonePerson(srv);
      const bad = await apiError(await p.client.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'handwritten_signature', strokes: [[{ x: 1 }]] } }), 400, 'INVALID_ARGUMENT');
      assert.match(bad.message, /stroke 1, point 1/);
      await apiError(await p.client.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'handwritten_signature', strokes: STROKES, image: 'aGVsbG8gd29ybGQ=' } }), 400, 'INVALID_ARGUMENT');
      await apiError(await p.client.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'stamp', strokes: STROKES } }), 400, 'INVALID_ARGUMENT');
      await apiError(await p.client.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'personal_seal' } }), 400, 'INVALID_ARGUMENT');
      await apiError(await p.client.fetch('/api/v1/me/signatures', { method: 'POST', json: { kind: 'personal_seal', image: Buffer.from('not an image at all').toString('base64') } }), 422, 'IMAGE_INVALID');
      assert.deepEqual((await srv.platform.directory.getUser(p.userId))!.marks, []);
    });
  });
});
