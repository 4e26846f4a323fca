import assert from 'node:assert/strict';
import { idCardCheckChar, maskIdCardNumber, validateIdCardNumber } from './id-card.js';
import { sampleIdCardNumber } from './samples.js';

describe('identity/id-card', () => {
  describe('validateIdCardNumber()', () => {
    it('accepts the GB 11643-1999 example 11010519491231002X and reads birth date and gender', () => {
      assert.deepEqual(validateIdCardNumber('11010519491231002X'), { ok: true, birthDate: '1949-12-31', gender: 'F' });
    });

    it('accepts a lower-case x check character and surrounding spaces', () => {
      assert.equal(validateIdCardNumber(' 11010519491231002x ').ok, true);
    });

    it('reads an odd sequence code as male', () => {
      const id = sampleIdCardNumber(3, { gender: 'M', birthDate: '1985-06-15' });
      assert.deepEqual(validateIdCardNumber(id), { ok: true, birthDate: '1985-06-15', gender: 'M' });
    });

    it('rejects a wrong check digit', () => {
      const r = validateIdCardNumber('110105194912310021');
      assert.equal(r.ok, false);
      assert.match(r.reason!, /check digit/);
    });

    it('rejects every single-digit typo of a valid number', () => {
      const id = sampleIdCardNumber(7);
      for (let i = 0; i < 17; i++) {
        const typo = id.slice(0, i) + String((Number(id[i]) + 1) % 10) + id.slice(i + 1);
        assert.equal(validateIdCardNumber(typo).ok, false, `typo at position ${i + 1}`);
      }
    });

    it('rejects an impossible birth date even with a correct check digit', () => {
      const body = '11010519990230123';
      const r = validateIdCardNumber(body + idCardCheckChar(body));
      assert.equal(r.ok, false);
      assert.match(r.reason!, /birth date/);
    });

    it('rejects an address code whose province is not in GB/T 2260, or whose county part is 0000', () => {
      for (const prefix of ['000000', '100105', '190105', '991234', '110000']) {
        const body = `${prefix}19800101123`;
        const r = validateIdCardNumber(body + idCardCheckChar(body));
        assert.equal(r.ok, false, prefix);
        assert.match(r.reason!, /address code/);
      }
      for (const prefix of ['110105', '650102', '810000'.replace('0000', '0101'), '830101']) {
        const body = `${prefix}19800101123`;
        assert.equal(validateIdCardNumber(body + idCardCheckChar(body)).ok, true, prefix);
      }
    });

    it('rejects a birth date in the future', () => {
      const body = '11010520990101123';
      const r = validateIdCardNumber(body + idCardCheckChar(body), { today: new Date('2025-01-01') });
      assert.equal(r.ok, false);
      assert.match(r.reason!, /future/);
    });

    it('rejects wrong lengths and characters without echoing the number', () => {
      for (const bad of ['', '1101051949123100', '11010519491231002X1', '1101051949123100AX', '11010519491231X02X']) {
        const r = validateIdCardNumber(bad);
        assert.equal(r.ok, false, bad);
        if (bad) assert.ok(!r.reason!.includes(bad));
      }
    });
  });

  describe('maskIdCardNumber()', () => {
    it('keeps the first and last four characters', () => {
      assert.equal(maskIdCardNumber('11010519491231002X'), '1101**********002X');
    });

    it('masks short input all but the last character', () => {
      assert.equal(maskIdCardNumber('12345'), '****5');
    });
  });

  describe('sampleIdCardNumber()', () => {
    it('generates valid, deterministic numbers', () => {
      for (let seed = 0; seed < 200; seed++) assert.equal(validateIdCardNumber(sampleIdCardNumber(seed)).ok, true, `seed ${seed}`);
      assert.equal(sampleIdCardNumber(42), sampleIdCardNumber(42));
      assert.notEqual(sampleIdCardNumber(42), sampleIdCardNumber(43));
    });

    it('honours sequenceLastDigit', () => {
      for (let seed = 0; seed < 30; seed++) {
        const id = sampleIdCardNumber(seed, { sequenceLastDigit: 4 });
        assert.equal(id[16], '4');
        assert.equal(validateIdCardNumber(id).ok, true);
      }
    });

    it('honours the requested gender', () => {
      for (let seed = 0; seed < 50; seed++) {
        assert.equal(validateIdCardNumber(sampleIdCardNumber(seed, { gender: 'F' })).gender, 'F');
        assert.equal(validateIdCardNumber(sampleIdCardNumber(seed, { gender: 'M' })).gender, 'M');
      }
    });
  });
});
