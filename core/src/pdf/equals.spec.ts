import assert from 'node:assert/strict';
import { pdfEquals } from './equals.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from './objects.js';

describe('pdf/equals', () => {
  describe('pdfEquals()', () => {
    it('compares primitives, names and references by value', () => {
      assert.ok(pdfEquals(1, 1));
      assert.ok(!pdfEquals(1, 2));
      assert.ok(!pdfEquals(0, null));
      assert.ok(!pdfEquals(false, null));
      assert.ok(pdfEquals(PdfName.of('A'), PdfName.of('A')));
      assert.ok(pdfEquals(PdfRef.of(3), PdfRef.of(3, 0)));
      assert.ok(!pdfEquals(PdfRef.of(3), PdfRef.of(3, 1)));
      assert.ok(!pdfEquals(undefined, null));
    });

    it('treats a literal and a hex string with the same bytes as equal', () => {
      assert.ok(pdfEquals(new PdfString(Buffer.from('ab')), new PdfString(Buffer.from('ab'), true)));
      assert.ok(!pdfEquals(new PdfString(Buffer.from('ab')), new PdfString(Buffer.from('ac'))));
    });

    it('compares dictionaries regardless of key order, and arrays in order', () => {
      const a = new PdfDict({ A: 1, B: [1, PdfRef.of(2)] });
      const b = new PdfDict({ B: [1, PdfRef.of(2)], A: 1 });
      assert.ok(pdfEquals(a, b));
      assert.ok(!pdfEquals(a, new PdfDict({ A: 1, B: [PdfRef.of(2), 1] })));
      assert.ok(!pdfEquals(a, new PdfDict({ A: 1 })));
      assert.ok(!pdfEquals(new PdfDict({ A: 1, C: 2 }), new PdfDict({ A: 1, D: 2 })));
    });

    it('does not resolve references', () => {
      assert.ok(!pdfEquals(PdfRef.of(1), 5));
    });

    it('compares streams by dictionary and encoded bytes', () => {
      const s = (t: string) => new PdfStream(new PdfDict({ Length: t.length }), Buffer.from(t));
      assert.ok(pdfEquals(s('abc'), s('abc')));
      assert.ok(!pdfEquals(s('abc'), s('abd')));
    });
  });
});
