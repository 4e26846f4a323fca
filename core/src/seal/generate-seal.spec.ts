import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { cjkFontBytes, qpdfCheck, repoRoot, requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { PdfReader } from '../pdf/reader.js';
import { mm, pathBounds, type Drawing } from './drawing.js';
import { drawingToPdfDocument } from './drawing-to-pdf.js';
import { drawingToSvg } from './drawing-to-svg.js';
import { defaultSealFor, generateSeal, type SealSpec } from './generate-seal.js';
import { roundSeal } from './round-seal.js';
import { personalSealText, squareSeal } from './square-seal.js';
import { formatStampDate } from './date-stamp.js';

const font = cjkFontBytes('bold');
const COMPANY = '上海示例科技有限公司';
const artifacts = join(repoRoot, 'test-artifacts', 'seal');

const isRed = (p: PNG, i: number) => p.data[i] > 170 && p.data[i + 1] < 110 && p.data[i + 2] < 110;
const isWhite = (p: PNG, i: number) => p.data[i] > 240 && p.data[i + 1] > 240 && p.data[i + 2] > 240;

describe('seal/generateSeal()', () => {
  it('draws a 42 mm round seal: ring, star and texts inside the circle, every glyph an outline (no font)', () => {
    const d = roundSeal({ font, name: COMPANY, sealType: '合同专用章', code: '3101150012345' });
    assert.ok(Math.abs(d.width - mm(42)) < 1e-9 && d.width === d.height);
    const [ink, marks] = d.paths;
    assert.equal(ink.paint.fillRule, 'evenodd', 'the border ring is an even-odd band');
    const [x1, y1, x2, y2] = pathBounds(ink);
    assert.ok(Math.abs(x1) < 0.01 && Math.abs(y1) < 0.01 && Math.abs(x2 - d.width) < 0.01 && Math.abs(y2 - d.height) < 0.01);
    // Every point of the texts and star lies inside the inner edge of the 1.2 mm border.
    const c = d.width / 2, inner = c - mm(1.2);
    for (let i = 0; i < marks.coords.length; i += 2) {
      assert.ok(Math.hypot(marks.coords[i] - c, marks.coords[i + 1] - c) < inner + 0.01, 'a glyph point crosses the border');
    }
    assert.ok(marks.ops.length > 500, 'the glyph outlines are there');
    assert.match(d.title!, /上海示例科技有限公司 合同专用章 3101150012345/);
  });

  it('dispatches on type and draws every shape with the default seal red', () => {
    const specs: SealSpec[] = [
      { type: 'round', font, name: COMPANY, sealType: '财务专用章' },
      { type: 'oval', font, name: COMPANY, taxNumber: '91310115MA1H7XXX3K' },
      { type: 'square', font, text: '张三之印', style: 'yin' },
      { type: 'date', font, date: new Date('2026-11-23T02:00:00Z') },
    ];
    const sizes = specs.map((s) => generateSeal(s)).map((d) => [Math.round(d.width / mm(1)), Math.round(d.height / mm(1))]);
    assert.deepEqual(sizes.slice(0, 3), [[42, 42], [40, 30], [18, 18]]);
    for (const s of specs) assert.deepEqual(generateSeal(s).paths[0].paint.fill, [0xe6 / 255, 0, 0x12 / 255]);
  });

  it('refuses an unknown type, a text too long for the seal and a character the font lacks, each saying what to do', () => {
    assert.throws(() => generateSeal({ type: 'star', font } as unknown as SealSpec), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /round, oval, square, date/.test(e.message));
    assert.throws(() => roundSeal({ font, name: '北京'.repeat(20) + '有限公司' }), (e) => isSignetError(e, 'SEAL_TEXT_TOO_LONG') && /at most \d+ fit/.test(e.message) && /larger seal size/.test(e.message));
    assert.throws(() => squareSeal({ font, text: '一二三四五六七八九十' }), (e) => isSignetError(e, 'SEAL_TEXT_TOO_LONG'));
    assert.throws(() => roundSeal({ font, name: '示例😀公司' }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /😀/.test(e.message));
    assert.throws(() => roundSeal({ font, name: COMPANY, color: 'reddish' }), (e) => isSignetError(e, 'INVALID_ARGUMENT') && /#rrggbb/.test(e.message));
    assert.throws(() => roundSeal({ font, name: COMPANY, diameter: 500 }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('makes the aged look from its seed: the same seed gives the same seal, another seed another', () => {
    const svg = (seed: number) => drawingToSvg(roundSeal({ font, name: COMPANY, sealType: '合同专用章', aged: { seed } }));
    assert.equal(svg(7), svg(7));
    assert.notEqual(svg(7), svg(8));
    assert.notEqual(svg(7), drawingToSvg(roundSeal({ font, name: COMPANY, sealType: '合同专用章' })));
  });

  it('names a personal seal as engravers do and gives each signer kind its default seal', () => {
    assert.equal(personalSealText('张三'), '张三之印');
    assert.equal(personalSealText('李小明'), '李小明印');
    assert.equal(personalSealText('欧阳小明'), '欧阳小明');
    assert.equal(defaultSealFor({ kind: 'person', name: '张三' }, { font }).title, '张三之印');
    assert.match(defaultSealFor({ kind: 'organization', name: COMPANY }, { font }).title!, /上海示例科技有限公司 合同专用章/);
  });

  it('dates a stamp by the China Standard Time calendar day', () => {
    const lateUtc = new Date('2026-11-22T17:30:00Z'); // 01:30 on the 23rd in Beijing
    assert.equal(formatStampDate(lateUtc), '2026.11.23');
    assert.equal(formatStampDate(lateUtc, 'cjk'), '2026年11月23日');
    assert.equal(formatStampDate(lateUtc, 'iso'), '2026-11-23');
  });

  it('writes a one-page PDF at the real size of the seal', () => {
    const d = roundSeal({ font, name: COMPANY, sealType: '合同专用章' });
    const r = PdfReader.load(drawingToPdfDocument(d, { margin: 10 }));
    assert.equal(r.pageCount(), 1);
    const [, , w, h] = r.getPage(0).mediaBox;
    assert.ok(Math.abs(w - (mm(42) + 20)) < 0.01 && Math.abs(h - (mm(42) + 20)) < 0.01);
  });

  describe('rendered by pdftoppm', () => {
    let dir: string;
    let cleanup: () => void;
    const DPI = 300, PX = DPI / 72, MARGIN = 10;
    before(function () {
      requireTool(this, 'pdftoppm', 'poppler-utils');
      requireTool(this, 'qpdf', 'qpdf');
      ({ dir, cleanup } = tempDir('signet-seal-'));
      mkdirSync(artifacts, { recursive: true });
    });
    after(() => cleanup?.());

    const render = (name: string, d: Drawing): PNG => {
      const file = join(dir, `${name}.pdf`);
      writeFileSync(file, drawingToPdfDocument(d, { margin: MARGIN }));
      const q = qpdfCheck(file);
      assert.ok(q.clean, q.output);
      const r = run('pdftoppm', ['-r', String(DPI), '-png', '-singlefile', file, join(dir, name)]);
      assert.equal(r.status, 0, r.stderr);
      const png = readFileSync(join(dir, `${name}.png`));
      writeFileSync(join(artifacts, `${name}.png`), png);
      return PNG.sync.read(png);
    };
    /** Pixel index of a point given in the drawing's own coordinates (points, y up). */
    const at = (p: PNG, d: Drawing, x: number, y: number) => (Math.round((MARGIN + d.height - y) * PX) * p.width + Math.round((MARGIN + x) * PX)) * 4;

    it('a round company seal is a red ring all round with a red star at the centre and nothing red outside', () => {
      const d = roundSeal({ font, name: COMPANY, sealType: '合同专用章', code: '3101150012345' });
      const p = render('round-contract-seal', d);
      const c = d.width / 2, ring = c - mm(0.6);
      for (let a = 0; a < 360; a += 10) {
        const t = (a * Math.PI) / 180;
        assert.ok(isRed(p, at(p, d, c + ring * Math.cos(t), c + ring * Math.sin(t))), `the ring at ${a}°`);
      }
      assert.ok(isRed(p, at(p, d, c, c)), 'the star at the centre');
      let outside = 0, inside = 0;
      for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) {
        const i = (y * p.width + x) * 4;
        if (!isRed(p, i)) continue;
        const r = Math.hypot(x / PX - MARGIN - c, y / PX - MARGIN - c);
        if (r > c + 0.5) outside++;
        else inside++;
      }
      assert.equal(outside, 0);
      assert.ok(inside > 20_000, `${inside} red pixels`);
    });

    it('the other shapes render red where their ink is', () => {
      const oval = generateSeal({ type: 'oval', font, name: COMPANY, taxNumber: '91310115MA1H7XXX3K' });
      const po = render('oval-invoice-seal', oval);
      const px = (i: number) => [...po.data.subarray(i, i + 3)].join(',');
      assert.ok(isRed(po, at(po, oval, mm(0.5), oval.height / 2)), px(at(po, oval, mm(0.5), oval.height / 2)));
      assert.ok(isRed(po, at(po, oval, oval.width / 2, oval.height - mm(0.5))), px(at(po, oval, oval.width / 2, oval.height - mm(0.5))));
      const yin = generateSeal({ type: 'square', font, text: '张三之印', style: 'yin', innerBorder: true });
      const py = render('square-personal-seal-yin', yin);
      // 阴文: a red square with white characters.
      assert.ok(isRed(py, at(py, yin, mm(0.4), yin.height / 2)));
      let white = 0;
      for (let i = 0; i < 400; i++) if (isWhite(py, at(py, yin, mm(3) + (i % 20) * mm(0.6), mm(3) + Math.floor(i / 20) * mm(0.6)))) white++;
      assert.ok(white > 60 && white < 340, `${white} of 400 samples white`);
      const yang = generateSeal({ type: 'square', font, text: '李小明印' });
      const pg = render('square-personal-seal-yang', yang);
      assert.ok(isRed(pg, at(pg, yang, mm(0.5), yang.height / 2)) && isWhite(pg, at(pg, yang, mm(1.5), mm(1.5))));
      render('date-stamp', generateSeal({ type: 'date', font, date: new Date('2026-11-23T02:00:00Z') }));
      render('round-date-seal', generateSeal({ type: 'date', font, date: new Date('2026-11-23T02:00:00Z'), shape: 'round', text: COMPANY, bottomText: '收讫' }));
      render('round-seal-aged', roundSeal({ font, name: '北京某某信息技术股份有限公司', sealType: '财务专用章', aged: { seed: 7 } }));
    });
  });
});
