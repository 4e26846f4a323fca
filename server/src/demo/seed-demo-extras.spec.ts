import assert from 'node:assert/strict';
import { startPlatformServer, type PlatformServer } from '../testing/platform-server.js';
import { demoClient, json } from '../http/routes/tenant-fixtures.js';
import { seedDemoExtras } from './seed-demo-extras.js';

describe('demo/seedDemoExtras', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  before(async () => { srv = await startPlatformServer(); });
  after(() => srv?.close());

  it('gives the demo enterprise two granted seals, two templates and a bundle, and changes nothing the second time', async () => {
    const first = await seedDemoExtras(srv.platform, srv.demo!);
    assert.equal(first.created, true);
    assert.deepEqual(first.seals.map((s) => [s.name, s.category, s.enabled]), [['合同专用章', 'contract', true], ['公章', 'official', true]]);
    const again = await seedDemoExtras(srv.platform, srv.demo!);
    assert.equal(again.created, false);
    assert.deepEqual(again.seals.map((s) => s.id), first.seals.map((s) => s.id));
    assert.deepEqual(again.templates.map((t) => t.id), first.templates.map((t) => t.id));
    assert.equal(again.bundleId, first.bundleId);
    const col = srv.platform.workflow.collections;
    assert.equal((await col.seals.find('tenant', srv.demo!.enterprise.id)).length, 2);
    assert.equal((await col.templates.find('tenant', srv.demo!.enterprise.id)).length, 2);
    for (const s of first.seals) {
      const grantees = (await col.grants.find('seal', s.id)).map((g) => g.userId).sort();
      assert.deepEqual(grantees, [srv.demo!.admin.id, srv.demo!.members[0].id].sort());
    }
  });

  it('makes a console with something in it: the seal admin sees both seals, the templates preview, the bundle lists its variables', async () => {
    const extras = await seedDemoExtras(srv.platform, srv.demo!);
    const sealAdmin = await demoClient(srv, 'sealAdmin');
    const seals = await json<{ items: { name: string; imageUrl: string }[] }>(await sealAdmin.fetch('/api/v1/seals'), 200);
    assert.deepEqual(seals.items.map((s) => s.name).sort(), ['公章', '合同专用章']);
    assert.match(await (await sealAdmin.fetch(seals.items.find((s) => s.name === '合同专用章')!.imageUrl)).text(), /<title>上海签盟示例科技有限公司 合同专用章 3101150012345<\/title>/);
    const member = await demoClient(srv, 'member');
    assert.deepEqual((await json<{ items: unknown[] }>(await member.fetch('/api/v1/seals'), 200)).items, []);
    for (const t of extras.templates) {
      const r = await member.fetch(`/api/v1/templates/${t.id}/preview`, { method: 'POST', json: {} });
      assert.equal(r.status, 200, await r.clone().text());
    }
    const bundle = await json<{ roles: string[]; variables: { name: string }[] }>(await member.fetch(`/api/v1/bundles/${extras.bundleId}`), 200);
    assert.deepEqual(bundle.roles, ['company', 'employee']);
    assert.ok(bundle.variables.some((v) => v.name === 'salary'));
  });
});
