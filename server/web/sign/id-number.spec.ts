import assert from 'node:assert/strict';
import { sampleIdCardNumber } from '@signet/core';
import { isValidIdNumber, normalizeIdNumber } from './id-number.js';

describe('the signer page\'s ID number check (GB 11643)', () => {
  it('accepts numbers with the right check character, whatever their spacing and the case of X', () => {
    assert.equal(isValidIdNumber('11010519491231002X'), true);
    assert.equal(isValidIdNumber('110105 19491231 002x'), true);
    for (let n = 1; n < 40; n++) assert.equal(isValidIdNumber(sampleIdCardNumber(n)), true, sampleIdCardNumber(n));
    assert.equal(normalizeIdNumber(' 11010519491231002x '), '11010519491231002X');
  });

  it('refuses a wrong check character, a wrong length and letters', () => {
    assert.equal(isValidIdNumber('110105194912310021'), false);
    assert.equal(isValidIdNumber('11010519491231002'), false);
    assert.equal(isValidIdNumber('1101051949123100AX'), false);
    assert.equal(isValidIdNumber(''), false);
  });
});
