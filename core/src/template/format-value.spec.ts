import assert from 'node:assert/strict';
import { formatDate, formatNumberValue, parseDecimal, parseIsoDate, rmbUpper, roundDecimal } from './format-value.js';

const dec = (v: string | number) => {
  const d = parseDecimal(v);
  assert.ok(d, `parses ${v}`);
  return d;
};

describe('template/format-value', () => {
  describe('parseIsoDate() and formatDate()', () => {
    it('accepts real calendar dates only, leap days included', () => {
      assert.deepEqual(parseIsoDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
      for (const bad of ['2025-02-29', '2026-13-01', '2026-04-31', '2026-1-5', '05/01/2026', '2026-01-05T00:00:00Z', '']) {
        assert.equal(parseIsoDate(bad), undefined, bad);
      }
    });

    it('writes the default Chinese form and custom token formats', () => {
      const d = parseIsoDate('2026-01-05')!;
      assert.equal(formatDate(d), '2026年01月05日');
      assert.equal(formatDate(d, 'YYYY年M月D日'), '2026年1月5日');
      assert.equal(formatDate(d, 'DD/MM/YYYY'), '05/01/2026');
    });
  });

  describe('numbers', () => {
    it('parses JSON numbers and decimal strings exactly, and refuses separators and exponents in strings', () => {
      assert.deepEqual(dec('0012500.50'), { negative: false, int: '12500', frac: '5' });
      assert.deepEqual(dec(-3), { negative: true, int: '3', frac: '' });
      assert.deepEqual(dec(1e-7), { negative: false, int: '0', frac: '0000001' });
      for (const bad of ['12,500', '1e5', 'abc', '', '1.2.3', NaN, Infinity, true, null]) assert.equal(parseDecimal(bad), undefined, String(bad));
    });

    it('rounds half away from zero on the digits, without binary floating-point errors', () => {
      assert.deepEqual(roundDecimal(dec('1.005'), 2), { negative: false, int: '1', frac: '01' });
      assert.deepEqual(roundDecimal(dec('9.995'), 2), { negative: false, int: '10', frac: '00' });
      assert.deepEqual(roundDecimal(dec('-0.004'), 2), { negative: false, int: '0', frac: '00' });
    });

    it('formats decimals, thousands separators, prefix and suffix', () => {
      assert.equal(formatNumberValue(dec('1234567.891'), { decimals: 2, thousands: true, prefix: '¥' }), '¥1,234,567.89');
      assert.equal(formatNumberValue(dec(1234567), { thousands: ' ', suffix: ' 元' }), '1 234 567 元');
      assert.equal(formatNumberValue(dec('-42.5'), { decimals: 0 }), '-43');
      assert.equal(formatNumberValue(dec('3'), {}), '3');
    });
  });

  describe('rmbUpper()', () => {
    const cases: [string, string][] = [
      ['0', '零元整'],
      ['0.05', '伍分'],
      ['0.5', '伍角'],
      ['12.3', '壹拾贰元叁角'],
      ['1000.05', '壹仟元零伍分'],
      ['1050', '壹仟零伍拾元整'],
      ['10000', '壹万元整'],
      ['10500', '壹万零伍佰元整'],
      ['12500', '壹万贰仟伍佰元整'],
      ['100010', '壹拾万零壹拾元整'],
      ['100000001', '壹亿零壹元整'],
      ['1234567890.12', '壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分'],
      ['-8.888', '负捌元捌角玖分'],
    ];
    for (const [input, want] of cases) {
      it(`writes ${input} as ${want}`, () => assert.equal(rmbUpper(dec(input)), want));
    }

    it('refuses amounts of 10^16 yuan or more', () => {
      assert.throws(() => rmbUpper(dec('10000000000000000')), RangeError);
    });
  });
});
