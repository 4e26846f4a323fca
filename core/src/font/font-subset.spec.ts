import assert from 'node:assert/strict';
import fontkit from '@pdf-lib/fontkit';
import { cjkFontBytes } from '@signet/test-support';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from '../pdf/objects.js';
import { FontProgram } from './font-program.js';
import { FontSubset, type ObjectSink } from './font-subset.js';

class MemorySink implements ObjectSink {
  next = 1;
  readonly objects = new Map<number, PdfObject>();
  allocate(): PdfRef { return PdfRef.of(this.next++); }
  set(ref: PdfRef, obj: PdfObject): void { this.objects.set(ref.num, obj); }
  get(o: PdfObject | undefined): PdfObject | undefined { return o instanceof PdfRef ? this.objects.get(o.num) : o; }
}

describe('font/FontSubset', () => {
  const program = FontProgram.load(cjkFontBytes());

  it('parses a font once per byte array', () => {
    assert.equal(FontProgram.load(cjkFontBytes()), program);
  });

  it('encodes text as 2-byte CIDs, the same CID for the same character', () => {
    const subset = new FontSubset(program, new MemorySink());
    const a = subset.encode('合同合');
    assert.match(a, /^<[0-9a-f]{12}>$/);
    assert.equal(a.slice(1, 5), a.slice(9, 13));
    assert.notEqual(a.slice(1, 5), a.slice(5, 9));
  });

  it('writes a Type0 font with a small subset program, widths and a ToUnicode map back to the text', () => {
    const sink = new MemorySink();
    const subset = new FontSubset(program, sink);
    subset.encode('上海示例科技有限公司 Signet 2026');
    const ref = subset.finish();
    const font = sink.objects.get(ref.num) as PdfDict;
    assert.equal(font.getName('Subtype'), 'Type0');
    assert.equal(font.getName('Encoding'), 'Identity-H');
    assert.match(font.getName('BaseFont')!, /^[A-Z]{6}\+NotoSerifSC-Regular$/);
    const cid = sink.get(font.getArray('DescendantFonts')![0]) as PdfDict;
    assert.equal(cid.getName('Subtype'), 'CIDFontType2');
    const desc = sink.get(cid.get('FontDescriptor')) as PdfDict;
    const file = sink.get(desc.get('FontFile2')) as PdfStream;
    const ttf = file.decode();
    assert.ok(ttf.length < 40_000, `subset is ${ttf.length} bytes`);
    const reparsed = fontkit.create(Buffer.from(ttf));
    assert.ok(reparsed.numGlyphs >= 20 && reparsed.numGlyphs < 40, `subset has ${reparsed.numGlyphs} glyphs`);
    // Every glyph survives subsetting intact: the same outline box as in the full font.
    const text = '上海示例科技有限公司 Signet 2026';
    for (const ch of text) {
      if (ch === ' ') continue;
      const cid = parseInt(subset.encode(ch).slice(1, 5), 16);
      const got = reparsed.getGlyph(cid).path.bbox;
      const want = program.font.glyphForCodePoint(ch.codePointAt(0)!).path.bbox;
      assert.deepEqual([got.minX, got.minY, got.maxX, got.maxY], [want.minX, want.minY, want.maxX, want.maxY], `glyph of ${ch}`);
    }
    const cmap = new TextDecoder().decode((sink.get(font.get('ToUnicode')) as PdfStream).decode());
    // 上 is U+4E0A, 司 is U+53F8.
    assert.match(cmap, /<[0-9a-f]{4}> <4e0a>/);
    assert.match(cmap, /<[0-9a-f]{4}> <53f8>/);
    assert.equal(subset.finish(), ref);
  });

  it('measures text: a CJK character is one em, Latin narrower', () => {
    assert.equal(program.widthOf('合', 10), 10);
    assert.ok(program.widthOf('a', 10) < 10);
    assert.ok(program.covers('合同专用章'));
  });
});
