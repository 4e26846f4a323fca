import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { isSignetError } from '@signet/core';
import { larkDecrypt, larkEncrypt, larkSignature, verifyLarkSignature } from './lark-crypto.js';

describe('lark/lark-crypto', () => {
  const key = 'kudryavka_encrypt_key';

  describe('larkEncrypt() / larkDecrypt()', () => {
    it('encrypts so that the Lark SDK\'s own AESCipher decrypts it, and decrypts what the SDK\'s scheme produces', () => {
      const event = JSON.stringify({ uuid: 'e1', event: { type: 'approval_instance', status: 'APPROVED', instance_code: '审批-1' } });
      const enc = larkEncrypt(event, key);
      assert.equal(new lark.AESCipher(key).decrypt(enc), event);
      assert.equal(larkDecrypt(enc, key), event);
    });

    it('puts a fresh random IV first, so the same event never encrypts twice the same', () => {
      const a = Buffer.from(larkEncrypt('{}', key), 'base64');
      const b = Buffer.from(larkEncrypt('{}', key), 'base64');
      assert.notDeepEqual(a.subarray(0, 16), b.subarray(0, 16));
      assert.equal(a.length % 16, 0);
    });

    it('refuses a ciphertext under another key, or that is no ciphertext at all, with OA_EVENT_INVALID', () => {
      const enc = larkEncrypt('{"a":1}', key);
      for (const bad of [() => larkDecrypt(enc, 'other'), () => larkDecrypt('bm90IGEgY2lwaGVydGV4dA==', key)]) {
        assert.throws(bad, (e) => isSignetError(e, 'OA_EVENT_INVALID'));
      }
    });
  });

  describe('larkSignature()', () => {
    it('is the hex SHA-256 of timestamp + nonce + encrypt key + raw body, as the SDK checks it', () => {
      const body = '{"encrypt":"abc"}';
      const want = createHash('sha256').update(`1700000000nonce1${key}${body}`).digest('hex');
      assert.equal(larkSignature('1700000000', 'nonce1', key, body), want);
      const handle = new lark.EventDispatcher({ encryptKey: key, loggerLevel: lark.LoggerLevel.error }).requestHandle!;
      const data = Object.assign(Object.create({ headers: { 'x-lark-request-timestamp': '1700000000', 'x-lark-request-nonce': 'nonce1', 'x-lark-signature': want } }), JSON.parse(body));
      assert.ok(handle.checkIsEventValidated(data), 'the SDK accepts the signature');
    });

    it('verifyLarkSignature() accepts the signature of the exact bytes only', () => {
      const body = Buffer.from('{"encrypt": "abc"}');
      const sig = larkSignature('1', 'n', key, body);
      assert.ok(verifyLarkSignature('1', 'n', key, body, sig));
      assert.ok(verifyLarkSignature('1', 'n', key, body, sig.toUpperCase()));
      assert.ok(!verifyLarkSignature('1', 'n', key, Buffer.from('{"encrypt":"abc"}'), sig), 'other spacing is other bytes');
      assert.ok(!verifyLarkSignature('2', 'n', key, body, sig));
      assert.ok(!verifyLarkSignature('1', 'n', key, body, 'not-hex'));
    });
  });
});
