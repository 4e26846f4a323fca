import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { isSignetError } from '../errors.js';
import { decodeFilters } from './filters.js';
import { PdfDict, PdfName, type PdfObject } from './objects.js';

const id = (o: PdfObject | undefined) => o;
const N = PdfName.of;
const decode = (raw: Uint8Array, filter: PdfObject, parms?: PdfObject, limit = 1 << 20) => Buffer.from(decodeFilters(raw, filter, parms, id, limit));

describe('pdf/filters', () => {
  describe('decodeFilters()', () => {
    it('inflates FlateDecode data, also when the zlib checksum is missing', () => {
      const data = Buffer.from('BT /F1 12 Tf (Hello) Tj ET\n'.repeat(50));
      const z = deflateSync(data);
      assert.deepEqual(decode(z, N('FlateDecode')), data);
      assert.deepEqual(decode(z.subarray(0, z.length - 4), N('FlateDecode')), data);
    });

    it('undoes the PNG Up predictor used by xref streams (§7.4.4.4)', () => {
      const rows = [[1, 0, 0x10, 0], [1, 0, 0x20, 0], [2, 0, 3, 1]];
      const encoded: number[] = [];
      let prev = [0, 0, 0, 0];
      for (const r of rows) {
        encoded.push(2, ...r.map((v, i) => (v - prev[i]) & 0xff));
        prev = r;
      }
      const out = decode(deflateSync(Uint8Array.from(encoded)), N('FlateDecode'), new PdfDict({ Predictor: 12, Columns: 4 }));
      assert.deepEqual([...out], rows.flat());
    });

    it('undoes PNG Sub, Average and Paeth rows', () => {
      // Row 0 Sub, row 1 Average, row 2 Paeth over 2 columns of 1 byte.
      const raw = Uint8Array.from([1, 10, 5, 3, 4, 4, 4, 1, 1]);
      const out = decode(deflateSync(raw), N('FlateDecode'), new PdfDict({ Predictor: 15, Columns: 2 }));
      // Sub: 10, 15. Average: 4+(0+10)/2=9, 4+((9+15)>>1)=16. Paeth: 1+paeth(0,9,0)=10, 1+paeth(10,16,9)=17.
      assert.deepEqual([...out], [10, 15, 9, 16, 10, 17]);
    });

    it('undoes the TIFF predictor for 8-bit components', () => {
      const out = decode(deflateSync(Uint8Array.from([1, 1, 1, 5, 250, 10])), N('FlateDecode'), new PdfDict({ Predictor: 2, Columns: 3, Colors: 1 }));
      assert.deepEqual([...out], [1, 2, 3, 5, 255, 9]);
    });

    it('decodes ASCIIHex with white-space, an odd digit and the > terminator', () => {
      assert.deepEqual([...decode(Buffer.from('48 65\n6c7>ignored'), N('ASCIIHexDecode'))], [0x48, 0x65, 0x6c, 0x70]);
    });

    it('decodes ASCII85 including z groups and a partial final group', () => {
      assert.equal(decode(Buffer.from('9jqo^~>'), N('ASCII85Decode')).toString(), 'Man ');
      assert.deepEqual([...decode(Buffer.from('z~>'), N('ASCII85Decode'))], [0, 0, 0, 0]);
      assert.equal(decode(Buffer.from('<~87cURDZ~>'), N('ASCII85Decode')).toString(), 'Hello');
    });

    it('decodes RunLength data', () => {
      assert.equal(decode(Uint8Array.from([2, 0x61, 0x62, 0x63, 254, 0x7a, 128]), N('RunLengthDecode')).toString(), 'abczzz');
    });

    it('decodes LZW (the example of ISO 32000-1 §7.4.4.2)', () => {
      const raw = Uint8Array.from([0x80, 0x0b, 0x60, 0x50, 0x22, 0x0c, 0x0c, 0x85, 0x01]);
      assert.equal(decode(raw, N('LZWDecode')).toString(), '-----A---B');
    });

    it('applies a chain of filters in order', () => {
      const data = Buffer.from('chained');
      const hex = Buffer.from(deflateSync(data).toString('hex') + '>');
      assert.equal(decode(hex, [N('ASCIIHexDecode'), N('FlateDecode')], [null, null]).toString(), 'chained');
    });

    it('refuses image codecs with PDF_MALFORMED', () => {
      assert.throws(() => decode(Buffer.from('x'), N('DCTDecode')), (e) => isSignetError(e, 'PDF_MALFORMED'));
    });

    it('stops a decompression bomb with PDF_LIMIT_EXCEEDED', () => {
      const bomb = deflateSync(Buffer.alloc(4 << 20));
      assert.throws(() => decode(bomb, N('FlateDecode'), undefined, 1 << 20), (e) => isSignetError(e, 'PDF_LIMIT_EXCEEDED'));
    });
  });
});
