import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { createEmbeddedPki, type EmbeddedPki } from './embedded-pki.js';
import { buildCrl, parseCrl } from './crl.js';
import { parseCertificate } from './parse-certificate.js';
import { derToPem } from './pem.js';

describe('pki/crl', () => {
  const thisUpdate = new Date('2026-02-01T00:00:00Z');
  const nextUpdate = new Date('2026-02-08T00:00:00Z');
  let pki: EmbeddedPki;
  before(() => {
    pki = createEmbeddedPki({ baseUrl: 'http://localhost:8080', now: new Date('2026-01-01T00:00:00Z') });
  });

  describe('buildCrl() / parseCrl()', () => {
    it('lists revoked serials with their dates and reasons, and carries the CRL number', () => {
      const crl = parseCrl(
        buildCrl(
          pki.issuing,
          [
            { serialHex: '00ABCDEF', revokedAt: new Date('2026-01-15T12:00:00Z'), reason: 'keyCompromise' },
            { serialHex: '1234', revokedAt: new Date('2026-01-16T12:00:00Z') },
          ],
          { thisUpdate, nextUpdate, crlNumber: 42n },
        ),
      );
      assert.deepEqual([...crl.revoked.keys()], ['abcdef', '1234']);
      assert.equal(crl.revoked.get('abcdef')!.toISOString(), '2026-01-15T12:00:00.000Z');
      assert.equal(crl.reasons.get('abcdef'), 'keyCompromise');
      assert.equal(crl.reasons.has('1234'), false);
      assert.equal(crl.crlNumber, 42n);
      assert.equal(crl.thisUpdate.getTime(), thisUpdate.getTime());
      assert.equal(crl.nextUpdate!.getTime(), nextUpdate.getTime());
      assert.equal(crl.akiHex, parseCertificate(pki.issuing.certificate).skiHex);
      assert.deepEqual(crl.issuerDer, parseCertificate(pki.issuing.certificate).subjectDer);
    });

    it('verifies against its issuer only', () => {
      const crl = parseCrl(buildCrl(pki.issuing, [], { thisUpdate, nextUpdate, crlNumber: 1 }));
      assert.equal(crl.verify(parseCertificate(pki.issuing.certificate)), true);
      assert.equal(crl.verify(parseCertificate(pki.root.certificate)), false);
      const other = createEmbeddedPki({ baseUrl: 'http://localhost:8080' });
      assert.equal(crl.verify(parseCertificate(other.issuing.certificate)), false);
    });

    it('fails verification when a byte of the signed list changes', () => {
      const der = buildCrl(pki.issuing, [{ serialHex: 'abcdef', revokedAt: thisUpdate }], { thisUpdate, nextUpdate, crlNumber: 2 });
      const tampered = new Uint8Array(der);
      const at = Buffer.from(der).indexOf(Buffer.from([0xab, 0xcd, 0xef]));
      tampered[at] = 0xac;
      const crl = parseCrl(tampered);
      assert.ok(crl.revoked.has('accdef'));
      assert.equal(crl.verify(parseCertificate(pki.issuing.certificate)), false);
    });

    it('builds an ECDSA-signed CRL', () => {
      const ec = createEmbeddedPki({ baseUrl: 'http://localhost:8080', keyKind: 'ecdsa-p256' });
      const crl = parseCrl(buildCrl(ec.issuing, [{ serialHex: '01', revokedAt: new Date() }], { thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 1e6), crlNumber: 1 }));
      assert.equal(crl.signatureAlgorithm, '1.2.840.10045.4.3.2');
      assert.equal(crl.verify(parseCertificate(ec.issuing.certificate)), true);
    });

    it('rejects nextUpdate before thisUpdate and bad serials (INVALID_ARGUMENT)', () => {
      assert.throws(() => buildCrl(pki.issuing, [], { thisUpdate: nextUpdate, nextUpdate: thisUpdate, crlNumber: 1 }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
      assert.throws(() => buildCrl(pki.issuing, [{ serialHex: 'xyz', revokedAt: thisUpdate }], { thisUpdate, nextUpdate, crlNumber: 1 }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });

    it('throws CERT_INVALID on bytes that are not a CRL', () => {
      assert.throws(() => parseCrl(pki.root.certificate), (e) => isSignetError(e, 'CERT_INVALID'));
      assert.throws(() => parseCrl(new Uint8Array([0x30, 0x00])), (e) => isSignetError(e, 'CERT_INVALID'));
    });
  });

  describe('with openssl', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      ({ dir, cleanup } = tempDir());
      writeFileSync(join(dir, 'root.pem'), derToPem(pki.root.certificate));
      writeFileSync(join(dir, 'chain.pem'), derToPem(pki.root.certificate) + derToPem(pki.issuing.certificate));
    });
    after(() => cleanup?.());

    it('openssl verifies the issuing CA CRL and lists the revoked serial with its reason', () => {
      const path = join(dir, 'issuing.crl');
      writeFileSync(path, buildCrl(pki.issuing, [{ serialHex: '7e2a236ee8c809d8ac1f58b02a3cd6c3', revokedAt: thisUpdate, reason: 'superseded' }], { thisUpdate, nextUpdate, crlNumber: 3 }));
      const v = run('openssl', ['crl', '-in', path, '-inform', 'DER', '-CAfile', join(dir, 'chain.pem'), '-noout']);
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stderr + v.stdout, /verify OK/);
      const text = run('openssl', ['crl', '-in', path, '-inform', 'DER', '-noout', '-text']).stdout;
      assert.match(text, /Version 2/);
      assert.match(text, /Serial Number: 7E2A236EE8C809D8AC1F58B02A3CD6C3/);
      assert.match(text, /Superseded/);
      assert.match(text, /CRL Number:\s+3/);
      assert.match(text, /Authority Key Identifier/);
    });

    it('openssl verifies an empty root CRL with the root alone', () => {
      const path = join(dir, 'root.crl');
      writeFileSync(path, buildCrl(pki.root, [], { thisUpdate, nextUpdate, crlNumber: 1 }));
      const v = run('openssl', ['crl', '-in', path, '-inform', 'DER', '-CAfile', join(dir, 'root.pem'), '-noout', '-text']);
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stderr, /verify OK/);
      assert.match(v.stdout, /No Revoked Certificates/);
    });
  });
});
