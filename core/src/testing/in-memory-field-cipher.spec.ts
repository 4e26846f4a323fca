import assert from 'node:assert/strict';
import { isSignetError } from '../errors.js';
import { InMemoryFieldCipher } from './in-memory-field-cipher.js';

describe('testing/InMemoryFieldCipher', () => {
  const c = new InMemoryFieldCipher(new Uint8Array(32).fill(7));

  it('round-trips a field with a fresh IV each time, never showing the plain text', () => {
    const a = c.encrypt('11010519491231002X', 'id_number');
    const b = c.encrypt('11010519491231002X', 'id_number');
    assert.notEqual(a, b);
    assert.ok(!a.includes('11010519491231002X'));
    assert.equal(c.decrypt(a, 'id_number'), '11010519491231002X');
  });

  it('binds a ciphertext to its field and key, and detects tampering (INTERNAL)', () => {
    const a = c.encrypt('13800138000', 'mobile');
    assert.throws(() => c.decrypt(a, 'id_number'), (e) => isSignetError(e, 'INTERNAL'));
    assert.throws(() => new InMemoryFieldCipher().decrypt(a, 'mobile'), (e) => isSignetError(e, 'INTERNAL'));
    const parts = a.split('.');
    const ct = Buffer.from(parts[2], 'base64url');
    ct[0] ^= 1;
    assert.throws(() => c.decrypt([parts[0], parts[1], ct.toString('base64url'), parts[3]].join('.'), 'mobile'), (e) => isSignetError(e, 'INTERNAL'));
    assert.throws(() => c.decrypt('garbage', 'mobile'), (e) => isSignetError(e, 'INTERNAL'));
  });

  it('makes a deterministic blind index per key and field', () => {
    assert.equal(c.blindIndex('13800138000', 'mobile'), c.blindIndex('13800138000', 'mobile'));
    assert.notEqual(c.blindIndex('13800138000', 'mobile'), c.blindIndex('13800138000', 'id_number'));
    assert.notEqual(c.blindIndex('13800138000', 'mobile'), new InMemoryFieldCipher().blindIndex('13800138000', 'mobile'));
  });
});
