import assert from 'node:assert/strict';
import { isSignetError } from '@signet/core';
import { startFakeLark, type FakeLark } from '../testing/fake-lark.js';
import { SdkLarkApprovalApi } from './lark-approval-api.js';
import { sealOptions, sealUseDefinition, sealUseInstanceForm } from './seal-use-form.js';

describe('lark/SdkLarkApprovalApi (the real SDK against a fake Lark on 127.0.0.1)', () => {
  let lark: FakeLark;
  let api: SdkLarkApprovalApi;
  let approvalCode: string;
  const seals = [{ id: 'seal_a', name: '合同专用章' }, { id: 'seal_b', name: '公章' }];
  before(async () => {
    lark = await startFakeLark();
    api = new SdkLarkApprovalApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url });
  });
  after(() => lark.close());

  it('creates a definition, reads it back with its options, and subscribes (a second subscribe is not an error)', async () => {
    ({ approvalCode } = await api.createDefinition(sealUseDefinition({ seals: sealOptions(seals) })));
    const d = await api.getDefinition(approvalCode);
    const seal = d.form.find((w) => w.id === 'signet_seal')!;
    assert.deepEqual(seal.option, [{ value: 'seal_a', text: '合同专用章' }, { value: 'seal_b', text: '公章' }]);
    assert.equal(d.approval_name, '用印申请');
    await api.subscribe(approvalCode);
    await api.subscribe(approvalCode);
    assert.ok(lark.definitions.get(approvalCode)!.subscribed);
  });

  it('asks for the tenant_access_token once and sends it as the bearer of every call', async () => {
    await api.getDefinition(approvalCode);
    const tokens = lark.requests.filter((r) => r.path === '/open-apis/auth/v3/tenant_access_token/internal');
    assert.equal(tokens.length, 1);
  });

  it('uploads a file to the approval file endpoint (multipart name, type, content with a file name), creates an instance with it, and reads it back as Lark returns it', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7 test bytes');
    const f = await api.uploadFile(pdf, '采购合同.pdf');
    assert.deepEqual(lark.files.get(f.code)!.bytes, pdf);
    assert.equal(lark.files.get(f.code)!.name, '采购合同.pdf');
    const { instanceCode } = await api.createInstance({ approval_code: approvalCode, open_id: lark.users[0].openId, uuid: 'inst-uuid-1', form: sealUseInstanceForm({ fileCodes: [f.code], sealId: 'seal_b', reason: '年度合同', copies: 3 }) });
    lark.approve(instanceCode);
    const inst = await api.getInstance(instanceCode);
    assert.equal(inst.status, 'APPROVED');
    const doc = inst.form.find((w) => w.id === 'signet_document')!;
    assert.deepEqual(doc.value, [f.url]);
    assert.equal(doc.ext, "'采购合同.pdf'");
    assert.equal(inst.form.find((w) => w.id === 'signet_seal')!.value, '公章', 'radio values come back as the option text');
    assert.deepEqual(await api.download(f.url, 1024), pdf);
    assert.equal((await api.getInstance('inst-uuid-1')).instance_code, instanceCode, 'an instance is found by its uuid too');
  });

  it('comments on an instance as a user, with attachments', async () => {
    const { instanceCode } = await api.createInstance({ approval_code: approvalCode, open_id: lark.users[0].openId, form: sealUseInstanceForm({ fileCodes: [lark.attach(new Uint8Array([1]), 'a.pdf')], sealId: 'seal_a', reason: 'r' }) });
    const { commentId } = await api.comment(instanceCode, { type: 'open_id', id: lark.users[0].openId }, { text: '已用印', files: [{ url: 'https://x/y.pdf', fileSize: 3, title: 'y.pdf', type: 'attachment' }] });
    const c = lark.instances.get(instanceCode)!.comments[0];
    assert.equal(c.id, commentId);
    assert.equal(c.text, '已用印');
    assert.equal(c.files[0].title, 'y.pdf');
    const back = await api.getInstance(instanceCode);
    assert.equal(back.comment_list[0].comment, '已用印');
  });

  it('looks up names and open_ids in the contact API, and falls back to nothing when the app may not read contacts', async () => {
    assert.equal(await api.userName({ type: 'open_id', id: lark.users[1].openId }), '李审批');
    assert.equal(await api.openIdByMobile(lark.users[0].mobile!), lark.users[0].openId);
    lark.contactApi = false;
    try {
      const fresh = new SdkLarkApprovalApi({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.url });
      assert.equal(await fresh.userName({ type: 'open_id', id: lark.users[1].openId }), undefined);
    } finally {
      lark.contactApi = true;
    }
  });

  it('turns Lark\'s errors into OA_UPSTREAM_FAILED saying whether a retry can help', async () => {
    lark.failNext(/^\/open-apis\/approval\/v4\/instances\//, 1, 503, 1395001);
    await assert.rejects(api.getInstance('whatever'), (e) => isSignetError(e, 'OA_UPSTREAM_FAILED') && e.details?.retryable === true && /1395001/.test(e.message));
    await assert.rejects(api.getInstance('NO-SUCH-INSTANCE'), (e) => isSignetError(e, 'OA_UPSTREAM_FAILED') && e.details?.retryable === false && e.details?.larkCode === 1390003);
    const wrong = new SdkLarkApprovalApi({ appId: lark.appId, appSecret: 'wrong', domain: lark.url });
    await assert.rejects(wrong.getDefinition(approvalCode), (e) => isSignetError(e, 'OA_UPSTREAM_FAILED'));
  });

  it('drops a token Lark no longer accepts and asks for a new one', async () => {
    const before = lark.requests.filter((r) => r.path.endsWith('/tenant_access_token/internal')).length;
    lark.failNext(/^\/open-apis\/approval\/v4\/approvals\//, 1, 400, 99991663);
    await api.getDefinition(approvalCode);
    assert.equal(lark.requests.filter((r) => r.path.endsWith('/tenant_access_token/internal')).length, before + 1);
  });
});
