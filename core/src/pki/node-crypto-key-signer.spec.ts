import assert from 'node:assert/strict';
import { constants, createHash, publicDecrypt, verify } from 'node:crypto';
import { isSignetError } from '../errors.js';
import { sampleIdCardNumber } from '../identity/samples.js';
import { createEmbeddedPki } from './embedded-pki.js';
import { issuePersonCertificate } from './issue-certificate.js';
import { generateKeyPair, type KeyKind } from './keys.js';
import { NodeCryptoKeySigner } from './node-crypto-key-signer.js';

describe('pki/NodeCryptoKeySigner', () => {
  const baseUrl = 'http://localhost:8080';
  const pki = createEmbeddedPki({ baseUrl });
  const data = new TextEncoder().encode('signed attributes');

  for (const [kind, algorithm] of [['rsa-2048', 'rsa'], ['rsa-3072', 'rsa'], ['ecdsa-p256', 'ecdsa-p256']] as [KeyKind, string][]) {
    it(`signs with a ${kind} key so that crypto.verify accepts it with the certificate's key`, async function () {
      this.timeout(20000);
      const k = generateKeyPair(kind);
      const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(2) }, { publicKey: k.publicKey, baseUrl });
      const signer = new NodeCryptoKeySigner(k.privateKey, cert, [pki.issuing.certificate]);
      assert.equal(signer.algorithm, algorithm);
      assert.deepEqual(signer.chain, [pki.issuing.certificate]);
      for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
        const sig = await signer.sign(data, digest);
        assert.ok(verify(digest, data, { key: k.publicKey, dsaEncoding: 'der' }, sig), digest);
      }
    });
  }

  it('returns ECDSA signatures as a DER Ecdsa-Sig-Value', async () => {
    const k = generateKeyPair('ecdsa-p256');
    const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(2) }, { publicKey: k.publicKey, baseUrl });
    const sig = await new NodeCryptoKeySigner(k.privateKey, cert).sign(data, 'sha256');
    assert.equal(sig[0], 0x30);
    assert.equal(sig[1], sig.length - 2);
  });

  it('produces RSA PKCS#1 v1.5 signatures over the digest of the data', async () => {
    const k = generateKeyPair('rsa-2048');
    const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(2) }, { publicKey: k.publicKey, baseUrl });
    const sig = await new NodeCryptoKeySigner(k.privateKey, cert).sign(data, 'sha256');
    assert.equal(sig.length, 256);
    const digestInfo = publicDecrypt({ key: k.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig);
    assert.deepEqual(digestInfo.subarray(-32), createHash('sha256').update(data).digest());
    assert.equal(digestInfo.toString('hex', 0, 19), '3031300d060960864801650304020105000420'); // DigestInfo sha256 prefix
  });

  it('rejects a private key that does not match the certificate', () => {
    const k = generateKeyPair('rsa-2048');
    const other = generateKeyPair('rsa-2048');
    const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(2) }, { publicKey: k.publicKey, baseUrl });
    assert.throws(() => new NodeCryptoKeySigner(other.privateKey, cert), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });

  it('rejects a public key in place of the private key', () => {
    const k = generateKeyPair('rsa-2048');
    const cert = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(2) }, { publicKey: k.publicKey, baseUrl });
    assert.throws(() => new NodeCryptoKeySigner(k.publicKey, cert), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
  });
});
