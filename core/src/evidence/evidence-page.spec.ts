import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cjkFontBytes, corpusFile, qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { FontProgram } from '../font/font-program.js';
import { PdfReader } from '../pdf/reader.js';
import { buildEvidencePage, readEvidenceRecord } from './evidence-page.js';
import { evidenceRecord } from './evidence-input.js';
import { auditChainFor, evidenceInputFor, makeEvidenceWorld, RAW, signContract, type SignedContract } from './test-fixtures.js';

describe('evidence/buildEvidencePage()', function () {
  this.timeout(120_000);
  const font = FontProgram.load(cjkFontBytes());
  let contract: SignedContract;
  const events = auditChainFor('ct_1');

  before(async () => {
    contract = await signContract(makeEvidenceWorld(), corpusFile('unsigned.pdf'));
  });

  it('builds a fresh A4 PDF of one revision that embeds the masked evidence data', () => {
    const pdf = buildEvidencePage(evidenceInputFor(contract, events), { font });
    const r = PdfReader.load(pdf);
    assert.equal(r.revisions.length, 1);
    assert.deepEqual(r.getPage(0).mediaBox, [0, 0, 595, 842]);
    assert.deepEqual(readEvidenceRecord(pdf), evidenceRecord(evidenceInputFor(contract, events)));
    assert.ok(pdf.length < 80_000, `${pdf.length} bytes: the font must be a subset`);
  });

  it('gives the same bytes for the same input', () => {
    const a = buildEvidencePage(evidenceInputFor(contract, events), { font });
    const b = buildEvidencePage(JSON.parse(JSON.stringify(evidenceInputFor(contract, events))), { font: cjkFontBytes() });
    assert.ok(Buffer.from(a).equals(Buffer.from(b)));
  });

  it('refuses invalid evidence data with the field named', () => {
    const bad = { ...evidenceInputFor(contract, events), files: [] };
    assert.throws(() => buildEvidencePage(bad, { font }), /Evidence data: evidence\.files must have at least 1 item/);
  });

  it('finds no evidence data in a PDF that is not an evidence page', () => {
    assert.equal(readEvidenceRecord(corpusFile('unsigned.pdf')), undefined);
  });

  describe('read back by poppler and qpdf', () => {
    let dir: string;
    let cleanup: () => void;
    const text = (file: string, extra: string[] = []) => {
      const r = run('pdftotext', ['-layout', ...extra, join(dir, file), '-']);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };

    before(function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
      ({ dir, cleanup } = tempDir('evidence-page-'));
      writeFileSync(join(dir, 'page.pdf'), buildEvidencePage(evidenceInputFor(contract, events), { font }));
      const many = evidenceInputFor(contract, events, { signers: 9 });
      many.contract.name = '劳动合同（软件开发岗位）及保密协议、竞业限制协议、员工手册确认书——上海示例科技有限公司与张三之间的合同组合，'.repeat(2);
      writeFileSync(join(dir, 'many.pdf'), buildEvidencePage(many, { font }));
    });
    after(() => cleanup?.());

    it('pdftotext recovers the Chinese labels with their English, and every field of DESIGN §3', () => {
      const t = text('page.pdf');
      for (const s of [
        '签约存证页', 'Certificate of Signing Evidence', 'Signet 签约平台',
        '合同名称 Contract name', '劳动合同（软件开发岗位）', '合同编号 Contract number', 'HT-2026-000123',
        '签署方数量 Number of signers', '发起时间 Sent at', '完成时间 Completed at', '发起方账号 Sender account',
        '发起方企业 Sender enterprise', '签约平台 Platform', '发起 IP Sender IP', '198.51.100.20',
        '文件名称 File name', '劳动合同.pdf', contract.signatures.length ? '签署完成文件 SHA-256' : '',
        '签署方 1 Signer 1', '签署方 2 Signer 2', '签署主体 Subject', '张三', '上海示例科技有限公司', '经办人 Operator', '王五',
        '签署账号 Account', '接收时间 Received at', '签署时间 Signed at', '签署 IP Signing IP', '203.0.113.7', '2001:db8::7',
        '意愿认证 Willingness check', '短信验证码 SMS one-time code', '签署密码 Signing password',
        '证书序列号 Certificate serial', contract.signatures[0].serial, contract.signatures[1].serial,
        '签署位置 Signature positions', `第 1 页 Page 1：x ${contract.signatures[0].x.toFixed(3)}, y ${contract.signatures[0].y.toFixed(3)}`,
        '链头哈希 Chain head SHA-256', events[events.length - 1].hash,
      ]) assert.ok(t.includes(s), `missing "${s}"`);
      assert.ok(t.replace(/\s+/g, '').includes(evidenceInputFor(contract, events).files[0].sha256), 'the completed file SHA-256');
    });

    it('prints accounts and the ID number masked (185****5544), never raw', () => {
      const t = text('page.pdf');
      for (const s of ['185****5544', '1101**********', 'z***@example.com', '138****8000']) assert.ok(t.includes(s), `missing "${s}"`);
      const flat = t.replace(/\s+/g, '');
      for (const raw of [RAW.mobile, RAW.idNumber, RAW.email, RAW.senderMobile]) assert.ok(!flat.includes(raw), `raw ${raw} leaked`);
    });

    it('states times in China Standard Time with the offset', () => {
      const t = text('page.pdf');
      assert.match(t, /签署时间 Signed at\s+2026-01-02 09:03:00 \+08:00/);
      assert.match(t, /所有时间均为北京时间（UTC\+08:00）/);
    });

    it('adds pages for many signers, each with the header, the hint and "第 i 页 / 共 n 页"', () => {
      const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [join(dir, 'many.pdf')]).stdout)?.[1]);
      assert.ok(pages >= 3, `${pages} pages`);
      for (let i = 1; i <= pages; i++) {
        const t = text('many.pdf', ['-f', String(i), '-l', String(i)]);
        assert.match(t, new RegExp(`第 ${i} 页 / 共 ${pages} 页\\s+Page ${i} of ${pages}`));
        assert.match(t, /^\s*Signet 签约平台/);
        assert.match(t, /验证提示：本存证页由“Signet 签约平台”以数字证书签名并加盖可信时间戳/);
      }
      const all = text('many.pdf');
      assert.match(all, /签署方 9 Signer 9/);
    });

    it('wraps long values: every word stays inside the table, and the long name spans lines', () => {
      const bbox = run('pdftotext', ['-bbox', join(dir, 'many.pdf'), '-']).stdout;
      const xMax = [...bbox.matchAll(/xMax="([\d.]+)"/g)].map((m) => Number(m[1]));
      assert.ok(xMax.length > 100);
      assert.ok(Math.max(...xMax) <= 546, `text reaches x=${Math.max(...xMax)}, past the right margin`);
      const t = text('many.pdf', ['-f', '1', '-l', '1']);
      const nameLines = t.split('\n').filter((l) => l.includes('合同组合') || l.includes('竞业限制'));
      assert.ok(nameLines.length >= 2, 'the contract name wraps over several lines');
    });

    it('qpdf --check finds no errors or warnings', () => {
      for (const f of ['page.pdf', 'many.pdf']) {
        const q = qpdfCheck(join(dir, f));
        assert.ok(q.clean, `${f}: ${q.output}`);
      }
    });
  });
});
