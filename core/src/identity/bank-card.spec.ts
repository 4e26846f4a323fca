import assert from 'node:assert/strict';
import { luhnCheckDigit, validateBankCard } from './bank-card.js';
import { sampleBankCard } from './samples.js';

describe('identity/bank-card', () => {
  describe('luhnCheckDigit()', () => {
    it('computes the ISO/IEC 7812-1 Annex B check digit of known numbers', () => {
      assert.equal(luhnCheckDigit('7992739871'), '3'); // the textbook example 79927398713
      assert.equal(luhnCheckDigit('453201511283036'), '6');
      assert.equal(luhnCheckDigit('621700000000000000'), '4');
    });
  });

  describe('validateBankCard()', () => {
    it('accepts a Luhn-valid card of 16 and 19 digits, ignoring spaces', () => {
      assert.deepEqual(validateBankCard('4532 0151 1283 0366'), { ok: true, cardNumber: '4532015112830366' });
      assert.equal(validateBankCard('6217000000000000004').ok, true);
    });

    it('rejects every single-digit typo of a valid card', () => {
      const card = sampleBankCard(11);
      for (let i = 0; i < card.length; i++) {
        const typo = card.slice(0, i) + String((Number(card[i]) + 1) % 10) + card.slice(i + 1);
        assert.equal(validateBankCard(typo).ok, false, `typo at position ${i + 1}`);
      }
    });

    it('rejects fewer than 12 or more than 19 digits and non-digits, without echoing the number', () => {
      const long = sampleBankCard(1, { length: 19 }) + '0';
      for (const bad of ['', '12345678903', long, '62170000000000000A4']) {
        const r = validateBankCard(bad);
        assert.equal(r.ok, false, bad);
        if (bad) assert.ok(!r.reason!.includes(bad));
      }
      assert.match(validateBankCard('6217000000000000003').reason!, /check digit/);
    });
  });

  describe('sampleBankCard()', () => {
    it('generates valid deterministic cards and honours digitBeforeCheck', () => {
      for (let seed = 0; seed < 100; seed++) {
        assert.equal(validateBankCard(sampleBankCard(seed)).ok, true, `seed ${seed}`);
        assert.equal(validateBankCard(sampleBankCard(seed, { length: 16 })).ok, true, `seed ${seed}, 16 digits`);
      }
      const c = sampleBankCard(5, { digitBeforeCheck: 4 });
      assert.equal(c[c.length - 2], '4');
      assert.equal(validateBankCard(c).ok, true);
    });
  });
});
