import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { corpusFile, requireTool, run, tempDir } from '@signet/test-support';
import { PdfByteRangePlaceholder, PdfDict, PdfHexPlaceholder, PdfName, PdfRef, PdfStream, PdfString } from './objects.js';
import { PdfReader } from './reader.js';
import { IncrementalWriter } from './writer.js';

const N = PdfName.of;

/** The usual small update: one new object and a catalog that points at it. */
function addObjectAndTouchCatalog(bytes: Uint8Array) {
  const reader = PdfReader.load(bytes);
  const w = new IncrementalWriter(reader);
  const ref = w.allocate();
  w.set(ref, new PdfDict({ Type: N('SignetTest'), Note: PdfString.fromText('增量更新 (incremental)') }));
  const cat = reader.catalog.clone();
  cat.set('SignetTest', ref);
  w.set(reader.catalogRef, cat);
  return { reader, ref, ...w.write() };
}

function startsWith(big: Uint8Array, prefix: Uint8Array): boolean {
  return big.length >= prefix.length && Buffer.from(big.buffer, big.byteOffset, prefix.length).equals(prefix);
}

async function freshPdfLib(useObjectStreams: boolean): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < 3; i++) doc.addPage([300 + i, 400]).drawText(`page ${i + 1}`, { x: 20, y: 300 });
  return doc.save({ useObjectStreams });
}

const corpusToUpdate = ['unsigned.pdf', 'unsigned-objstm.pdf', 'signed-2.pdf', 'pyhanko-pades-bt.pdf', 'certified.pdf'];

describe('pdf/writer', () => {
  describe('IncrementalWriter', () => {
    for (const name of corpusToUpdate) {
      it(`appends to ${name} without touching a byte, and the result reloads with the change`, async () => {
        const orig = corpusFile(name);
        const { bytes, ref, reader } = addObjectAndTouchCatalog(orig);
        assert.ok(startsWith(bytes, orig));
        const again = PdfReader.load(bytes);
        assert.equal(again.revisions.length, reader.revisions.length + 1);
        assert.equal(again.lastRevision.kind, reader.lastRevision.kind);
        assert.equal(again.catalog.get('SignetTest'), ref);
        assert.equal((again.getObject(ref) as PdfDict).getName('Type'), 'SignetTest');
        assert.equal(again.pageCount(), reader.pageCount());
        assert.equal(again.lastRevision.endOffset, bytes.length);
        // Earlier revisions are unchanged: the old catalog has no new key.
        assert.equal(again.catalogAt(reader.revisions.length - 1).has('SignetTest'), false);
        const doc = await PDFDocument.load(bytes, { updateMetadata: false });
        assert.equal(doc.getPageCount(), 2);
      });
    }

    it('writes a classic table after a table and an xref stream after a stream', () => {
      const tail = (b: Uint8Array) => Buffer.from(b).toString('latin1', Math.max(0, b.length - 400));
      assert.match(tail(addObjectAndTouchCatalog(corpusFile('unsigned.pdf')).bytes), /\nxref\n[\s\S]*trailer\n<<\/Size 16 \/Root 2 0 R \/Info 3 0 R \/Prev 96811>>\nstartxref\n\d+\n%%EOF\n$/);
      assert.match(tail(addObjectAndTouchCatalog(corpusFile('unsigned-objstm.pdf')).bytes), /\/Type \/XRef \/Size 19 \/Index \[2 1 17 2\] \/W \[1 3 1\][\s\S]*\/Prev 94613[\s\S]*endstream\nendobj\nstartxref\n\d+\n%%EOF\n$/);
    });

    it('keeps /ID from the previous trailer and links /Prev to the previous section', () => {
      const orig = corpusFile('pyhanko-pades-bt.pdf');
      const { bytes, reader } = addObjectAndTouchCatalog(orig);
      const again = PdfReader.load(bytes);
      assert.deepEqual(again.trailer.get('ID'), reader.trailer.get('ID'));
      assert.equal(again.lastRevision.trailer.get('Prev'), reader.lastRevision.xrefOffset);
    });

    it('points /Prev at the xref keyword even when the old startxref pointed at white-space before it', () => {
      const { bytes, reader } = addObjectAndTouchCatalog(corpusFile('signed-2.pdf'));
      const prev = PdfReader.load(bytes).lastRevision.trailer.get('Prev') as number;
      assert.equal(Buffer.from(bytes).toString('latin1', prev, prev + 4), 'xref');
      assert.ok(prev >= reader.lastRevision.xrefOffset);
    });

    it('adds an EOL before the update only when the original does not end in one', () => {
      const noEol = corpusFile('unsigned.pdf');
      assert.notEqual(noEol[noEol.length - 1], 0x0a);
      assert.equal(addObjectAndTouchCatalog(noEol).bytes[noEol.length], 0x0a);
      const withEol = corpusFile('pyhanko-pades-bt.pdf');
      assert.equal(withEol[withEol.length - 1], 0x0a);
      assert.match(Buffer.from(addObjectAndTouchCatalog(withEol).bytes).toString('latin1', withEol.length, withEol.length + 12), /^\d+ 0 obj\n/);
    });

    it('allocates new numbers from the old /Size and grows /Size to cover them', () => {
      const reader = PdfReader.load(corpusFile('unsigned.pdf'));
      const w = new IncrementalWriter(reader);
      const a = w.allocate();
      const b = w.allocate();
      assert.deepEqual([a.num, b.num], [reader.size, reader.size + 1]);
      w.set(a, 1);
      w.set(b, 2);
      const again = PdfReader.load(w.write().bytes);
      assert.equal(again.size, reader.size + 2);
      assert.equal(again.getObject(b), 2);
    });

    it('returns only what was set in this update from get()', () => {
      const reader = PdfReader.load(corpusFile('unsigned.pdf'));
      const w = new IncrementalWriter(reader);
      assert.equal(w.get(reader.catalogRef), undefined);
      const cat = reader.catalog.clone();
      w.set(reader.catalogRef, cat);
      assert.equal(w.get(reader.catalogRef), cat);
    });

    it('replaces an object that lived in an object stream, while the old revision still shows the old one', () => {
      const { bytes, reader } = addObjectAndTouchCatalog(corpusFile('unsigned-objstm.pdf'));
      const again = PdfReader.load(bytes);
      assert.equal(again.lastRevision.entries.get(reader.catalogRef.num)?.type, 'offset');
      assert.equal((again.getObjectAt(reader.catalogRef.num, 0) as PdfDict).has('SignetTest'), false);
    });

    it('records placeholder offsets that point at the "<" of /Contents and the "[" of /ByteRange', () => {
      const reader = PdfReader.load(corpusFile('unsigned.pdf'));
      const w = new IncrementalWriter(reader);
      const contents = new PdfHexPlaceholder(8192);
      const byteRange = new PdfByteRangePlaceholder();
      w.set(w.allocate(), new PdfDict({ Type: N('Sig'), Filter: N('Adobe.PPKLite'), ByteRange: byteRange, Contents: contents }));
      const { bytes, placeholders } = w.write();
      const c = placeholders.get(contents)!;
      const br = placeholders.get(byteRange)!;
      const text = Buffer.from(bytes);
      assert.equal(text[c.start], 0x3c);
      assert.equal(text[c.end - 1], 0x3e);
      assert.equal(c.end - c.start, 2 * 8192 + 2);
      assert.equal(text.toString('latin1', c.start + 1, c.end - 1), '0'.repeat(16384));
      assert.equal(text.toString('latin1', br.start, br.end), PdfByteRangePlaceholder.TEXT);
      assert.ok(br.start > reader.bytes.length && c.start > reader.bytes.length);
    });

    it('writes new streams with their true /Length', () => {
      const reader = PdfReader.load(corpusFile('unsigned-objstm.pdf'));
      const w = new IncrementalWriter(reader);
      const data = Buffer.from('q 0 0 1 rg 0 0 10 10 re f Q');
      const ref = w.allocate();
      w.set(ref, PdfStream.fromData(data, new PdfDict({ Type: N('XObject'), Subtype: N('Form'), BBox: [0, 0, 10, 10] }), { compress: true }));
      const s = PdfReader.load(w.write().bytes).getObject(ref) as PdfStream;
      assert.deepEqual(Buffer.from(s.decode()), data);
    });

    it('chains updates: an update of an update reloads with every revision', () => {
      let bytes: Uint8Array = corpusFile('unsigned.pdf');
      for (let i = 0; i < 3; i++) bytes = addObjectAndTouchCatalog(bytes).bytes;
      const r = PdfReader.load(bytes);
      assert.equal(r.revisions.length, 4);
      assert.deepEqual(r.catalog.get('SignetTest'), PdfRef.of(17));
    });
  });

  describe('output checked by qpdf', () => {
    let dir: { dir: string; cleanup: () => void };
    before(function () {
      requireTool(this, 'qpdf', 'qpdf');
      dir = tempDir();
    });
    after(() => dir?.cleanup());

    /** Runs qpdf --check and returns its warnings with the file name removed. */
    function check(bytes: Uint8Array, name: string): { status: number | null; ok: boolean; warnings: string[] } {
      const path = join(dir.dir, name);
      writeFileSync(path, bytes);
      const r = run('qpdf', ['--check', path]);
      const all = r.stdout + r.stderr;
      const warnings = all.split('\n').filter((l) => /WARNING|ERROR/.test(l)).map((l) => l.replace(path, 'FILE'));
      return { status: r.status, ok: all.includes('No syntax or stream encoding errors found'), warnings };
    }

    for (const name of corpusToUpdate) {
      it(`finds no errors and no new warnings in an update of ${name}`, () => {
        const orig = corpusFile(name);
        const before = check(orig, 'orig-' + name);
        const after = check(addObjectAndTouchCatalog(orig).bytes, 'out-' + name);
        // qpdf only prints its all-clear line when there are no warnings at all.
        assert.ok(after.ok || (before.warnings.length > 0 && after.status === 3), after.warnings.join('\n'));
        assert.ok(!after.warnings.some((w) => w.includes('ERROR')), after.warnings.join('\n'));
        // signed-2.pdf carries warnings of its own (white-space before xref); the update adds none.
        const fresh = after.warnings.filter((w) => !before.warnings.includes(w) && !/reported number of objects/.test(w));
        assert.deepEqual(fresh, []);
        if (before.warnings.length === 0) {
          assert.equal(after.status, 0);
          assert.deepEqual(after.warnings, []);
        }
      });
    }

    for (const useObjectStreams of [false, true]) {
      it(`finds no errors or warnings in two updates of a fresh pdf-lib file (useObjectStreams: ${useObjectStreams})`, async () => {
        const orig = await freshPdfLib(useObjectStreams);
        const once = addObjectAndTouchCatalog(orig).bytes;
        const twice = addObjectAndTouchCatalog(once).bytes;
        const r = check(twice, `fresh-${useObjectStreams}.pdf`);
        assert.equal(r.status, 0, r.warnings.join('\n'));
        assert.ok(r.ok);
        assert.deepEqual(r.warnings, []);
        assert.equal(PdfReader.load(twice).revisions.length, 3);
        assert.equal((await PDFDocument.load(twice)).getPageCount(), 3);
      });
    }
  });

  describe('performance (informal, no assertion on time)', () => {
    it('loads and updates a 50 MB PDF at a cost comparable to one SHA-256 pass', () => {
      // A 50 MB stream appended to the corpus file gives a realistic big input in one step.
      const base = PdfReader.load(corpusFile('unsigned.pdf'));
      const w0 = new IncrementalWriter(base);
      const blob = w0.allocate();
      w0.set(blob, new PdfStream(new PdfDict({ Type: N('EmbeddedFile') }), randomBytes(50 * 1024 * 1024)));
      const cat = base.catalog.clone().set('Blob', blob);
      w0.set(base.catalogRef, cat);
      const big = w0.write().bytes;

      const t0 = performance.now();
      createHash('sha256').update(big).digest();
      const t1 = performance.now();
      const reader = PdfReader.load(big);
      const w = new IncrementalWriter(reader);
      const page = reader.getPage(0);
      const sig = w.allocate();
      const widget = w.allocate();
      w.set(sig, new PdfDict({ Type: N('Sig'), ByteRange: new PdfByteRangePlaceholder(), Contents: new PdfHexPlaceholder(16384) }));
      w.set(widget, new PdfDict({ Type: N('Annot'), Subtype: N('Widget'), FT: N('Sig'), V: sig, P: page.ref, Rect: [0, 0, 0, 0] }));
      w.set(page.ref, page.dict.clone().set('Annots', [widget]));
      w.set(reader.catalogRef, reader.catalog.clone().set('AcroForm', new PdfDict({ Fields: [widget], SigFlags: 3 })));
      const out = w.write();
      const t2 = performance.now();
      console.log(`      50 MB: sha256 ${(t1 - t0).toFixed(1)} ms, load + 4 objects + write ${(t2 - t1).toFixed(1)} ms (${((t2 - t1) / (t1 - t0)).toFixed(2)}× sha256)`);
      assert.equal(out.bytes.length > big.length, true);
      assert.equal(PdfReader.load(out.bytes).revisions.length, 3);
    });

    it('runs the small-file sign path (load + 6 objects + write) in well under a millisecond', () => {
      const bytes = corpusFile('unsigned.pdf');
      const once = () => {
        const r = PdfReader.load(bytes);
        const w = new IncrementalWriter(r);
        const page = r.getPage(0);
        const [sig, widget, ap, acro] = [w.allocate(), w.allocate(), w.allocate(), w.allocate()];
        w.set(sig, new PdfDict({ Type: N('Sig'), ByteRange: new PdfByteRangePlaceholder(), Contents: new PdfHexPlaceholder(8192), M: PdfString.fromDate(new Date()) }));
        w.set(ap, PdfStream.fromData(Buffer.from('q 0 0 1 rg 0 0 100 50 re f Q'), new PdfDict({ Type: N('XObject'), Subtype: N('Form'), BBox: [0, 0, 100, 50] })));
        w.set(widget, new PdfDict({ Type: N('Annot'), Subtype: N('Widget'), FT: N('Sig'), V: sig, P: page.ref, Rect: [0, 0, 100, 50], AP: new PdfDict({ N: ap }) }));
        w.set(acro, new PdfDict({ Fields: [widget], SigFlags: 3 }));
        w.set(r.catalogRef, r.catalog.clone().set('AcroForm', acro));
        w.set(page.ref, page.dict.clone().set('Annots', [widget]));
        return w.write();
      };
      for (let i = 0; i < 500; i++) once();
      const n = 2000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) once();
      const per = (performance.now() - t0) / n;
      const h0 = performance.now();
      for (let i = 0; i < n; i++) createHash('sha256').update(bytes).digest();
      const sha = (performance.now() - h0) / n;
      console.log(`      ${bytes.length} B: sign path ${(per * 1000).toFixed(0)} µs, sha256 ${(sha * 1000).toFixed(0)} µs`);
    });
  });
});
