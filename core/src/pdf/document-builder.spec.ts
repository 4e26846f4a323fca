import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cjkFontBytes, qpdfCheck, requireTool, run, tempDir } from '@signet/test-support';
import { FontProgram } from '../font/font-program.js';
import { FontSubset } from '../font/font-subset.js';
import { PdfDict } from './objects.js';
import { PdfReader } from './reader.js';
import { PdfDocumentBuilder } from './document-builder.js';

function chineseDocument(): Uint8Array {
  const b = new PdfDocumentBuilder();
  const font = new FontSubset(FontProgram.load(cjkFontBytes()), b);
  const resources = new PdfDict({ Font: new PdfDict({ F1: font.ref }) });
  b.addPage({ width: 595, height: 842, resources, content: `BT /F1 18 Tf 72 760 Td ${font.encode('签约存证页 Evidence page')} Tj ET` });
  b.addPage({ width: 595, height: 842, resources, content: `BT /F1 12 Tf 72 760 Td ${font.encode('第二页：合同编号 HT-2026-001')} Tj ET` });
  font.finish();
  b.setInfo({ Title: '签约存证页', Producer: 'Signet' });
  return b.build();
}

describe('pdf/PdfDocumentBuilder', () => {
  it('builds a document that Signet reads back, page by page', () => {
    const r = PdfReader.load(chineseDocument());
    assert.equal(r.pageCount(), 2);
    assert.deepEqual(r.getPage(0).mediaBox, [0, 0, 595, 842]);
    assert.equal(r.revisions.length, 1);
  });

  describe('checked by poppler and qpdf', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'pdftotext', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
      ({ dir, cleanup } = tempDir('builder-'));
      writeFileSync(join(dir, 'doc.pdf'), chineseDocument());
    });
    after(() => cleanup?.());

    it('pdftotext extracts the Chinese text through the ToUnicode map', () => {
      const r = run('pdftotext', ['-layout', join(dir, 'doc.pdf'), '-']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /签约存证页 Evidence page/);
      assert.match(r.stdout, /第二页：合同编号 HT-2026-001/);
    });

    it('qpdf --check finds no errors or warnings, and the subset font keeps the file small', () => {
      const r = qpdfCheck(join(dir, 'doc.pdf'));
      assert.ok(r.clean, r.output);
      assert.ok(chineseDocument().length < 40_000);
    });
  });
});
