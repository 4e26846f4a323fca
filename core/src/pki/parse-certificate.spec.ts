import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { createEmbeddedPki } from './embedded-pki.js';
import { parseCertificate } from './parse-certificate.js';
import { derToPem, pemToDer } from './pem.js';

describe('pki/parse-certificate', () => {
  describe('parseCertificate()', () => {
    const pki = createEmbeddedPki({ baseUrl: 'http://localhost:8080', keys: undefined });

    it('returns the cached result for the same bytes, even from another array', () => {
      const a = parseCertificate(pki.issuing.certificate);
      const b = parseCertificate(new Uint8Array(pki.issuing.certificate));
      assert.equal(a, b);
      assert.ok(Object.isFrozen(a));
    });

    it('accepts PEM text', () => {
      assert.equal(parseCertificate(derToPem(pki.root.certificate)).sha256Hex, parseCertificate(pki.root.certificate).sha256Hex);
    });

    it('gives the issuer name DER equal to the issuer certificate subject DER', () => {
      const issuing = parseCertificate(pki.issuing.certificate);
      const root = parseCertificate(pki.root.certificate);
      assert.deepEqual(issuing.issuerDer, root.subjectDer);
      assert.deepEqual(issuing.issuer, root.subject);
      assert.equal(issuing.issuerText, 'CN=Signet Demo CA Root, O=Signet Demo CA, C=CN');
    });

    it('throws CERT_INVALID on bytes that are not a certificate', () => {
      for (const bad of [new Uint8Array([1, 2, 3]), pki.root.certificate.subarray(0, 100), new Uint8Array(0), new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])]) {
        assert.throws(() => parseCertificate(bad), (e) => isSignetError(e, 'CERT_INVALID'));
      }
    });

    it('throws CERT_INVALID on trailing garbage', () => {
      const padded = new Uint8Array([...pki.root.certificate, 0]);
      assert.throws(() => parseCertificate(padded), (e) => isSignetError(e, 'CERT_INVALID'));
    });

    describe('of a certificate made by openssl', () => {
      let dir: string;
      let cleanup: () => void;
      before(function () {
        requireTool(this, 'openssl', 'openssl');
        ({ dir, cleanup } = tempDir());
      });
      after(() => cleanup?.());

      it('reads subject, serial, validity, key and extensions as openssl does', () => {
        const key = join(dir, 'k.pem');
        const cert = join(dir, 'c.pem');
        const r = run('openssl', [
          'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
          '-days', '10', '-utf8', '-subj', '/C=CN/O=测试机构/CN=测试根',
          '-set_serial', '0x00ff01',
          '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
          '-addext', 'extendedKeyUsage=OCSPSigning,1.2.3.4',
          '-addext', 'crlDistributionPoints=URI:http://example.test/a.crl',
          '-addext', 'authorityInfoAccess=OCSP;URI:http://example.test/ocsp,caIssuers;URI:http://example.test/ca.cer',
        ]);
        assert.equal(r.status, 0, r.stderr);
        const [der] = pemToDer(readFileSync(cert, 'utf8'));
        const info = parseCertificate(der);
        assert.deepEqual(info.subject, { C: 'CN', O: '测试机构', CN: '测试根' });
        assert.equal(info.serialHex, 'ff01');
        assert.equal(info.keyAlgorithm, 'ecdsa-p256');
        assert.equal(info.isCa, true);
        assert.deepEqual(info.keyUsage, ['keyCertSign', 'cRLSign']);
        assert.deepEqual(info.extKeyUsage, ['OCSPSigning', '1.2.3.4']);
        assert.equal(info.extKeyUsageCritical, false);
        assert.deepEqual(info.crlUrls, ['http://example.test/a.crl']);
        assert.deepEqual(info.ocspUrls, ['http://example.test/ocsp']);
        assert.deepEqual(info.caIssuersUrls, ['http://example.test/ca.cer']);
        assert.equal(info.skiHex, info.akiHex);
        const dates = run('openssl', ['x509', '-in', cert, '-noout', '-startdate', '-enddate']).stdout;
        const [, nb, na] = dates.match(/notBefore=(.*)\nnotAfter=(.*)/)!;
        assert.equal(info.notBefore.getTime(), Date.parse(nb));
        assert.equal(info.notAfter.getTime(), Date.parse(na));
        const fp = run('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256']).stdout;
        assert.equal(fp.split('=')[1].trim().replace(/:/g, '').toLowerCase(), info.sha256Hex);
      });
    });
  });

  describe('pemToDer() / derToPem()', () => {
    const pki = createEmbeddedPki({ baseUrl: 'http://localhost:8080' });

    it('round-trips several blocks in order', () => {
      const pem = derToPem(pki.root.certificate) + 'junk between\n' + derToPem(pki.issuing.certificate);
      assert.deepEqual(pemToDer(pem), [pki.root.certificate, pki.issuing.certificate]);
    });

    it('wraps base64 at 64 characters and uses the label given', () => {
      const pem = derToPem(pki.root.certificate, 'X509 CRL');
      assert.match(pem, /^-----BEGIN X509 CRL-----\n/);
      assert.ok(pem.split('\n').every((l) => l.length <= 64));
    });

    it('throws CERT_INVALID when there is no PEM block', () => {
      assert.throws(() => pemToDer('hello'), (e) => isSignetError(e, 'CERT_INVALID'));
    });
  });
});
