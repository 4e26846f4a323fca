import assert from 'node:assert/strict';
import { isSignetError } from '@signet/core';
import { isSealUseForm, parseSealUseForm, resolveSealChoice, sealOptions, sealUseDefinition, sealUseInstanceForm } from './seal-use-form.js';

describe('lark/seal-use-form', () => {
  const seals = [{ id: 'seal_1', name: '合同专用章' }, { id: 'seal_2', name: '公章' }, { id: 'seal_3', name: '合同专用章' }];

  describe('sealOptions()', () => {
    it('keeps unique names and tells duplicates apart by their id', () => {
      assert.deepEqual(sealOptions(seals).map((o) => o.label), ['合同专用章（seal_1）', '公章', '合同专用章（seal_3）']);
    });
  });

  describe('sealUseDefinition()', () => {
    it('builds the form with the seals as radio options and every text in zh-CN (default) and en-US', () => {
      const d = sealUseDefinition({ seals: sealOptions(seals), approvers: { openIds: ['ou_keeper'] } });
      const form = JSON.parse((d.form as { form_content: string }).form_content) as { id: string; type: string; name: string; value?: { key: string; text: string }[] }[];
      const seal = form.find((w) => w.id === 'signet_seal')!;
      assert.deepEqual(seal.value!.map((o) => o.key), ['seal_1', 'seal_2', 'seal_3']);
      const res = d.i18n_resources as { locale: string; is_default: boolean; texts: { key: string; value: string }[] }[];
      const zh = new Map(res.find((r) => r.is_default)!.texts.map((t) => [t.key, t.value]));
      assert.equal(res.find((r) => r.is_default)!.locale, 'zh-CN');
      for (const w of form) assert.ok(zh.has(w.name), `${w.id} has a text`);
      assert.equal(zh.get(d.approval_name as string), '用印申请');
      const nodes = d.node_list as { id: string; approver?: { type: string; user_id?: string }[] }[];
      assert.deepEqual(nodes.map((n) => n.id), ['START', 'signet_supervisor', 'signet_seal_keeper', 'END']);
      assert.deepEqual(nodes[2].approver, [{ type: 'Personal', user_id: 'ou_keeper' }]);
    });

    it('refuses an enterprise without an enabled seal, saying what to do', () => {
      assert.throws(() => sealUseDefinition({ seals: [] }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /enable a seal/.test(e.message));
    });
  });

  describe('parseSealUseForm()', () => {
    const form = [
      { id: 'signet_document', type: 'attachmentV2', value: ['https://lark.example/f/1?x-expires=1', 'https://lark.example/f/2'], ext: "'合同.pdf','附件 二.pdf'" },
      { id: 'signet_seal', type: 'radioV2', value: '公章' },
      { id: 'signet_use_type', type: 'radioV2', value: '合同用印' },
      { id: 'signet_reason', type: 'textarea', value: '年度采购' },
      { id: 'signet_copies', type: 'number', value: 2 },
      { id: 'signet_counterparty_signs', type: 'radioV2', value: '是' },
      { id: 'signet_counterparty_signer', type: 'input', value: '钱相对' },
      { id: 'signet_counterparty_mobile', type: 'input', value: '13900000003' },
    ];

    it('reads the documents with their names, the seal, the reason and the counterparty', () => {
      const r = parseSealUseForm(form);
      assert.deepEqual(r.documents, [{ url: 'https://lark.example/f/1?x-expires=1', name: '合同.pdf' }, { url: 'https://lark.example/f/2', name: '附件 二.pdf' }]);
      assert.equal(r.seal, '公章');
      assert.equal(r.copies, 2);
      assert.equal(r.counterpartySigns, true);
      assert.equal(r.counterpartyMobile, '13900000003');
      assert.ok(isSealUseForm(form));
    });

    it('refuses a form without a document or a seal, naming what is missing', () => {
      assert.throws(() => parseSealUseForm(form.filter((w) => w.id !== 'signet_document')), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /no document/.test(e.message));
      assert.throws(() => parseSealUseForm(form.map((w) => (w.id === 'signet_seal' ? { ...w, value: '' } : w))), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /no seal/.test(e.message));
      assert.ok(!isSealUseForm([{ id: 'leave', type: 'input', value: 'x' }]));
    });
  });

  describe('resolveSealChoice()', () => {
    it('takes an option key as it is, an option text through the definition, and a unique seal name', () => {
      assert.equal(resolveSealChoice('seal_2', seals), 'seal_2');
      const def = [{ id: 'signet_seal', type: 'radioV2', option: [{ value: 'seal_3', text: '合同专用章（seal_3）' }] }];
      assert.equal(resolveSealChoice('合同专用章（seal_3）', seals, def), 'seal_3');
      assert.equal(resolveSealChoice('合同专用章（seal_1）', seals), 'seal_1', 'the label provisioning gave it');
      assert.equal(resolveSealChoice('公章', seals), 'seal_2');
      assert.equal(resolveSealChoice('合同专用章', seals), undefined, 'two seals have that name');
      assert.equal(resolveSealChoice('财务章', seals), undefined);
    });
  });

  describe('sealUseInstanceForm()', () => {
    it('fills the widgets with file codes, option keys and a number', () => {
      const f = JSON.parse(sealUseInstanceForm({ fileCodes: ['C1'], sealId: 'seal_1', reason: 'r', useType: '证明文件', counterpartySigns: true })) as { id: string; value: unknown }[];
      const v = (id: string) => f.find((w) => w.id === id)?.value;
      assert.deepEqual(v('signet_document'), ['C1']);
      assert.equal(v('signet_seal'), 'seal_1');
      assert.equal(v('signet_use_type'), 'certificate');
      assert.equal(v('signet_copies'), 1);
      assert.equal(v('signet_counterparty_signs'), 'yes');
    });
  });
});
