import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from './objects.js';

describe('pdf/objects', () => {
  describe('PdfName', () => {
    it('interns names so that equal names are ===', () => {
      assert.equal(PdfName.of('Type'), PdfName.of('Type'));
      assert.notEqual(PdfName.of('Type'), PdfName.of('Subtype'));
      assert.equal(PdfName.of('Sig').name, 'Sig');
    });
  });

  describe('PdfRef', () => {
    it('interns references by number and generation and prints "n g R"', () => {
      assert.equal(PdfRef.of(12), PdfRef.of(12, 0));
      assert.notEqual(PdfRef.of(12, 1), PdfRef.of(12, 0));
      assert.equal(PdfRef.of(12).toString(), '12 0 R');
    });

    it('rejects impossible numbers with INVALID_ARGUMENT', () => {
      assert.throws(() => PdfRef.of(-1), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
      assert.throws(() => PdfRef.of(1, 70000), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });
  });

  describe('PdfString', () => {
    it('encodes PDFDocEncoding-representable text in one byte per char', () => {
      const s = PdfString.fromText('Café – “quoted” €');
      assert.notEqual(s.bytes[0], 0xfe);
      assert.equal(s.bytes.length, 'Café – “quoted” €'.length);
      assert.equal(s.toText(), 'Café – “quoted” €');
    });

    it('encodes other text as UTF-16BE with a BOM, surrogate pairs included', () => {
      const t = '合同专用章 😀';
      const s = PdfString.fromText(t);
      assert.deepEqual([...s.bytes.subarray(0, 2)], [0xfe, 0xff]);
      assert.equal(s.toText(), t);
    });

    it('decodes UTF-8 text strings that start with a BOM (PDF 2.0)', () => {
      const s = new PdfString(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('签名', 'utf8')]));
      assert.equal(s.toText(), '签名');
    });

    it('writes dates as D:YYYYMMDDHHmmSSZ in UTC and reads them back', () => {
      const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
      const s = PdfString.fromDate(d);
      assert.equal(Buffer.from(s.bytes).toString('latin1'), 'D:20240102030405Z');
      assert.equal(s.toDate()?.getTime(), d.getTime());
    });

    it("reads dates with an offset like +08'00' and partial dates", () => {
      const s = new PdfString(Buffer.from("D:20240102110405+08'00'"));
      assert.equal(s.toDate()?.toISOString(), '2024-01-02T03:04:05.000Z');
      assert.equal(new PdfString(Buffer.from('D:2024')).toDate()?.toISOString(), '2024-01-01T00:00:00.000Z');
      assert.equal(new PdfString(Buffer.from('not a date')).toDate(), undefined);
    });
  });

  describe('PdfDict', () => {
    it('offers typed getters that return undefined on a type mismatch', () => {
      const inner = new PdfDict({ A: 1 });
      const d = new PdfDict({ T: PdfName.of('Sig'), N: 3, R: PdfRef.of(4), A: [1, 2], D: inner });
      assert.equal(d.getName('T'), 'Sig');
      assert.equal(d.getNumber('N'), 3);
      assert.equal(d.getRef('R'), PdfRef.of(4));
      assert.deepEqual(d.getArray('A'), [1, 2]);
      assert.equal(d.getDict('D'), inner);
      assert.equal(d.getDict('R'), undefined);
      assert.equal(d.getName('N'), undefined);
    });

    it('clones shallowly so that setting a key leaves the original untouched', () => {
      const d = new PdfDict([['A', 1]]);
      const c = d.clone().set('B', 2);
      assert.deepEqual(d.keys(), ['A']);
      assert.deepEqual(c.keys(), ['A', 'B']);
      assert.equal(c.delete('A'), true);
      assert.equal(c.has('A'), false);
    });
  });

  describe('PdfStream', () => {
    it('compresses with FlateDecode on request and decodes back', () => {
      const data = Buffer.from('0 0 m 100 100 l S\n'.repeat(100));
      const s = PdfStream.fromData(data, new PdfDict({ Type: PdfName.of('XObject') }), { compress: true });
      assert.equal(s.dict.getName('Filter'), 'FlateDecode');
      assert.equal(s.dict.getNumber('Length'), s.raw.length);
      assert.ok(s.raw.length < data.length);
      assert.deepEqual(Buffer.from(s.decode()), data);
    });

    it('stores data as is without compression', () => {
      const s = PdfStream.fromData(Buffer.from('abc'));
      assert.equal(s.dict.get('Filter'), undefined);
      assert.equal(s.dict.getNumber('Length'), 3);
      assert.deepEqual(Buffer.from(s.decode()).toString(), 'abc');
    });
  });
});
