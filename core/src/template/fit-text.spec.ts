import assert from 'node:assert/strict';
import { cjkFontBytes } from '@signet/test-support';
import { FontProgram } from '../font/font-program.js';
import { fitText, type FitTextOptions } from './fit-text.js';

const program = FontProgram.load(cjkFontBytes());
const box = (o: Partial<FitTextOptions>): FitTextOptions => ({
  width: 200, height: 20, fontSize: 12, minFontSize: 6, multiline: false, lineHeight: 1.3, align: 'left', ...o,
});

describe('template/fitText()', () => {
  it('keeps the preferred size when the text fits, vertically centred', () => {
    const f = fitText(program, '张三', box({}))!;
    assert.equal(f.size, 12);
    assert.equal(f.lines.length, 1);
    assert.equal(f.lines[0].x, 2);
    // The ideographic em box (0.88 up, 0.12 down) is centred in the 18 pt between the paddings.
    assert.ok(Math.abs(f.lines[0].y - (1 + (18 - 12) / 2 + 0.12 * 12)) < 1e-9, String(f.lines[0].y));
  });

  it('shrinks a single line to fit the width, and fails below the minimum size', () => {
    const text = '上海市浦东新区张江高科技园区科苑路八十八号';
    const f = fitText(program, text, box({}))!;
    assert.ok(f.size < 12 && f.size >= 6, String(f.size));
    assert.ok(f.lines[0].width <= 196 + 1e-9);
    assert.equal(fitText(program, text.repeat(3), box({})), undefined);
  });

  it('aligns right and centre inside the paddings', () => {
    const right = fitText(program, '12,500.00', box({ align: 'right' }))!;
    assert.ok(Math.abs(right.lines[0].x + right.lines[0].width - 198) < 1e-9);
    const centre = fitText(program, '12,500.00', box({ align: 'center' }))!;
    assert.ok(Math.abs(centre.lines[0].x + centre.lines[0].width / 2 - 100) < 1e-9);
  });

  it('wraps CJK between characters and Latin between words, never starting a line with closing punctuation', () => {
    const text = '乙方应遵守甲方依法制定的规章制度，服从管理。The employee follows the handbook.';
    const f = fitText(program, text, box({ width: 120, height: 100, multiline: true }))!;
    assert.equal(f.size, 12);
    assert.ok(f.lines.length >= 4, JSON.stringify(f.lines.map((l) => l.text)));
    assert.equal(f.lines.map((l) => l.text).join('').replace(/ /g, ''), text.replace(/ /g, ''));
    for (const l of f.lines) {
      assert.ok(l.width <= 116 + 1e-9, l.text);
      assert.doesNotMatch(l.text, /^[，。]/);
    }
    assert.ok(f.lines.some((l) => /\bemployee\b/.test(l.text)), 'a word is not broken when it fits a line');
    // Lines go down the box from the top.
    for (let i = 1; i < f.lines.length; i++) assert.ok(Math.abs(f.lines[i - 1].y - f.lines[i].y - 12 * 1.3) < 1e-9);
  });

  it('keeps explicit line breaks and shrinks a multiline value until every line fits the height', () => {
    const text = Array.from({ length: 8 }, (_, i) => `第${i + 1}行`).join('\n');
    const f = fitText(program, text, box({ width: 200, height: 80, multiline: true }))!;
    assert.equal(f.lines.length, 8);
    assert.ok(f.size < 12);
    const lowest = f.lines[7].y - 0.12 * f.size;
    assert.ok(lowest >= 1 - 1e-9, `the last line stays inside: ${lowest}`);
    assert.equal(fitText(program, text.repeat(10), box({ width: 200, height: 80, multiline: true })), undefined);
  });
});
