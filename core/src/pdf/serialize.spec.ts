import assert from 'node:assert/strict';
import { pdfEquals } from './equals.js';
import { parseObject } from './lexer.js';
import { PdfByteRangePlaceholder, PdfDict, PdfHexPlaceholder, PdfName, PdfRaw, PdfRef, PdfStream, PdfString, type PdfObject } from './objects.js';
import { ByteSink, formatNumber, serializeObject, serializeTo } from './serialize.js';

const roundTrip = (o: PdfObject) => parseObject(serializeObject(o));

describe('pdf/serialize', () => {
  describe('serializeObject()', () => {
    it('writes numbers without exponents, with at most 6 trimmed decimals', () => {
      assert.equal(formatNumber(3), '3');
      assert.equal(formatNumber(-0), '0');
      assert.equal(formatNumber(0.5), '0.5');
      assert.equal(formatNumber(1 / 3), '0.333333');
      assert.equal(formatNumber(1e-7), '0');
      assert.equal(formatNumber(-2.5e-7), '0');
      assert.equal(formatNumber(1e21), '1000000000000000000000');
      assert.equal(formatNumber(595.28), '595.28');
    });

    it('refuses NaN and infinities', () => {
      assert.throws(() => serializeObject(NaN), /finite/);
      assert.throws(() => serializeObject(Infinity), /finite/);
    });

    it('escapes delimiters, # and non-printable bytes in names as #xx', () => {
      assert.equal(serializeObject(PdfName.of('A B#(c)/d')), '/A#20B#23#28c#29#2Fd');
      assert.equal(serializeObject(PdfName.of('Adobe.PPKLite')), '/Adobe.PPKLite');
    });

    it('escapes parentheses, backslashes and line ends in literal strings', () => {
      const s = new PdfString(Buffer.from('a(b)c\\d\re\nf', 'latin1'));
      assert.equal(serializeObject(s), '(a\\(b\\)c\\\\d\\re\\nf)');
    });

    it('writes hex strings when asked', () => {
      assert.equal(serializeObject(new PdfString(Uint8Array.from([0, 0xab, 0xff]), true)), '<00abff>');
    });

    it('writes dictionaries, arrays, references, booleans and null', () => {
      const d = new PdfDict({ Type: PdfName.of('Annot'), Rect: [0, 1.5, -2, 3], P: PdfRef.of(7), F: true, X: null });
      assert.equal(serializeObject(d), '<</Type /Annot /Rect [0 1.5 -2 3] /P 7 0 R /F true /X null>>');
    });

    it('writes the true /Length of a stream whatever its dictionary says', () => {
      const s = new PdfStream(new PdfDict({ Length: PdfRef.of(9) }), Buffer.from('hello'));
      assert.equal(serializeObject(s), '<</Length 5>>\nstream\nhello\nendstream');
      const t = new PdfStream(new PdfDict({ Type: PdfName.of('X') }), Buffer.from('hi'));
      assert.equal(serializeObject(t), '<</Type /X /Length 2>>\nstream\nhi\nendstream');
    });

    it('writes raw bytes verbatim and placeholders at fixed widths', () => {
      assert.equal(serializeObject(new PdfRaw('q 1 0 0 1 0 0 cm Q')), 'q 1 0 0 1 0 0 cm Q');
      assert.equal(serializeObject(new PdfHexPlaceholder(4)), '<00000000>');
      assert.equal(serializeObject(new PdfByteRangePlaceholder()), '[0 0000000000 0000000000 0000000000]');
    });

    it('records placeholder spans relative to the sink base', () => {
      const sink = new ByteSink(100);
      const h = new PdfHexPlaceholder(2);
      const br = new PdfByteRangePlaceholder();
      serializeTo(sink, new PdfDict({ Contents: h, ByteRange: br }));
      const text = sink.toLatin1();
      const hs = sink.placeholders.get(h)!;
      const bs = sink.placeholders.get(br)!;
      assert.equal(text.slice(hs.start - 100, hs.end - 100), '<0000>');
      assert.equal(text.slice(bs.start - 100, bs.end - 100), PdfByteRangePlaceholder.TEXT);
    });
  });

  describe('round trip through the parser', () => {
    it('preserves every byte value in literal and hex strings', () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      for (const hex of [false, true]) {
        const back = roundTrip(new PdfString(all, hex)) as PdfString;
        assert.deepEqual([...back.bytes], [...all]);
        assert.equal(back.hex, hex);
      }
    });

    it('preserves tricky strings: unbalanced parentheses, trailing backslash, CRLF', () => {
      for (const t of ['(', ')', ')(', '\\', 'a\\', '\r\n', '\r', '((nested))', '']) {
        const back = roundTrip(new PdfString(Buffer.from(t, 'latin1'))) as PdfString;
        assert.equal(Buffer.from(back.bytes).toString('latin1'), t);
      }
    });

    it('preserves names with spaces, delimiters, # and non-ASCII text', () => {
      for (const n of ['A B', 'x#y', 'a/b(c)[d]<e>{f}%g', 'Größe', '签名', '']) {
        assert.equal(roundTrip(PdfName.of(n)), PdfName.of(n));
      }
    });

    it('preserves nested structures', () => {
      const o = new PdfDict({
        A: [1, -2.25, [PdfRef.of(3, 1), null], new PdfDict({ B: false })],
        S: PdfString.fromText('合同'),
        N: PdfName.of('Name'),
      });
      assert.ok(pdfEquals(roundTrip(o), o));
    });
  });
});
