import assert from 'node:assert/strict';
import { sampleUscc } from './samples.js';
import { usccCheckChar, validateUscc } from './uscc.js';

describe('identity/uscc', () => {
  describe('validateUscc()', () => {
    it('accepts the GB 32100-2015 example 91350100M000100Y43', () => {
      assert.deepEqual(validateUscc('91350100M000100Y43'), { ok: true });
    });

    it('accepts lower case and surrounding spaces', () => {
      assert.equal(validateUscc(' 91350100m000100y43 ').ok, true);
    });

    it('computes 0 when 31 - (sum mod 31) is 31', () => {
      // Find a body whose weighted sum is a multiple of 31 and check its code ends in 0.
      for (let n = 0; n < 1000; n++) {
        const body = `91110108${String(n).padStart(9, '0')}`;
        if (usccCheckChar(body) === '0') {
          assert.equal(validateUscc(`${body}0`).ok, true);
          return;
        }
      }
      assert.fail('no body with check character 0 found');
    });

    it('rejects a wrong check character', () => {
      const r = validateUscc('91350100M000100Y44');
      assert.equal(r.ok, false);
      assert.match(r.reason!, /check character/);
    });

    it('rejects the letters I, O, Z, S and V', () => {
      for (const c of 'IOZSV') {
        const r = validateUscc(`91350100M000100${c}43`);
        assert.equal(r.ok, false);
        assert.match(r.reason!, new RegExp(`"${c}"`));
      }
    });

    it('rejects a non-numeric administrative division code', () => {
      const body = '9135A100M000100Y4';
      const r = validateUscc(body + usccCheckChar(body));
      assert.equal(r.ok, false);
      assert.match(r.reason!, /division/);
    });

    it('rejects wrong lengths', () => {
      assert.equal(validateUscc('91350100M000100Y4').ok, false);
      assert.equal(validateUscc('91350100M000100Y433').ok, false);
      assert.equal(validateUscc('').ok, false);
    });

    it('rejects every single-character typo of a valid code', () => {
      const code = sampleUscc(5);
      for (let i = 0; i < 18; i++) {
        const c = code[i] === '1' ? '2' : '1';
        assert.equal(validateUscc(code.slice(0, i) + c + code.slice(i + 1)).ok, false, `typo at position ${i + 1}`);
      }
    });
  });

  describe('sampleUscc()', () => {
    it('generates valid, deterministic codes', () => {
      for (let seed = 0; seed < 200; seed++) assert.equal(validateUscc(sampleUscc(seed)).ok, true, `seed ${seed}`);
      assert.equal(sampleUscc(9), sampleUscc(9));
      assert.notEqual(sampleUscc(9), sampleUscc(10));
    });
  });
});
