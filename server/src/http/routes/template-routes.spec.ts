import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PdfReader } from '@signet/core';
import { requireTool, run, tempDir } from '@signet/test-support';
import { startPlatformServer, type PlatformServer } from '../../testing/platform-server.js';
import type { SessionClient } from '../../testing/session-client.js';
import { demoConfidentialityAgreement, demoLaborContract, type DemoTemplate } from '../../demo/demo-templates.js';
import { sanitizeClauseHtml } from '../../clauses/sanitize-html.js';
import { apiError, demoClient, json, otherTenant, type OtherTenant } from './tenant-fixtures.js';

interface Template { id: string; name: string; roles: string[]; variables: { name: string; type: string; required: boolean }[]; definition: { basePdf: string }; pdfUrl: string }
interface Bundle { id: string; templateIds: string[]; variables: { name: string }[]; roles: string[] }

describe('template routes: /api/v1/templates, /bundles and /clauses', function () {
  this.timeout(120_000);
  let srv: PlatformServer;
  let other: OtherTenant;
  let admin: SessionClient;
  let member: SessionClient;
  let labor: DemoTemplate;
  let nda: DemoTemplate;

  before(async () => {
    srv = await startPlatformServer();
    other = await otherTenant(srv);
    admin = await srv.demoAdmin();
    member = await demoClient(srv, 'member');
    labor = demoLaborContract(srv.platform.deps.font);
    nda = demoConfidentialityAgreement(srv.platform.deps.font);
  });
  after(() => srv?.close());

  const upload = async (c: SessionClient, pdf: Uint8Array) =>
    (await json<{ fileId: string }>(await c.fetch('/api/v1/files?name=base.pdf', { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf }), 201)).fileId;
  const templateCount = async () => (await srv.platform.workflow.collections.templates.find('tenant', srv.demo!.enterprise.id)).length;

  it('creates a template from an uploaded PDF and a definition, shows its variables and roles, and gives back its PDF', async () => {
    const fileId = await upload(admin, labor.basePdf);
    const { fields, defaults } = labor.definition;
    const t = await json<Template>(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: labor.name, fileId, definition: { fields, defaults } } }), 201);
    assert.deepEqual(t.roles, ['company', 'employee']);
    assert.deepEqual(t.variables.map((v) => v.name), ['contractNo', 'employer', 'employee', 'position', 'workplace', 'startDate', 'endDate', 'salary', 'signDate']);
    assert.equal(t.variables.find((v) => v.name === 'salary')!.type, 'number');
    assert.match(t.definition.basePdf, /^[0-9a-f]{64}$/);
    assert.deepEqual(await json(await member.fetch(`/api/v1/templates/${t.id}`), 200), t);
    const pdf = await member.fetch(t.pdfUrl);
    assert.equal(pdf.status, 200);
    assert.ok(Buffer.from(await pdf.arrayBuffer()).equals(Buffer.from(labor.basePdf)));
    const list = await json<{ items: { id: string; variables: string[] }[] }>(await srv.signedFetch(await srv.registerApp())('/api/v1/templates'), 200);
    assert.ok(list.items.some((x) => x.id === t.id && x.variables.includes('salary')));
    const history = await srv.platform.directory.audit.history(srv.demo!.enterprise.id);
    assert.ok(history.some((e) => e.type === 'template.created' && e.data.templateId === t.id));
  });

  it('refuses a definition that does not fit its PDF, listing every problem, and stores nothing', async () => {
    const fileId = await upload(admin, labor.basePdf);
    const before = await templateCount();
    const definition = {
      fields: [
        { name: 'a', type: 'text', page: 5, rect: { x: 10, y: 10, w: 100, h: 20 } },
        { name: 'b', type: 'text', page: 1, rect: { x: 10, y: 10, w: 9000, h: 20 } },
        { name: 'seal', type: 'seal', role: 'company', anchor: { text: '丙方（盖章）：' } },
      ],
    };
    const e = await apiError(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: '坏模板', fileId, definition } }), 422, 'TEMPLATE_INVALID');
    const codes = (e.details!.problems as { code: string; field: string }[]).map((x) => `${x.field}:${x.code}`).sort();
    assert.deepEqual(codes, ['a:page-out-of-range', 'b:rect-off-page', 'seal:anchor-not-found']);
    await apiError(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: '坏模板', fileId, definition: { fields: [{ name: 'x', type: 'magic' }] } } }), 422, 'TEMPLATE_INVALID');
    assert.equal(await templateCount(), before);
  });

  it('refuses malformed JSON, a missing field and a wrong type', async () => {
    const before = await templateCount();
    const bad = await admin.fetch('/api/v1/templates', { method: 'POST', body: '{"name":', headers: { 'content-type': 'application/json' } });
    await apiError(bad, 400, 'INVALID_ARGUMENT');
    assert.equal((await apiError(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: 'x', definition: {} } }), 400, 'INVALID_ARGUMENT')).details!.field, 'fileId');
    assert.equal((await apiError(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: 'x', fileId: 'file_x', definition: 'fields' } }), 400, 'INVALID_ARGUMENT')).details!.field, 'definition');
    assert.equal(await templateCount(), before);
  });

  it('refuses members without the template admin role (403) and another enterprise\'s ids (404)', async () => {
    const fileId = await upload(admin, nda.basePdf);
    const before = await templateCount();
    await apiError(await member.fetch('/api/v1/templates', { method: 'POST', json: { name: 'x', fileId, definition: { fields: nda.definition.fields } } }), 403, 'FORBIDDEN');
    await apiError(await other.admin.fetch('/api/v1/templates', { method: 'POST', json: { name: 'x', fileId, definition: { fields: nda.definition.fields } } }), 404, 'NOT_FOUND');
    assert.equal(await templateCount(), before);

    const t = await json<Template>(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: nda.name, fileId, definition: { fields: nda.definition.fields } } }), 201);
    for (const path of [`/api/v1/templates/${t.id}`, `/api/v1/templates/${t.id}/pdf`]) await apiError(await other.admin.fetch(path), 404, 'NOT_FOUND');
    await apiError(await other.admin.fetch(`/api/v1/templates/${t.id}/preview`, { method: 'POST', json: {} }), 404, 'NOT_FOUND');
    await apiError(await srv.signedFetch(other.app)(`/api/v1/templates/${t.id}`), 404, 'NOT_FOUND');
    assert.ok(!(await json<{ items: { id: string }[] }>(await other.admin.fetch('/api/v1/templates'), 200)).items.some((x) => x.id === t.id));
    await apiError(await other.admin.fetch('/api/v1/bundles', { method: 'POST', json: { name: 'x', templateIds: [t.id] } }), 404, 'NOT_FOUND');
  });

  describe('previews', () => {
    let t: Template;
    let tmp: { dir: string; cleanup: () => void };
    before(async () => {
      const fileId = await upload(admin, labor.basePdf);
      t = await json<Template>(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: '劳动合同（预览）', fileId, definition: { fields: labor.definition.fields } } }), 201);
      tmp = tempDir();
    });
    after(() => tmp?.cleanup());

    it('fills the template with sample values without saving anything', async () => {
      const before = (await srv.platform.files.records.scan()).length;
      const res = await member.fetch(`/api/v1/templates/${t.id}/preview`, { method: 'POST', json: {} });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const pdf = Buffer.from(await res.arrayBuffer());
      assert.equal(PdfReader.load(pdf).pageCount(), 2);
      assert.ok(pdf.length > labor.basePdf.length);
      assert.equal((await srv.platform.files.records.scan()).length, before);
    });

    it('draws the values given, in the CJK font with a ToUnicode map (pdftotext reads them back)', async function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      const res = await admin.fetch(`/api/v1/templates/${t.id}/preview`, { method: 'POST', json: { vars: { employee: '张三丰', salary: '12500' } } });
      assert.equal(res.status, 200, await res.clone().text());
      writeFileSync(join(tmp.dir, 'p.pdf'), Buffer.from(await res.arrayBuffer()));
      const out = run('pdftotext', [join(tmp.dir, 'p.pdf'), '-']);
      assert.match(out.stdout, /张三丰/);
      assert.match(out.stdout, /壹万贰仟伍佰元整/);
    });

    it('reports variables that are wrong, naming them', async () => {
      const e = await apiError(await admin.fetch(`/api/v1/templates/${t.id}/preview`, { method: 'POST', json: { vars: { salary: 'lots', nickname: 'x' } } }), 422, 'TEMPLATE_INVALID');
      const problems = (e.details!.problems as { code: string; variable?: string }[]).map((x) => `${x.variable}:${x.code}`).sort();
      assert.deepEqual(problems, ['nickname:unknown-variable', 'salary:invalid-number']);
    });
  });

  describe('bundles', () => {
    it('bundles templates and shows the union of their variables and roles', async () => {
      const a = await json<Template>(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: 'A 劳动合同', fileId: await upload(admin, labor.basePdf), definition: { fields: labor.definition.fields } } }), 201);
      const b = await json<Template>(await admin.fetch('/api/v1/templates', { method: 'POST', json: { name: 'B 保密协议', fileId: await upload(admin, nda.basePdf), definition: { fields: nda.definition.fields } } }), 201);
      const bundle = await json<Bundle>(await admin.fetch('/api/v1/bundles', { method: 'POST', json: { name: '入职合同组合', templateIds: [a.id, b.id] } }), 201);
      assert.deepEqual(bundle.templateIds, [a.id, b.id]);
      assert.deepEqual(bundle.roles, ['company', 'employee']);
      const names = bundle.variables.map((v) => v.name);
      assert.equal(new Set(names).size, names.length);
      assert.ok(names.includes('salary') && names.includes('startDate'));
      assert.deepEqual(await json(await member.fetch(`/api/v1/bundles/${bundle.id}`), 200), bundle);
      const list = await json<{ items: { id: string }[] }>(await member.fetch('/api/v1/bundles'), 200);
      assert.ok(list.items.some((x) => x.id === bundle.id));
      await apiError(await other.admin.fetch(`/api/v1/bundles/${bundle.id}`), 404, 'NOT_FOUND');
      await apiError(await admin.fetch('/api/v1/bundles', { method: 'POST', json: { name: 'dup', templateIds: [a.id, a.id] } }), 400, 'INVALID_ARGUMENT');
      await apiError(await member.fetch('/api/v1/bundles', { method: 'POST', json: { name: 'x', templateIds: [a.id] } }), 403, 'FORBIDDEN');
    });
  });

  describe('clauses', () => {
    it('adds a clause with its HTML reduced to simple formatting, and finds it by text', async () => {
      const c = await json<{ id: string; html: string }>(await admin.fetch('/api/v1/clauses', {
        method: 'POST',
        json: { title: '保密条款', category: '通用', html: '<p onclick="steal()">乙方应<b style="color:red">保守</b>商业秘密。<script>alert(1)</script><a href="javascript:x">链接</a></p><img src=x onerror=alert(1)>' },
      }), 201);
      assert.equal(c.html, '<p>乙方应<b>保守</b>商业秘密。链接</p>');
      const found = await json<{ items: { id: string }[] }>(await member.fetch(`/api/v1/clauses?q=${encodeURIComponent('商业秘密')}`), 200);
      assert.deepEqual(found.items.map((x) => x.id), [c.id]);
      assert.deepEqual((await json<{ items: unknown[] }>(await other.admin.fetch('/api/v1/clauses'), 200)).items, []);
      await apiError(await member.fetch('/api/v1/clauses', { method: 'POST', json: { title: 'x', html: '<p>x</p>' } }), 403, 'FORBIDDEN');
      await apiError(await admin.fetch('/api/v1/clauses', { method: 'POST', json: { title: 'x', html: '<script>only</script>' } }), 400, 'INVALID_ARGUMENT');
      const types = (await srv.platform.workflow.collections.audit.find('subject', c.id)).map((e) => e.type);
      assert.deepEqual(types, ['clause.created']);
    });

    it('sanitizes comments, CDATA, stray brackets and unknown tags', () => {
      assert.equal(sanitizeClauseHtml('<!-- x --><div class="a"><u>下划线</u> 1 < 2 & 3 <custom>t</custom></div>'), '<div><u>下划线</u> 1 &lt; 2 &amp; 3 t</div>');
      assert.equal(sanitizeClauseHtml('<style>p{}</style><ol><li>一</li><li>二<br/></li></ol>'), '<ol><li>一</li><li>二<br></li></ol>');
    });
  });
});
