import assert from 'node:assert/strict';
import { encode, int, readIntegerHex, readRoot, readTime, time, toHex, unsignedIntegerBytes } from './der.js';

describe('pki/der', () => {
  describe('time()', () => {
    it('writes UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
      assert.equal(toHex(encode(time(new Date('2049-12-31T23:59:59Z')))), `170d${Buffer.from('491231235959Z').toString('hex')}`);
      assert.equal(toHex(encode(time(new Date('2050-01-01T00:00:00Z')))), `180f${Buffer.from('20500101000000Z').toString('hex')}`);
    });

    it('reads back both forms', () => {
      for (const iso of ['1999-05-06T07:08:09.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '2125-03-01T00:00:00.000Z']) {
        assert.equal(readTime(readRoot(encode(time(new Date(iso))))).toISOString(), iso);
      }
    });
  });

  describe('int()', () => {
    it('encodes non-negative integers minimally, with a 00 octet before a set high bit', () => {
      assert.equal(toHex(encode(int(0))), '020100');
      assert.equal(toHex(encode(int(127))), '02017f');
      assert.equal(toHex(encode(int(128))), '02020080');
      assert.equal(toHex(encode(int(2n ** 64n))), '0209010000000000000000');
      assert.equal(toHex(encode(int(new Uint8Array([0, 0, 0xff])))), '020200ff');
      assert.deepEqual(unsignedIntegerBytes(new Uint8Array([0, 0])), new Uint8Array([0]));
    });

    it('reads the magnitude as hex without leading zeros', () => {
      assert.equal(readIntegerHex(readRoot(encode(int(new Uint8Array([0x80, 0x01]))))), '8001');
      assert.equal(readIntegerHex(readRoot(encode(int(0)))), '0');
    });
  });

  describe('readRoot()', () => {
    it('rejects indefinite lengths, overruns and trailing bytes', () => {
      assert.throws(() => readRoot(new Uint8Array([0x30, 0x80, 0, 0])), /indefinite/);
      assert.throws(() => readRoot(new Uint8Array([0x04, 0x05, 1])), /past the end/);
      assert.throws(() => readRoot(new Uint8Array([0x05, 0x00, 0x00])), /trailing/);
    });
  });
});
