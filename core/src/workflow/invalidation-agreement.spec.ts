import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cjkFontBytes, qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { PdfReader } from '../pdf/reader.js';
import { assertRectOnPage } from '../pdf/acroform.js';
import { buildInvalidationAgreement, type InvalidationAgreementInput } from './invalidation-agreement.js';

const input = (parties: number): InvalidationAgreementInput => ({
  contractId: 'ct_42',
  title: '采购合同 Purchase contract',
  bizNo: 'PO-2026-007',
  completedAt: '2026-03-01T02:00:00.000Z',
  files: [{ name: '采购合同.pdf', sha256: 'ab'.repeat(32) }],
  reason: '业务取消，双方协商一致 Order cancelled by mutual agreement',
  parties: Array.from({ length: parties }, (_, i) => (i % 2 ? { name: `签署人${i + 1}`, kind: 'person' as const } : { name: `示例企业${i + 1}有限公司`, kind: 'organization' as const })),
  at: new Date('2026-03-05T02:00:00.000Z'),
});

describe('workflow/buildInvalidationAgreement()', () => {
  it('gives every party a signature box inside its page, adding pages for many parties', () => {
    for (const n of [2, 15]) {
      const a = buildInvalidationAgreement(input(n), cjkFontBytes());
      const reader = PdfReader.load(a.pdf);
      assert.equal(a.boxes.length, n);
      for (const b of a.boxes) assertRectOnPage(reader, b.page - 1, b.rect);
      const distinct = new Set(a.boxes.map((b) => `${b.page}:${b.rect.x}:${b.rect.y}`));
      assert.equal(distinct.size, n, 'no two boxes overlap');
      if (n === 15) assert.ok(reader.pageCount() > 1);
    }
  });

  describe('checked by poppler and qpdf', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
      ({ dir, cleanup } = tempDir('agreement-'));
      writeFileSync(join(dir, 'a.pdf'), buildInvalidationAgreement(input(3), cjkFontBytes()).pdf);
    });
    after(() => cleanup?.());

    it('states the contract, its file hash and the reason in extractable Chinese and English', () => {
      const r = run('pdftotext', [join(dir, 'a.pdf'), '-']);
      assert.equal(r.status, 0, r.stderr);
      const text = r.stdout.replace(/\s+/g, '');
      for (const s of ['作废协议', 'InvalidationAgreement', '采购合同', 'ct_42', 'PO-2026-007', '业务取消', '签署人2', '示例企业1有限公司']) assert.ok(text.includes(s), s);
      assert.ok(text.includes('ab'.repeat(32)), 'the SHA-256 of the signed file');
    });

    it('passes qpdf --check', () => {
      const q = qpdfCheck(join(dir, 'a.pdf'));
      assert.ok(q.clean, q.output);
    });
  });
});
