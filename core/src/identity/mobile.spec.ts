import assert from 'node:assert/strict';
import { validateMobile } from './mobile.js';
import { sampleMobile } from './samples.js';

describe('identity/mobile', () => {
  describe('validateMobile()', () => {
    it('accepts 11 digits starting 13 to 19 and strips spaces, dashes and a +86 prefix', () => {
      assert.deepEqual(validateMobile('13800138000'), { ok: true, mobile: '13800138000' });
      assert.equal(validateMobile('+86 138-0013-8000').mobile, '13800138000');
      assert.equal(validateMobile('0086 19912345678').mobile, '19912345678');
      assert.equal(validateMobile('8613800138000').mobile, '13800138000');
    });

    it('rejects wrong lengths, prefixes 10-12 and non-digits without echoing the number', () => {
      for (const bad of ['', '1380013800', '138001380001', '12800138000', '10800138000', '1380013800a', '23800138000']) {
        const r = validateMobile(bad);
        assert.equal(r.ok, false, bad);
        if (bad) assert.ok(!r.reason!.includes(bad));
      }
    });
  });

  describe('sampleMobile()', () => {
    it('generates valid deterministic numbers and honours lastDigit', () => {
      for (let seed = 0; seed < 100; seed++) assert.equal(validateMobile(sampleMobile(seed)).ok, true, `seed ${seed}`);
      assert.equal(sampleMobile(3), sampleMobile(3));
      assert.ok(sampleMobile(3, { lastDigit: 4 }).endsWith('4'));
    });
  });
});
