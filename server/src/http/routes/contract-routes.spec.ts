import assert from 'node:assert/strict';
import { verifyPdf } from '@signet/core';
import {
  contractPdf, expectBytes, expectError, expectJson, startAcceptanceKit, type AcceptanceKit, type KitEnterprise,
} from '../../acceptance/acceptance-kit.js';

type View = {
  id: string; state: string; actions: string[]; created?: boolean; bizNo?: string; labels: string[]; deadline?: string;
  documents: { id: string; name: string; pages: number; sha256: string }[];
  signers: { id: string; kind: string; name: string; userId?: string; role?: string; state: string; account?: string; fields: { doc: string; page: number; rect?: { x: number; y: number; w: number; h: number }; kind: string }[] }[];
  links: { signerId: string; url?: string; delivered: boolean }[];
};

describe('contract routes', function () {
  this.timeout(120_000);
  let kit: AcceptanceKit;
  let other: KitEnterprise;
  before(async () => {
    kit = await startAcceptanceKit();
    other = await kit.otherEnterprise();
  });
  after(async () => kit?.close());

  const personSigner = (p: { userId: string; name: string }, extra: Record<string, unknown> = {}) => ({ kind: 'person', name: p.name, userId: p.userId, ...extra });

  describe('POST /contracts', () => {
    it('creates a draft from an uploaded file with page + rect, anchor and invisible fields, 201 with the document and signers', async () => {
      const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font, { pages: 2 }), '服务合同.pdf');
      const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', {
        documents: [{ fileId }],
        signers: [
          personSigner(kit.member, { fields: [{ page: 2, rect: { x: 320, y: 200, w: 150, h: 60 } }, { anchor: { text: '乙方（签字）' } }] }),
          { kind: 'organization', name: kit.enterprise.name, enterpriseId: kit.enterprise.id, seal: kit.seal.id, fields: [{ invisible: true }] },
        ],
      }), 201);
      assert.equal(c.created, true);
      assert.equal(c.state, 'draft');
      assert.equal(c.documents[0].name, '服务合同.pdf', 'the title and name default to the uploaded file');
      assert.equal(c.documents[0].pages, 2);
      assert.deepEqual(c.signers[0].fields.map((f) => f.page), [2, 1], 'the rect on page 2, and the anchor at its first occurrence');
      assert.equal(c.signers[1].fields[0].rect, undefined, 'an invisible field has no rectangle');
      assert.match(c.signers[0].account ?? '', /^138\*{4}\d{4}$/, 'the invitation account is masked');
      assert.deepEqual(c.actions.sort(), ['extend', 'revoke', 'send']);
      const read = await expectJson<View>(kit.admin.call('GET', `/api/v1/contracts/${c.id}`), 200);
      assert.equal(read.id, c.id);
    });

    it('turns signet:sign:<role> and signet:seal:<role> markers in the PDF into fields of the signer with that role', async () => {
      const pdf = contractPdf(kit.font, { tags: [
        { text: 'signet:seal:partyA', x: 100, y: 280 },
        { text: 'signet:sign:partyB', x: 340, y: 280 },
        { text: 'signet:sign:partyBX', x: 340, y: 400 },
      ] });
      const fileId = await kit.upload(kit.admin.call, pdf, 'word-export.pdf');
      const bx = await kit.person();
      const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', {
        title: 'Word 导出合同',
        documents: [{ fileId }],
        signers: [
          { kind: 'organization', name: kit.enterprise.name, enterpriseId: kit.enterprise.id, seal: kit.seal.id, role: 'partyA' },
          personSigner(kit.member, { role: 'partyB' }),
          personSigner(bx, { role: 'partyBX' }),
        ],
      }), 201);
      const [a, b, x] = c.signers;
      assert.equal(a.fields.length, 1);
      assert.equal(a.fields[0].kind, 'seal');
      assert.ok(Math.abs(a.fields[0].rect!.x - 100) < 2 && a.fields[0].rect!.w === 113, JSON.stringify(a.fields[0]));
      assert.equal(b.fields.length, 1, 'partyB does not also take partyBX\'s marker');
      assert.equal(b.fields[0].kind, 'signature');
      assert.ok(Math.abs(b.fields[0].rect!.y - 280) < 3, JSON.stringify(b.fields[0]));
      assert.equal(x.fields.length, 1);
      assert.ok(Math.abs(x.fields[0].rect!.y - 400) < 3);
    });

    it('finds or creates an external person by mobile (unverified), and refuses an unknown userId with 404', async () => {
      const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
      const mobile = '15900008881';
      const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], signers: [{ kind: 'person', name: '钱外部', mobile }] }), 201);
      const user = await kit.srv.platform.directory.findUserByMobile(mobile);
      assert.ok(user && user.realName.status === 'unverified');
      assert.equal(c.signers[0].userId, user.id);
      const again = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], signers: [{ kind: 'person', name: '钱外部', mobile }] }), 201);
      assert.equal(again.signers[0].userId, user.id, 'the same mobile is the same person');
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], signers: [{ kind: 'person', name: '无此人', userId: 'usr_nobody' }] }), 404, 'NOT_FOUND');
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], signers: [{ kind: 'person', name: '无号码' }] }), 400, 'INVALID_ARGUMENT');
    });

    it('is idempotent on bizNo: 201 first, then 200 with created: false; concurrent duplicates make one contract', async () => {
      const fileId = await kit.upload(kit.appCall, contractPdf(kit.font));
      const body = { bizNo: 'HT-2026-0001', title: '采购合同', documents: [{ fileId }], signers: [personSigner(kit.member)] };
      const first = await expectJson<View>(kit.appCall('POST', '/api/v1/contracts', body), 201);
      const again = await expectJson<View>(kit.appCall('POST', '/api/v1/contracts', body), 200);
      assert.equal(again.created, false);
      assert.equal(again.id, first.id);
      const racing = await Promise.all([1, 2, 3, 4, 5].map(() => kit.appCall('POST', '/api/v1/contracts', { ...body, bizNo: 'HT-2026-0002' })));
      const views = await Promise.all(racing.map(async (r) => ({ status: r.status, body: (await r.json()) as View })));
      assert.equal(new Set(views.map((v) => v.body.id)).size, 1, 'one contract for every concurrent duplicate');
      assert.equal(views.filter((v) => v.status === 201).length, 1);
      assert.equal(views.filter((v) => v.status === 200 && v.body.created === false).length, 4);
    });

    it('answers bad input with its own error and stores nothing', async () => {
      const before = (await kit.srv.platform.workflow.collections.contracts.find('tenant', kit.enterprise.id)).length;
      await expectError(kit.admin.call('POST', '/api/v1/contracts', '{"title": "x",', 'application/json'), 400, 'INVALID_ARGUMENT');
      const missing = await expectError(kit.admin.call('POST', '/api/v1/contracts', { title: 'x' }), 400, 'INVALID_ARGUMENT');
      assert.equal(missing.details?.field, 'signers');
      const wrong = await expectError(kit.admin.call('POST', '/api/v1/contracts', { title: 'x', signers: 'all of them' }), 400, 'INVALID_ARGUMENT');
      assert.equal(wrong.details?.rule, 'type');
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { title: 'x', signers: [personSigner(kit.member)] }), 400, 'INVALID_ARGUMENT');
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId: 'file_none' }], signers: [personSigner(kit.member)] }), 404, 'NOT_FOUND');
      const otherFile = await kit.upload(other.admin.call, contractPdf(kit.font));
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId: otherFile }], signers: [personSigner(kit.member)] }), 404, 'NOT_FOUND');
      const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], signers: [personSigner(kit.member, { fields: [{ page: 9, rect: { x: 1, y: 1, w: 10, h: 10 } }] })] }), 400, 'PDF_PAGE_OUT_OF_RANGE');
      await expectError(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], signers: [personSigner(kit.member, { fields: [{ page: 1, rect: { x: 580, y: 1, w: 100, h: 10 } }] })] }), 400, 'PDF_RECT_OFF_PAGE');
      assert.equal((await kit.srv.platform.workflow.collections.contracts.find('tenant', kit.enterprise.id)).length, before);
    });
  });

  describe('a contract\'s life over the routes', () => {
    it('sends, lists in the signer\'s to-do, signs with a password proof, and downloads the completed PDF', async () => {
      const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
      const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', {
        title: '路由示例', documents: [{ fileId }], send: true, labels: ['采购'],
        signers: [personSigner(kit.member, { fields: [{ page: 1, rect: { x: 320, y: 230, w: 150, h: 60 } }] })],
      }), 201);
      assert.equal(c.state, 'signing');
      assert.equal(c.links.length, 1);
      assert.equal(c.links[0].delivered, true);
      const todo = await expectJson<{ items: { id: string }[]; total: number }>(kit.member.call('GET', '/api/v1/contracts?box=todo'), 200);
      assert.ok(todo.items.some((i) => i.id === c.id));
      const counts = await expectJson<Record<string, number>>(kit.member.call('GET', '/api/v1/contracts/counts'), 200);
      assert.ok(counts.todo >= 1);
      const mine = await expectJson<View>(kit.member.call('GET', `/api/v1/contracts/${c.id}`), 200);
      assert.deepEqual(mine.actions, ['sign', 'reject']);
      assert.equal(mine.signers[0].state, 'read', 'opening it marks the signer read');
      await expectError(kit.member.call('GET', `/api/v1/contracts/${c.id}/documents/d1/download`), 409, 'NOT_COMPLETED');
      const preview = await expectBytes(kit.member.call('GET', `/api/v1/contracts/${c.id}/documents/d1/preview`), 200, 'application/pdf');
      assert.equal(verifyPdf(preview, { trustAnchors: [] }).signatureCount, 0);
      await expectError(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, {}), 400, 'INVALID_ARGUMENT');
      await expectError(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId: 'wpf_forged' }), 403, 'WILLINGNESS_REQUIRED');
      const proofId = await kit.proofByPassword(kit.member.call, [c.id]);
      const signed = await expectJson<View>(kit.member.call('POST', `/api/v1/contracts/${c.id}/sign`, { proofId, handwriting: { strokes: [[{ x: 0, y: 0, pressure: 0.5 }, { x: 40, y: 20, pressure: 0.6 }, { x: 80, y: 5 }]] } }), 200);
      assert.equal(signed.state, 'completed');
      assert.deepEqual(signed.actions, ['invalidate', 'download', 'evidence']);
      const res = await kit.member.call('GET', `/api/v1/contracts/${c.id}/documents/d1/download`);
      assert.match(res.headers.get('content-disposition') ?? '', /filename\*=UTF-8''/);
      const pdf = await expectBytes(res, 200, 'application/pdf');
      const report = verifyPdf(pdf, { trustAnchors: [kit.srv.installation.pki.rootCertificate] });
      assert.ok(report.valid, report.summary);
      assert.equal(report.signatures.filter((s) => s.type === 'signature').length, 1);
      const history = await expectJson<{ items: { type: string; seq: number; prevHash: string; hash: string }[] }>(kit.admin.call('GET', `/api/v1/contracts/${c.id}/history`), 200);
      const types = history.items.map((e) => e.type);
      for (const t of ['contract.created', 'contract.sent', 'signer.read', 'contract.previewed', 'signer.signed', 'contract.completed', 'contract.downloaded']) assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
      history.items.forEach((e, i) => i > 0 && assert.equal(e.prevHash, history.items[i - 1].hash, 'the events are hash-chained'));
    });

    it('refuses the other tenant\'s people and apps with 404, and an own-tenant non-party with 403', async () => {
      const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
      const c = await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, signers: [personSigner(kit.member)] }), 201);
      await expectError(other.admin.call('GET', `/api/v1/contracts/${c.id}`), 404, 'NOT_FOUND');
      await expectError(other.appCall('GET', `/api/v1/contracts/${c.id}`), 404, 'NOT_FOUND');
      await expectError(other.appCall('POST', `/api/v1/contracts/${c.id}/revoke`, { reason: '越权' }), 404, 'NOT_FOUND');
      await expectError(kit.sealAdmin.call('GET', `/api/v1/contracts/${c.id}`), 403, 'FORBIDDEN');
      await expectError(kit.member.call('POST', `/api/v1/contracts/${c.id}/revoke`, { reason: '不是发起方' }), 403, 'FORBIDDEN');
      const still = await expectJson<View>(kit.admin.call('GET', `/api/v1/contracts/${c.id}`), 200);
      assert.equal(still.state, 'signing');
    });

    it('extends, relabels, reminds, revokes; batch actions answer per contract, and a foreign id fails the whole batch', async () => {
      const fileId = await kit.upload(kit.admin.call, contractPdf(kit.font));
      const mk = async () => (await expectJson<View>(kit.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId }], send: true, deadline: new Date(Date.now() + 86_400_000).toISOString(), signers: [personSigner(kit.member)] }), 201)).id;
      const [a, b] = [await mk(), await mk()];
      const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const ext = await expectJson<View>(kit.admin.call('POST', `/api/v1/contracts/${a}/extend`, { deadline: later }), 200);
      assert.equal(ext.deadline, later);
      await expectError(kit.admin.call('POST', `/api/v1/contracts/${a}/extend`, { deadline: 'tomorrow' }), 400, 'INVALID_ARGUMENT');
      const labelled = await expectJson<View>(kit.admin.call('PUT', `/api/v1/contracts/${a}/labels`, { labels: ['重要', '2026'] }), 200);
      assert.deepEqual(labelled.labels, ['重要', '2026']);
      const labels = await expectJson<{ items: { label: string; count: number }[] }>(kit.admin.call('GET', '/api/v1/contracts/labels'), 200);
      assert.ok(labels.items.some((l) => l.label === '重要'));
      const reminded = await expectJson<View>(kit.admin.call('POST', `/api/v1/contracts/${a}/remind`, {}), 200);
      assert.equal(reminded.links.length, 1);
      const foreign = await kit.otherEnterprise();
      const ff = await kit.upload(foreign.admin.call, contractPdf(kit.font));
      const theirs = (await expectJson<View>(foreign.admin.call('POST', '/api/v1/contracts', { documents: [{ fileId: ff }], signers: [{ kind: 'person', name: foreign.sealAdmin.name, userId: foreign.sealAdmin.userId }] }), 201)).id;
      await expectError(kit.admin.call('POST', '/api/v1/contracts/batch', { action: 'revoke', reason: '批量', contractIds: [a, theirs] }), 404, 'NOT_FOUND');
      assert.equal((await kit.srv.platform.workflow.collections.contracts.get(a))!.state, 'signing', 'nothing of the batch was done');
      const batch = await expectJson<{ results: { contractId: string; ok: boolean; code?: string; state?: string }[] }>(kit.admin.call('POST', '/api/v1/contracts/batch', { action: 'revoke', reason: '批量撤销', contractIds: [a, b] }), 200);
      assert.deepEqual(batch.results.map((r) => [r.ok, r.state]), [[true, 'revoked'], [true, 'revoked']]);
      const again = await expectJson<{ results: { ok: boolean; code?: string }[] }>(kit.admin.call('POST', '/api/v1/contracts/batch', { action: 'revoke', reason: '再次', contractIds: [a] }), 200);
      assert.deepEqual(again.results.map((r) => [r.ok, r.code]), [[false, 'CONTRACT_STATE']]);
    });
  });
});
