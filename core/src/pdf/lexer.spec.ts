import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { Lexer, MAX_NESTING, parseObject } from './lexer.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString } from './objects.js';

const text = (s: unknown) => Buffer.from((s as PdfString).bytes).toString('latin1');

describe('pdf/lexer', () => {
  describe('parseObject()', () => {
    it('reads every number form PDF allows', () => {
      assert.equal(parseObject('123'), 123);
      assert.equal(parseObject('+17'), 17);
      assert.equal(parseObject('-98'), -98);
      assert.equal(parseObject('34.5'), 34.5);
      assert.equal(parseObject('-3.62'), -3.62);
      assert.equal(parseObject('+.5'), 0.5);
      assert.equal(parseObject('-3.'), -3);
      assert.equal(parseObject('.002'), 0.002);
      assert.equal(parseObject('0.0'), 0);
    });

    it('reads references, and numbers that only look like the start of one', () => {
      assert.equal(parseObject('12 0 R'), PdfRef.of(12, 0));
      assert.deepEqual(parseObject('[1 2 R 3 4 5]'), [PdfRef.of(1, 2), 3, 4, 5]);
      assert.deepEqual(parseObject('[1 2]'), [1, 2]);
      assert.deepEqual(parseObject('[1 2 RG]'.replace('RG', '/RG')), [1, 2, PdfName.of('RG')]);
    });

    it('decodes #xx escapes in names', () => {
      assert.equal(parseObject('/A#20B'), PdfName.of('A B'));
      assert.equal(parseObject('/Lime#20Green'), PdfName.of('Lime Green'));
      assert.equal(parseObject('/paired#28#29parentheses'), PdfName.of('paired()parentheses'));
      assert.equal(parseObject('/'), PdfName.of(''));
    });

    it('decodes literal string escapes, octal, nested parentheses and line continuations', () => {
      assert.equal(text(parseObject('(a\\nb\\r\\t\\b\\f\\(\\)\\\\)')), 'a\nb\r\t\b\f()\\');
      assert.equal(text(parseObject('(\\101\\0537\\7)')), 'A+7\x07');
      assert.equal(text(parseObject('(outer (inner) end)')), 'outer (inner) end');
      assert.equal(text(parseObject('(split \\\r\nline \\\nagain)')), 'split line again');
      assert.equal(text(parseObject('(raw\r\nEOL\rhere)')), 'raw\nEOL\nhere');
      assert.equal(text(parseObject('(unknown \\q escape)')), 'unknown q escape');
    });

    it('decodes hex strings with white-space and an odd final digit', () => {
      const s = parseObject('<48 65\n6C6C 6F7>') as PdfString;
      assert.equal(s.hex, true);
      assert.deepEqual([...s.bytes], [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x70]);
      assert.equal((parseObject('<>') as PdfString).bytes.length, 0);
    });

    it('reads dictionaries and arrays with comments between tokens', () => {
      const d = parseObject('<< /Type /Page % a comment\n /Kids [1 0 R %c\n 2 0 R] /Open true /X null /Empty <<>> >>') as PdfDict;
      assert.equal(d.getName('Type'), 'Page');
      assert.deepEqual(d.getArray('Kids'), [PdfRef.of(1), PdfRef.of(2)]);
      assert.equal(d.get('Open'), true);
      assert.equal(d.get('X'), null);
      assert.equal(d.getDict('Empty')?.keys().length, 0);
    });

    it('needs no white-space between delimiters', () => {
      const d = parseObject('<</A[/B(c)<64>]/E<</F 1>>>>') as PdfDict;
      const a = d.getArray('A')!;
      assert.equal(a[0], PdfName.of('B'));
      assert.equal(text(a[1]), 'c');
      assert.equal(text(a[2]), 'd');
      assert.equal(d.getDict('E')?.getNumber('F'), 1);
    });

    it('stops runaway nesting with PDF_LIMIT_EXCEEDED', () => {
      const deep = '['.repeat(MAX_NESTING + 10) + ']'.repeat(MAX_NESTING + 10);
      assert.throws(() => parseObject(deep), (e) => isSignetError(e, 'PDF_LIMIT_EXCEEDED'));
    });

    it('reports unclosed or unknown syntax as PDF_MALFORMED', () => {
      for (const bad of ['(unclosed', '<414', '[1 2', '<< /A 1', 'bogus', '<< 1 2 >>']) {
        assert.throws(() => parseObject(bad), (e) => isSignetError(e, 'PDF_MALFORMED'), bad);
      }
    });
  });

  describe('.parseIndirectObject()', () => {
    it('reads a stream using a direct /Length', () => {
      const src = Buffer.from('7 0 obj\n<< /Length 5 >>\nstream\r\nhello\r\nendstream\nendobj\n');
      const io = new Lexer(src).parseIndirectObject()!;
      assert.equal(io.num, 7);
      assert.equal(io.gen, 0);
      assert.equal(Buffer.from((io.obj as PdfStream).raw).toString(), 'hello');
      assert.equal(src.toString('latin1', io.end - 6, io.end), 'endobj');
    });

    it('reads a stream with an indirect /Length through the hook', () => {
      const src = Buffer.from('7 0 obj << /Length 8 0 R >> stream\nabc\nendstream endobj');
      const io = new Lexer(src, 0, { resolveLength: (r) => (r.num === 8 ? 3 : undefined) }).parseIndirectObject()!;
      assert.equal(Buffer.from((io.obj as PdfStream).raw).toString(), 'abc');
    });

    it('falls back to the endstream keyword when /Length is wrong or unresolvable', () => {
      for (const len of ['2', '999', '9 0 R']) {
        const src = Buffer.from(`1 0 obj << /Length ${len} >> stream\nbinary data\nendstream endobj`);
        const io = new Lexer(src).parseIndirectObject()!;
        assert.equal(Buffer.from((io.obj as PdfStream).raw).toString(), 'binary data', len);
      }
    });

    it('returns undefined when the bytes are not an object header', () => {
      assert.equal(new Lexer(Buffer.from('xref\n0 1')).parseIndirectObject(), undefined);
      assert.equal(new Lexer(Buffer.from('1 0 R')).parseIndirectObject(), undefined);
    });
  });
});
