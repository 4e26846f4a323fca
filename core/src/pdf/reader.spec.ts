import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusFile, requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError, type ErrorCode } from '../errors.js';
import { PdfDict, PdfRef, PdfString, type PdfObject } from './objects.js';
import { PdfReader } from './reader.js';

const throwsCode = (fn: () => unknown, code: ErrorCode, text?: RegExp) =>
  assert.throws(fn, (e) => isSignetError(e, code) && (!text || text.test((e as Error).message)));

/** Builds a small classic-xref PDF from object bodies; numbers not given are listed as free. */
function classicPdf(objs: { num: number; gen?: number; body: string }[], trailer = '/Root 1 0 R', pre = ''): Buffer {
  let out = pre + '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const at = new Map<number, { off: number; gen: number }>();
  for (const o of objs) {
    at.set(o.num, { off: out.length - pre.length, gen: o.gen ?? 0 });
    out += `${o.num} ${o.gen ?? 0} obj\n${o.body}\nendobj\n`;
  }
  const max = Math.max(...objs.map((o) => o.num));
  const xref = out.length - pre.length;
  out += `xref\n0 ${max + 1}\n0000000000 65535 f \n`;
  for (let i = 1; i <= max; i++) {
    const e = at.get(i);
    out += e ? `${String(e.off).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n \n` : '0000000000 00001 f \n';
  }
  out += `trailer\n<< /Size ${max + 1} ${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const basic = [
  { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
  { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 100] /Rotate -90 >>' },
  { num: 3, body: '<< /Type /Page /Parent 2 0 R >>' },
];

/** The /Sig dictionaries of a document's signature fields, with their /ByteRange. */
function signatures(r: PdfReader): { byteRange: number[]; sig: PdfDict }[] {
  const acro = r.resolve(r.catalog.get('AcroForm'));
  const out: { byteRange: number[]; sig: PdfDict }[] = [];
  const visit = (o: PdfObject | undefined) => {
    const f = r.resolve(o);
    if (!(f instanceof PdfDict)) return;
    const v = r.resolve(f.get('V'));
    if (f.getName('FT') === 'Sig' && v instanceof PdfDict) out.push({ sig: v, byteRange: v.getArray('ByteRange') as number[] });
    for (const k of (r.resolve(f.get('Kids')) as PdfObject[] | undefined) ?? []) visit(k);
  };
  if (acro instanceof PdfDict) for (const f of (r.resolve(acro.get('Fields')) as PdfObject[]) ?? []) visit(f);
  return out;
}

describe('pdf/reader', () => {
  describe('PdfReader.load() on the corpus', () => {
    it('reads unsigned.pdf: one classic-table revision, 2 A4 pages', () => {
      const bytes = corpusFile('unsigned.pdf');
      const r = PdfReader.load(bytes);
      assert.equal(r.revisions.length, 1);
      assert.equal(r.lastRevision.kind, 'table');
      assert.equal(r.lastRevision.endOffset, bytes.length);
      assert.equal(r.version, '1.7');
      assert.equal(r.catalog.getName('Type'), 'Catalog');
      assert.equal(r.pageCount(), 2);
      const p = r.getPage(0);
      assert.deepEqual(p.mediaBox, [0, 0, 595.28, 841.89]);
      assert.deepEqual(p.cropBox, p.mediaBox);
      assert.equal(p.rotate, 0);
      assert.ok(p.resources instanceof PdfDict);
    });

    it('reads unsigned-objstm.pdf through its xref stream and object streams', () => {
      const r = PdfReader.load(corpusFile('unsigned-objstm.pdf'));
      assert.equal(r.revisions.length, 1);
      assert.equal(r.lastRevision.kind, 'stream');
      assert.equal(r.lastRevision.entries.get(r.catalogRef.num)?.type, 'compressed');
      assert.equal(r.pageCount(), 2);
      const classic = PdfReader.load(corpusFile('unsigned.pdf'));
      assert.deepEqual(r.getPage(1).mediaBox, classic.getPage(1).mediaBox);
      assert.equal(r.trailer.getName('Type'), 'XRef');
    });

    it('reads the 3 revisions of signed-2.pdf, each signature ending where its revision ends', () => {
      const r = PdfReader.load(corpusFile('signed-2.pdf'));
      assert.equal(r.revisions.length, 3);
      assert.deepEqual(r.revisions.map((x) => x.index), [0, 1, 2]);
      const sigs = signatures(r);
      assert.equal(sigs.length, 2);
      const covered = sigs.map(({ byteRange: [, , c, d] }) => r.revisionEndingAt(c + d)?.index).sort();
      assert.deepEqual(covered, [1, 2]);
      for (const { byteRange } of sigs) {
        const end = byteRange[2] + byteRange[3];
        const rev = r.revisionEndingAt(end)!;
        // @signpdf stops the range right after %%EOF; the EOL that follows opens the next update.
        assert.ok(end === rev.endOffset || end === rev.eofOffset);
        assert.ok(rev.endOffset - rev.eofOffset <= 2);
      }
      assert.equal(r.lastRevision.endOffset, r.bytes.length);
    });

    for (const name of ['pyhanko-pades-bt.pdf', 'certified.pdf', 'ecdsa-carol.pdf']) {
      it(`reads ${name}: its signature's /ByteRange ends exactly at the last revision's endOffset`, () => {
        const r = PdfReader.load(corpusFile(name));
        assert.equal(r.revisions.length, 2);
        const [sig] = signatures(r);
        const [a, b, c, d] = sig.byteRange;
        assert.equal(a, 0);
        assert.equal(c + d, r.lastRevision.endOffset);
        assert.equal(r.bytes[b], 0x3c); // the /Contents hex string starts where the first range ends
        assert.equal(r.pageCount(), 2);
      });
    }
  });

  describe('revision history', () => {
    it('shows each object as it stood in an earlier revision', () => {
      const r = PdfReader.load(corpusFile('signed-2.pdf'));
      assert.ok(r.catalog.has('AcroForm'));
      assert.equal(r.catalogAt(0).has('AcroForm'), false);
      assert.equal((r.getObjectAt(r.catalogRef.num, 0) as PdfDict).has('AcroForm'), false);
      assert.deepEqual(r.pageRefsAt(0), r.pageRefs());
      assert.deepEqual(r.trailerValueAt('Root', 0), r.catalogRef);
    });

    it('lists the object numbers each section defines', () => {
      const r = PdfReader.load(corpusFile('signed-2.pdf'));
      assert.ok(r.revisions[0].entries.size >= 15);
      assert.ok(r.revisions[2].entries.size < r.revisions[0].entries.size);
      assert.equal(r.revisions[0].entries.get(0)?.type, 'free');
    });
  });

  describe('pages', () => {
    it('resolves inherited MediaBox and Rotate, and defaults CropBox to MediaBox', () => {
      const r = PdfReader.load(classicPdf(basic));
      const p = r.getPage(0);
      assert.deepEqual(p.mediaBox, [0, 0, 200, 100]);
      assert.deepEqual(p.cropBox, [0, 0, 200, 100]);
      assert.equal(p.rotate, 270);
      assert.equal(p.ref, PdfRef.of(3));
    });

    it('finds a page index by reference and -1 for other objects', () => {
      const r = PdfReader.load(corpusFile('unsigned.pdf'));
      const refs = r.pageRefs();
      assert.equal(r.pageIndexOf(refs[1]), 1);
      assert.equal(r.pageIndexOf(r.catalogRef), -1);
    });

    it('throws PDF_PAGE_OUT_OF_RANGE for a page that does not exist', () => {
      const r = PdfReader.load(corpusFile('unsigned.pdf'));
      for (const i of [-1, 2, 0.5]) throwsCode(() => r.getPage(i), 'PDF_PAGE_OUT_OF_RANGE', /between 1 and 2/);
    });

    it('finds the right pages when a /Pages node hides among kids that /Count makes look like leaves', () => {
      const objs = [
        basic[0],
        { num: 2, body: '<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 /MediaBox [0 0 1 1] >>' },
        { num: 3, body: '<< /Type /Page /Parent 4 0 R /MediaBox [0 0 3 3] >>' },
        { num: 4, body: '<< /Type /Pages /Parent 2 0 R /Kids [3 0 R] /Count 1 >>' },
        { num: 5, body: '<< /Type /Page /Parent 2 0 R >>' },
      ];
      const r = PdfReader.load(classicPdf(objs));
      assert.deepEqual(r.getPage(0).mediaBox, [0, 0, 3, 3]);
      assert.deepEqual(r.pageRefs(), [PdfRef.of(3), PdfRef.of(5)]);
      assert.deepEqual(r.getPage(1).mediaBox, [0, 0, 1, 1]);
    });

    it('survives a page tree whose Kids loop back to an ancestor', () => {
      const objs = [basic[0], { num: 2, body: '<< /Type /Pages /Kids [3 0 R 2 0 R 4 0 R] /Count 2 >>' }, basic[2], { num: 4, body: '<< /Type /Pages /Kids [2 0 R] >>' }];
      assert.equal(PdfReader.load(classicPdf(objs)).pageCount(), 1);
    });
  });

  describe('objects', () => {
    it('parses objects lazily: a damaged object that is never asked for does not stop loading', () => {
      const objs = [...basic, { num: 4, body: '<< /Broken (unclosed >>' }];
      const r = PdfReader.load(classicPdf(objs, '/Root 1 0 R /Info 4 0 R'));
      assert.equal(r.pageCount(), 1);
      throwsCode(() => r.getObject(4), 'PDF_MALFORMED');
    });

    it('honours generation numbers and free entries', () => {
      const objs = [...basic, { num: 5, gen: 2, body: '(gen two)' }];
      const r = PdfReader.load(classicPdf(objs));
      assert.equal((r.getObject(PdfRef.of(5, 2)) as PdfString).toText(), 'gen two');
      assert.equal(r.getObject(PdfRef.of(5, 0)), undefined);
      assert.equal(r.getObject(4), undefined); // free
      assert.equal(r.getObject(99), undefined); // missing
    });

    it('resolves an indirect stream /Length through the xref', () => {
      const objs = [...basic, { num: 4, body: '<< /Length 5 0 R >>\nstream\nabcdef\nendstream' }, { num: 5, body: '6' }];
      const s = PdfReader.load(classicPdf(objs)).getObject(4);
      assert.equal(Buffer.from((s as { raw: Uint8Array }).raw).toString(), 'abcdef');
    });

    it('follows reference chains and stops reference cycles with PDF_LIMIT_EXCEEDED', () => {
      const objs = [...basic, { num: 4, body: '5 0 R' }, { num: 5, body: '42' }, { num: 6, body: '6 0 R' }];
      const r = PdfReader.load(classicPdf(objs));
      assert.equal(r.resolve(PdfRef.of(4)), 42);
      throwsCode(() => r.resolve(PdfRef.of(6)), 'PDF_LIMIT_EXCEEDED');
    });

    it('reads a hybrid file: objects missing from the table come from the /XRefStm stream', () => {
      let s = '%PDF-1.5\n';
      const off = new Map<number, number>();
      const add = (num: number, body: string) => {
        off.set(num, s.length);
        s += `${num} 0 obj\n${body}\nendobj\n`;
      };
      add(1, '<< /Type /Catalog /Pages 2 0 R >>');
      const inner = '2 0 3 60 ';
      const pages = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
      const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 20] >>';
      const stm = inner + pages.padEnd(60) + page;
      add(4, `<< /Type /ObjStm /N 2 /First ${inner.length} /Length ${stm.length} >>\nstream\n${stm}\nendstream`);
      const rows = Buffer.from([2, 0, 4, 0, 2, 0, 4, 1]);
      off.set(5, s.length);
      s += `5 0 obj\n<< /Type /XRef /W [1 2 1] /Index [2 2] /Size 6 /Length ${rows.length} >>\nstream\n${rows.toString('latin1')}\nendstream\nendobj\n`;
      const xref = s.length;
      const line = (n: number) => `${String(off.get(n)).padStart(10, '0')} 00000 n \n`;
      s += `xref\n0 2\n0000000000 65535 f \n${line(1)}4 2\n${line(4)}${line(5)}trailer\n<< /Size 6 /Root 1 0 R /XRefStm ${off.get(5)} >>\nstartxref\n${xref}\n%%EOF\n`;
      const r = PdfReader.load(Buffer.from(s, 'latin1'));
      assert.equal(r.revisions.length, 1);
      assert.equal(r.lastRevision.kind, 'table');
      assert.deepEqual(r.lastRevision.entries.get(3), { type: 'compressed', stream: 4, index: 1 });
      assert.equal(r.pageCount(), 1);
      assert.deepEqual(r.getPage(0).mediaBox, [0, 0, 10, 20]);
    });

    it('repairs the common off-by-one first subsection ("1 n" listing object 0)', () => {
      const good = classicPdf(basic).toString('latin1');
      const bad = good.replace('xref\n0 4\n', 'xref\n1 4\n');
      const r = PdfReader.load(Buffer.from(bad, 'latin1'));
      assert.equal(r.pageCount(), 1);
    });

    it('tolerates bytes before the %PDF- header with offsets counted from the header', () => {
      const r = PdfReader.load(classicPdf(basic, '/Root 1 0 R', 'JUNK-PREFIX\n'));
      assert.equal(r.pageCount(), 1);
    });
  });

  describe('errors', () => {
    it('PDF_NOT_PDF when there is no %PDF- header', () => {
      throwsCode(() => PdfReader.load(Buffer.from('<html>not a pdf</html>')), 'PDF_NOT_PDF', /Upload a PDF/);
      throwsCode(() => PdfReader.load(new Uint8Array(0)), 'PDF_NOT_PDF');
    });

    it('PDF_TRUNCATED when the file is cut in half', () => {
      const b = corpusFile('unsigned.pdf');
      throwsCode(() => PdfReader.load(b.subarray(0, b.length >> 1)), 'PDF_TRUNCATED', /re-download/i);
    });

    it('PDF_XREF_BROKEN when startxref points at garbage', () => {
      const b = corpusFile('unsigned.pdf').toString('latin1');
      const bad = b.replace(/startxref\s+\d+\s+%%EOF\s*$/, 'startxref\n12345\n%%EOF\n');
      throwsCode(() => PdfReader.load(Buffer.from(bad, 'latin1')), 'PDF_XREF_BROKEN', /qpdf in\.pdf out\.pdf/);
      const beyond = b.replace(/startxref\s+\d+\s+%%EOF\s*$/, 'startxref\n99999999\n%%EOF\n');
      throwsCode(() => PdfReader.load(Buffer.from(beyond, 'latin1')), 'PDF_XREF_BROKEN');
    });

    it('PDF_XREF_BROKEN when /Prev loops back to the same section', () => {
      const b = corpusFile('unsigned.pdf').toString('latin1');
      const sx = /startxref\s+(\d+)/.exec(b.slice(-64))![1];
      const bad = b.replace('/Size 15', `/Size 15 /Prev ${sx}`);
      throwsCode(() => PdfReader.load(Buffer.from(bad, 'latin1')), 'PDF_XREF_BROKEN', /loops/);
    });

    it('PDF_XREF_BROKEN, naming the object, when an xref offset does not hold that object', () => {
      const good = classicPdf(basic).toString('latin1');
      const r0 = PdfReader.load(Buffer.from(good, 'latin1'));
      const e1 = r0.lastRevision.entries.get(1) as { offset: number };
      const e2 = r0.lastRevision.entries.get(2) as { offset: number };
      const pad = (n: number) => String(n).padStart(10, '0');
      const bad = good.replace(`${pad(e1.offset)} 00000 n`, `${pad(e2.offset)} 00000 n`);
      const r = PdfReader.load(Buffer.from(bad, 'latin1'));
      throwsCode(() => r.catalog, 'PDF_XREF_BROKEN', /object 1 0/);
    });

    it('PDF_MALFORMED when the trailer has no /Root', () => {
      const r = PdfReader.load(classicPdf(basic, ''));
      throwsCode(() => r.catalog, 'PDF_MALFORMED');
    });

    describe('encrypted files', () => {
      let dir: { dir: string; cleanup: () => void };
      before(function () {
        requireTool(this, 'qpdf', 'qpdf');
        dir = tempDir();
      });
      after(() => dir?.cleanup());

      it('PDF_ENCRYPTED, telling how to decrypt with qpdf', () => {
        const src = join(dir.dir, 'in.pdf');
        const out = join(dir.dir, 'enc.pdf');
        writeFileSync(src, corpusFile('unsigned.pdf'));
        const res = run('qpdf', ['--encrypt', 'u', 'o', '256', '--', src, out]);
        assert.equal(res.status, 0, res.stderr);
        throwsCode(() => PdfReader.load(readFileSync(out)), 'PDF_ENCRYPTED', /qpdf --decrypt/);
      });
    });
  });
});
