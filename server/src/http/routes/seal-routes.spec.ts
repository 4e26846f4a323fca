import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { ledgerCsv } from './seal-routes.js';
import { apiError, demoClient, json, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface Seal { id: string; name: string; enabled: boolean; source: string; category: string; enterpriseId: string; imageUrl: string }
interface Grant { id: string; userId: string; active: boolean; userName?: string }

const ROUND = { type: 'round', name: '上海签盟示例科技有限公司', sealType: '合同专用章', code: '3101150012345' };

/** A 60 × 60 red disc on white, as a scanned seal might be. */
function redDiscPng(): Buffer {
  const png = new PNG({ width: 60, height: 60 });
  for (let y = 0; y < 60; y++) {
    for (let x = 0; x < 60; x++) {
      const i = (y * 60 + x) * 4;
      const inside = (x - 30) ** 2 + (y - 30) ** 2 < 26 ** 2;
      png.data[i] = inside ? 230 : 255;
      png.data[i + 1] = inside ? 0 : 255;
      png.data[i + 2] = inside ? 18 : 255;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

describe('seal routes: /api/v1/seals and /api/v1/seal-ledger', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;
  let admin: SessionClient;
  let sealAdmin: SessionClient;
  let member: SessionClient;
  let memberId: string;
  let sealAdminId: string;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
    admin = await srv.demoAdmin();
    sealAdmin = await demoClient(srv, 'sealAdmin');
    member = await demoClient(srv, 'member');
    sealAdminId = srv.demo!.members[0].id;
    memberId = srv.demo!.members[1].id;
  });
  after(() => srv?.close());

  const sealCount = async () => (await srv.platform.workflow.collections.seals.find('tenant', srv.demo!.enterprise.id)).length;
  const create = (c: SessionClient, body: unknown) => c.fetch('/api/v1/seals', { method: 'POST', json: body });

  it('lets a seal admin generate a round seal, read it, draw it as SVG, and records it in the seal\'s audit chain', async () => {
    const seal = await json<Seal>(await create(sealAdmin, { name: '合同专用章', category: 'contract', spec: ROUND }), 201);
    assert.equal(seal.source, 'generated');
    assert.equal(seal.enabled, true);
    assert.equal(seal.enterpriseId, srv.demo!.enterprise.id);
    assert.equal(seal.imageUrl, `/api/v1/seals/${seal.id}/image.svg`);
    assert.deepEqual(await json(await admin.fetch(`/api/v1/seals/${seal.id}`), 200), seal);
    const svg = await sealAdmin.fetch(seal.imageUrl);
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type')!, /^image\/svg\+xml/);
    const text = await svg.text();
    assert.match(text, /^<\?xml[\s\S]*<svg [^>]*width="42mm"/);
    assert.match(text, /<title>上海签盟示例科技有限公司 合同专用章 3101150012345<\/title>/);
    assert.ok(text.length > 10_000, 'the glyphs are drawn as outlines');
    const events = await srv.platform.workflow.collections.audit.find('subject', seal.id);
    assert.deepEqual(events.map((e) => e.type), ['seal.created']);
    assert.equal(events[0].actor.id, sealAdminId);
    const list = await json<{ items: Seal[] }>(await admin.fetch('/api/v1/seals'), 200);
    assert.ok(list.items.some((s) => s.id === seal.id));
    for (const k of ['audit', 'image', 'tenant', 'version']) assert.ok(!(k in seal), `the view leaks ${k}`);
  });

  it('previews a spec as SVG without saving anything', async () => {
    const before = await sealCount();
    for (const spec of [ROUND, { type: 'oval', name: '上海签盟示例科技有限公司', taxNumber: '914403056A12186188' }, { type: 'square', text: '王演示印' }, { type: 'date', date: '2026-03-01' }]) {
      const res = await member.fetch('/api/v1/seals/preview', { method: 'POST', json: { spec } });
      assert.equal(res.status, 200, await res.clone().text());
      assert.match(await res.text(), /<svg /);
    }
    assert.equal(await sealCount(), before);
  });

  it('refuses malformed JSON, a missing field, a wrong type, a text that does not fit and a date stamp, changing nothing', async () => {
    const before = await sealCount();
    const bad = await sealAdmin.fetch('/api/v1/seals', { method: 'POST', body: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    assert.equal((await apiError(bad, 400, 'INVALID_ARGUMENT')).details!.rule, 'json');
    const missing = await apiError(await create(sealAdmin, { category: 'contract', spec: ROUND }), 400, 'INVALID_ARGUMENT');
    assert.equal(missing.details!.field, 'name');
    const wrong = await apiError(await create(sealAdmin, { name: '章', category: 'contract', spec: { ...ROUND, diameter: 'big' } }), 400, 'INVALID_ARGUMENT');
    assert.equal(wrong.details!.field, 'spec.diameter');
    await apiError(await create(sealAdmin, { name: '章', category: 'nonsense', spec: ROUND }), 400, 'INVALID_ARGUMENT');
    await apiError(await create(sealAdmin, { name: '章', category: 'contract', spec: { ...ROUND, diameter: 12, name: '一个名字非常非常非常非常非常非常非常非常非常长的有限责任公司' } }), 422, 'SEAL_TEXT_TOO_LONG');
    await apiError(await create(sealAdmin, { name: '日期章', category: 'other', spec: { type: 'date', date: '2026-03-01' } }), 400, 'INVALID_ARGUMENT');
    assert.equal(await sealCount(), before);
  });

  it('refuses a plain member who creates a seal (403) and shows members only the seals granted to them', async () => {
    const before = await sealCount();
    const e = await apiError(await create(member, { name: '公章', category: 'official', spec: ROUND }), 403, 'FORBIDDEN');
    assert.match(e.message, /seal admin/);
    assert.equal(await sealCount(), before);

    const seal = await json<Seal>(await create(sealAdmin, { name: '财务专用章', category: 'finance', spec: { ...ROUND, sealType: '财务专用章' } }), 201);
    const seen = async () => (await json<{ items: Seal[] }>(await member.fetch('/api/v1/seals'), 200)).items.map((s) => s.id);
    assert.ok(!(await seen()).includes(seal.id));
    const g = await json<Grant>(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/grants`, { method: 'POST', json: { userId: memberId } }), 201);
    assert.equal(g.active, true);
    assert.equal(g.userName, '赵成员');
    assert.deepEqual(await seen(), [seal.id]);
    await apiError(await member.fetch(`/api/v1/seals/${seal.id}/grants`), 403, 'FORBIDDEN');
    await apiError(await member.fetch(`/api/v1/seals/${seal.id}/enabled`, { method: 'PUT', json: { enabled: false } }), 403, 'FORBIDDEN');
    assert.equal((await json<Seal>(await admin.fetch(`/api/v1/seals/${seal.id}`), 200)).enabled, true);

    assert.equal(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/grants/${g.id}`, { method: 'DELETE' }).then((r) => r.status), 204);
    const grants = await json<{ items: Grant[] }>(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/grants`), 200);
    assert.equal(grants.items.find((x) => x.id === g.id)!.active, false);
    assert.ok(!(await seen()).includes(seal.id));
    const types = (await srv.platform.workflow.collections.audit.find('subject', seal.id)).map((x) => x.type);
    assert.deepEqual(types, ['seal.created', 'seal.granted', 'seal.grant_revoked']);
  });

  it('answers 404 for another enterprise\'s seal on every seal route, and changes nothing', async () => {
    const seal = await json<Seal>(await create(sealAdmin, { name: '人事专用章', category: 'hr', spec: { ...ROUND, sealType: '人事专用章' } }), 201);
    const o = other.admin;
    await apiError(await o.fetch(`/api/v1/seals/${seal.id}`), 404, 'NOT_FOUND');
    await apiError(await o.fetch(`/api/v1/seals/${seal.id}/image.svg`), 404, 'NOT_FOUND');
    await apiError(await o.fetch(`/api/v1/seals/${seal.id}/enabled`, { method: 'PUT', json: { enabled: false } }), 404, 'NOT_FOUND');
    await apiError(await o.fetch(`/api/v1/seals/${seal.id}/grants`), 404, 'NOT_FOUND');
    await apiError(await o.fetch(`/api/v1/seals/${seal.id}/grants`, { method: 'POST', json: { userId: other.adminUserId } }), 404, 'NOT_FOUND');
    await apiError(await o.fetch(`/api/v1/seals/${seal.id}/authorizations`, { method: 'POST', json: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() } }), 404, 'NOT_FOUND');
    await apiError(await srv.signedFetch(other.app)(`/api/v1/seals/${seal.id}`), 404, 'NOT_FOUND');
    assert.ok(!(await json<{ items: Seal[] }>(await o.fetch('/api/v1/seals'), 200)).items.some((s) => s.id === seal.id));
    const after = await json<Seal>(await admin.fetch(`/api/v1/seals/${seal.id}`), 200);
    assert.equal(after.enabled, true);
    assert.equal((await srv.platform.workflow.collections.grants.find('seal', seal.id)).length, 0);
    assert.equal((await srv.platform.workflow.collections.authorizations.find('seal', seal.id)).length, 0);
  });

  it('does not grant a seal to someone outside the enterprise', async () => {
    const seal = await json<Seal>(await create(sealAdmin, { name: '法人章', category: 'legal_representative', spec: { type: 'square', text: '王演示印' } }), 201);
    const e = await apiError(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/grants`, { method: 'POST', json: { userId: other.adminUserId } }), 404, 'NOT_FOUND');
    assert.match(e.message, /not a member/);
    assert.equal((await srv.platform.workflow.collections.grants.find('seal', seal.id)).length, 0);
  });

  it('disables and enables a seal, and filters the list with ?enabled=', async () => {
    const seal = await json<Seal>(await create(sealAdmin, { name: '合同专用章（二）', category: 'contract', spec: ROUND }), 201);
    assert.equal((await json<Seal>(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/enabled`, { method: 'PUT', json: { enabled: false } }), 200)).enabled, false);
    const disabled = await json<{ items: Seal[] }>(await admin.fetch('/api/v1/seals?enabled=false'), 200);
    assert.ok(disabled.items.some((s) => s.id === seal.id));
    assert.ok(disabled.items.every((s) => !s.enabled));
    await apiError(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/enabled`, { method: 'PUT', json: { enabled: 'no' } }), 400, 'INVALID_ARGUMENT');
    assert.equal((await json<Seal>(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/enabled`, { method: 'PUT', json: { enabled: true } }), 200)).enabled, true);
  });

  it('keeps standing auto-stamp authorizations: create with a scope, list, revoke; refuses one that has expired', async () => {
    const seal = await json<Seal>(await create(sealAdmin, { name: '合同专用章（自动）', category: 'contract', spec: ROUND }), 201);
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const a = await json<{ id: string; scope: { senders?: string[] }; active: boolean }>(
      await sealAdmin.fetch(`/api/v1/seals/${seal.id}/authorizations`, { method: 'POST', json: { expiresAt, scope: { senders: ['self'] }, purpose: 'HR onboarding' } }), 201);
    assert.deepEqual(a.scope, { senders: ['self'] });
    assert.equal(a.active, true);
    const list = await json<{ items: { id: string }[] }>(await admin.fetch(`/api/v1/seals/${seal.id}/authorizations`), 200);
    assert.deepEqual(list.items.map((x) => x.id), [a.id]);
    await apiError(await sealAdmin.fetch(`/api/v1/seals/${seal.id}/authorizations`, { method: 'POST', json: { expiresAt: '2020-01-01T00:00:00Z' } }), 400, 'INVALID_ARGUMENT');
    await apiError(await member.fetch(`/api/v1/seals/${seal.id}/authorizations/${a.id}`, { method: 'DELETE' }), 403, 'FORBIDDEN');
    assert.equal((await sealAdmin.fetch(`/api/v1/seals/${seal.id}/authorizations/${a.id}`, { method: 'DELETE' })).status, 204);
    const after = await json<{ items: { id: string; active: boolean; revokedAt?: string }[] }>(await admin.fetch(`/api/v1/seals/${seal.id}/authorizations`), 200);
    assert.equal(after.items.length, 1);
    assert.equal(after.items[0].active, false);
    assert.ok(after.items[0].revokedAt);
  });

  describe('uploaded seal images', () => {
    const upload = (body: Uint8Array, type: string, name = '扫描公章') =>
      sealAdmin.fetch(`/api/v1/seals/upload?name=${encodeURIComponent(name)}&category=official`, { method: 'POST', headers: { 'content-type': type }, body });

    it('takes a PNG and shows it as SVG', async () => {
      const seal = await json<Seal>(await upload(redDiscPng(), 'image/png'), 201);
      assert.equal(seal.source, 'uploaded');
      const svg = await (await admin.fetch(seal.imageUrl)).text();
      assert.match(svg, /<image [^>]*href="data:image\/png;base64,/);
    });

    it('re-draws an uploaded SVG as vectors, so nothing of the upload but its shapes is served', async () => {
      const src = '<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="40mm" viewBox="0 0 100 100"><rect width="100" height="100" fill="#ffffff"/><circle cx="50" cy="50" r="45" fill="none" stroke="#e60012" stroke-width="4"/></svg>';
      const seal = await json<Seal>(await upload(Buffer.from(src), 'image/svg+xml'), 201);
      const svg = await (await admin.fetch(seal.imageUrl)).text();
      assert.match(svg, /<path /);
      assert.ok(!svg.includes('<circle'), 'served as Signet redrew it');
    });

    it('refuses a file that is not an image, and an SVG with a script, storing nothing', async () => {
      const before = await sealCount();
      await apiError(await upload(Buffer.from('GIF89a not really'), 'image/png'), 422, 'IMAGE_INVALID');
      const e = await apiError(await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>'), 'image/svg+xml'), 422, 'SVG_UNSUPPORTED');
      assert.match(e.message, /script/);
      await apiError(await upload(redDiscPng(), 'application/pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.equal(await sealCount(), before);
    });
  });

  describe('the seal ledger', () => {
    let sealId: string;
    before(async () => {
      const seal = await json<Seal>(await create(sealAdmin, { name: '合同专用章（台账）', category: 'contract', spec: ROUND }), 201);
      sealId = seal.id;
      // Stamping is part B's work: two ledger entries as the workflow writes them stand in for it.
      for (const [i, at] of ['2026-01-05T02:00:00.000Z', '2026-02-01T02:00:00.000Z'].entries()) {
        await srv.platform.workflow.collections.ledger.insert({
          id: `led_test_${i}`, tenant: srv.demo!.enterprise.id, seal: sealId, sealName: '合同专用章（台账）', contractId: `ct_test_${i}`,
          contractTitle: i === 0 ? '=HYPERLINK("x") 劳动合同' : '采购合同, 第二期', documents: [{ id: 'd1', sha256: 'ab'.repeat(32) }],
          operator: { kind: 'user', id: sealAdminId }, authority: { kind: 'grant', grantId: 'grant_x' }, at, outcome: 'stamped',
        });
      }
    });

    it('lists entries newest first with filters, for seal admins and the enterprise\'s apps', async () => {
      const all = await json<{ items: { id: string; at: string }[]; total: number }>(await sealAdmin.fetch(`/api/v1/seal-ledger?seal=${sealId}`), 200);
      assert.deepEqual(all.items.map((e) => e.id), ['led_test_1', 'led_test_0']);
      const jan = await json<{ items: { id: string }[] }>(await admin.fetch(`/api/v1/seal-ledger?from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00Z`), 200);
      assert.deepEqual(jan.items.map((e) => e.id), ['led_test_0']);
      const app = await srv.registerApp();
      const viaApp = await json<{ items: { id: string }[] }>(await srv.signedFetch(app)(`/api/v1/seal-ledger?contractId=ct_test_1`), 200);
      assert.deepEqual(viaApp.items.map((e) => e.id), ['led_test_1']);
    });

    it('exports CSV with a UTF-8 BOM and defused formulas, so Excel opens it as text', async () => {
      const res = await sealAdmin.fetch(`/api/v1/seal-ledger?seal=${sealId}&format=csv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
      assert.match(res.headers.get('content-disposition')!, /filename\*=UTF-8''/);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0], /^时间 Time,印章 Seal,/);
      assert.match(lines[1], /"采购合同, 第二期"/);
      assert.match(lines[2], /"'=HYPERLINK\(""x""\) 劳动合同"/);
      assert.equal(ledgerCsv([]).split('\r\n').length, 2);
    });

    it('is refused to plain members (403) and to other enterprises (404)', async () => {
      await apiError(await member.fetch('/api/v1/seal-ledger'), 403, 'FORBIDDEN');
      await apiError(await other.admin.fetch(`/api/v1/seal-ledger?enterpriseId=${srv.demo!.enterprise.id}`), 404, 'NOT_FOUND');
      await apiError(await srv.signedFetch(other.app)(`/api/v1/seal-ledger?enterpriseId=${srv.demo!.enterprise.id}`), 404, 'NOT_FOUND');
      const own = await json<{ items: unknown[] }>(await other.admin.fetch(`/api/v1/seal-ledger?seal=${sealId}`), 200);
      assert.deepEqual(own.items, []);
    });
  });
});
