import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { checkPasswordStrength, DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword } from './password-hash.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('identity/password-hash', () => {
  it('hashes with scrypt at the default cost N=2^15, r=8, p=1 and verifies the right password only', async () => {
    const h = await hashPassword('Correct horse 1');
    assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('Correct horse 1', h), true);
    assert.equal(await verifyPassword('Correct horse 2', h), false);
    assert.equal(needsRehash(h), false);
    assert.deepEqual(DEFAULT_SCRYPT_PARAMS, { N: 32768, r: 8, p: 1 });
  });

  it('salts each hash: the same password hashes differently every time', async () => {
    const a = await hashPassword('135790', FAST);
    const b = await hashPassword('135790', FAST);
    assert.notEqual(a, b);
    assert.notEqual(a.split('$')[4], b.split('$')[4]);
    assert.equal(await verifyPassword('135790', a), true);
    assert.equal(await verifyPassword('135790', b), true);
  });

  it('verifies a hash made with other parameters and says it needs a rehash', async () => {
    const h = await hashPassword('135790', FAST);
    assert.equal(await verifyPassword('135790', h), true);
    assert.equal(needsRehash(h), true);
    assert.equal(needsRehash(h, FAST), false);
  });

  it('treats NFKC-equivalent passwords alike (full-width digits from a CJK keyboard)', async () => {
    const h = await hashPassword('135790', FAST);
    assert.equal(await verifyPassword('１３５７９０', h), true);
  });

  it('refuses a malformed stored hash with INTERNAL', async () => {
    await assert.rejects(verifyPassword('x', 'plain-text'), (e) => isSignetError(e, 'INTERNAL'));
    await assert.rejects(verifyPassword('x', 'scrypt$0$8$1$abc$def'), (e) => isSignetError(e, 'INTERNAL'));
  });

  describe('checkPasswordStrength()', () => {
    it('accepts a 6-digit signing password that is neither repeated nor a run', () => {
      for (const p of ['135790', '246813', '902817']) assert.equal(checkPasswordStrength(p, 'signing'), undefined, p);
    });

    it('refuses short, repeated and consecutive signing passwords', () => {
      for (const p of ['12345', '111111', '123456', '654321', '890123', '']) assert.ok(checkPasswordStrength(p, 'signing'), p);
    });

    it('needs 8 characters of two kinds for a login password', () => {
      assert.equal(checkPasswordStrength('Signet@2026', 'login'), undefined);
      assert.equal(checkPasswordStrength('abcd1234', 'login'), undefined);
      assert.match(checkPasswordStrength('abcdefgh', 'login')!, /two of letters, digits and symbols/);
      assert.match(checkPasswordStrength('Ab1', 'login')!, /8 to 64/);
      assert.ok(checkPasswordStrength('a1'.repeat(33), 'login'));
    });
  });
});
