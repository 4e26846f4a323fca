import assert from 'node:assert/strict';
import { createCipheriv, getCiphers, randomBytes } from 'node:crypto';
import { isSignetError, sampleIdCardNumber } from '@signet/core';
import { MasterKey } from './master-key.js';
import { Sm4FieldCipher } from './sm4-field-cipher.js';

describe('storage/Sm4FieldCipher', () => {
  const master = MasterKey.load('/nonexistent', randomBytes(32).toString('base64'));
  const cipher = new Sm4FieldCipher(master);
  const id = sampleIdCardNumber(7);

  it('runs on node:crypto\'s SM4, which matches the GB/T 32907-2016 Appendix A example', () => {
    assert.ok(getCiphers().includes('sm4-cbc'));
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-ecb', k, null).setAutoPadding(false);
    assert.equal(Buffer.concat([c.update(k), c.final()]).toString('hex'), '681edf34d206965e86b3e94f536e4246');
  });

  it('decrypts what it encrypted, for ASCII and Chinese values', () => {
    for (const v of [id, '6222021234567890128', '张三 上海市浦东新区', '']) {
      assert.equal(cipher.decrypt(cipher.encrypt(v, 'idNumber'), 'idNumber'), v);
    }
  });

  it('gives ciphertexts that do not contain the plaintext, in any encoding', () => {
    const c = cipher.encrypt(id, 'idNumber');
    assert.match(c, /^sm4:1:[A-Za-z0-9_-]+$/);
    const raw = Buffer.from(c.slice(6), 'base64url');
    for (const needle of [id, id.slice(6, 14), id.slice(-6)]) {
      assert.ok(!c.includes(needle));
      assert.equal(raw.indexOf(Buffer.from(needle)), -1);
    }
  });

  it('gives different ciphertexts but the same blind index for the same plaintext', () => {
    const a = cipher.encrypt(id, 'idNumber');
    const b = cipher.encrypt(id, 'idNumber');
    assert.notEqual(a, b);
    assert.equal(cipher.blindIndex(id, 'idNumber'), cipher.blindIndex(id, 'idNumber'));
    assert.match(cipher.blindIndex(id, 'idNumber'), /^[0-9a-f]{64}$/);
    assert.notEqual(cipher.blindIndex(id, 'idNumber'), cipher.blindIndex(sampleIdCardNumber(8), 'idNumber'));
    assert.notEqual(cipher.blindIndex(id, 'idNumber'), cipher.blindIndex(id, 'bankCard'), 'per-field keys');
    const other = new Sm4FieldCipher(MasterKey.load('/nonexistent', randomBytes(32).toString('base64')));
    assert.notEqual(other.blindIndex(id, 'idNumber'), cipher.blindIndex(id, 'idNumber'), 'keyed by the master key');
  });

  it('detects tampering, a ciphertext moved to another field, and another master key (INTERNAL)', () => {
    const c = cipher.encrypt(id, 'idNumber');
    const raw = Buffer.from(c.slice(6), 'base64url');
    const failed = (e: unknown) => isSignetError(e, 'INTERNAL') && /integrity check/.test(e.message);
    for (const at of [0, 17, raw.length - 1]) {
      const bad = Buffer.from(raw);
      bad[at] ^= 0x01;
      assert.throws(() => cipher.decrypt(`sm4:1:${bad.toString('base64url')}`, 'idNumber'), failed, `byte ${at}`);
    }
    assert.throws(() => cipher.decrypt(`sm4:1:${raw.subarray(0, raw.length - 16).toString('base64url')}`, 'idNumber'), failed);
    assert.throws(() => cipher.decrypt(c, 'bankCard'), failed);
    assert.throws(() => cipher.decrypt(id, 'idNumber'), failed);
    const other = new Sm4FieldCipher(MasterKey.load('/nonexistent', randomBytes(32).toString('base64')));
    assert.throws(() => other.decrypt(c, 'idNumber'), failed);
  });
});
