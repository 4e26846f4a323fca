import assert from 'node:assert/strict';
import { children, decodeOid, decodeTime, generalizedTime, oid, readNode, setOf, TAG, tlv, unsignedInteger } from './der.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('cms/der', () => {
  describe('tlv()', () => {
    it('uses short and long length forms', () => {
      assert.equal(hex(tlv(TAG.OCTET_STRING, new Uint8Array(3))), '0403000000');
      assert.equal(hex(tlv(TAG.OCTET_STRING, new Uint8Array(200))).slice(0, 6), '0481c8');
      assert.equal(hex(tlv(TAG.OCTET_STRING, new Uint8Array(300))).slice(0, 8), '0482012c');
    });
  });

  describe('unsignedInteger()', () => {
    it('trims leading zeros and keeps the number positive', () => {
      assert.equal(hex(unsignedInteger(Uint8Array.of(0, 0, 5))), '020105');
      assert.equal(hex(unsignedInteger(Uint8Array.of(0x80))), '02020080');
      assert.equal(hex(unsignedInteger(Uint8Array.of(0, 0))), '020100');
    });
  });

  describe('generalizedTime()', () => {
    it('writes milliseconds without trailing zeros, and no fraction for whole seconds (X.690 §11.7)', () => {
      const text = (d: string) => Buffer.from(generalizedTime(new Date(d)).subarray(2)).toString();
      assert.equal(text('2024-03-05T06:07:08.120Z'), '20240305060708.12Z');
      assert.equal(text('2024-03-05T06:07:08.000Z'), '20240305060708Z');
      assert.equal(text('2024-03-05T06:07:08.007Z'), '20240305060708.007Z');
    });

    it('round-trips through decodeTime()', () => {
      const d = new Date('2031-12-31T23:59:59.999Z');
      const der = generalizedTime(d);
      assert.equal(decodeTime(der, readNode(der, 0)).getTime(), d.getTime());
    });
  });

  describe('setOf()', () => {
    it('sorts its elements by their encodings (X.690 §11.6)', () => {
      const a = tlv(TAG.SEQUENCE, new Uint8Array(40));
      const b = tlv(TAG.SEQUENCE, new Uint8Array(2));
      assert.equal(hex(setOf([a, b])), hex(tlv(TAG.SET, b, a)));
    });
  });

  describe('readNode()', () => {
    it('reads BER indefinite lengths on constructed elements', () => {
      const ber = Uint8Array.of(0x30, 0x80, 0x02, 0x01, 0x05, 0x04, 0x00, 0x00, 0x00);
      const node = readNode(ber, 0);
      assert.equal(node.end, ber.length);
      assert.deepEqual(children(ber, node).map((c) => c.tag), [TAG.INTEGER, TAG.OCTET_STRING]);
    });

    it('refuses lengths that run past the end', () => {
      assert.throws(() => readNode(Uint8Array.of(0x04, 0x05, 1, 2), 0), /past the end/);
    });
  });

  describe('oid() / decodeOid()', () => {
    it('round-trips object identifiers', () => {
      for (const o of ['1.2.840.113549.1.9.16.2.47', '2.16.840.1.101.3.4.2.1', '1.3.6.1.4.1.99999.1.1']) {
        const der = oid(o);
        assert.equal(decodeOid(der, readNode(der, 0)), o);
      }
    });
  });
});
