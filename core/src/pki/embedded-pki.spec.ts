import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { createEmbeddedPki, deserializePki, serializePki, type EmbeddedPki } from './embedded-pki.js';
import { parseCertificate } from './parse-certificate.js';
import { derToPem } from './pem.js';

const baseUrl = 'http://localhost:8080';

describe('pki/embedded-pki', () => {
  let pki: EmbeddedPki;
  before(() => {
    pki = createEmbeddedPki({ baseUrl, now: new Date('2025-03-01T08:00:00Z') });
  });

  describe('createEmbeddedPki()', () => {
    it('makes a self-signed root CA valid for 20 years with critical CA constraints and key usage', () => {
      const root = parseCertificate(pki.root.certificate);
      assert.equal(root.selfIssued, true);
      assert.ok(root.x509.verify(root.publicKey));
      assert.equal(root.isCa, true);
      assert.equal(root.pathLen, undefined);
      assert.deepEqual(root.keyUsage, ['keyCertSign', 'cRLSign']);
      assert.equal(root.keyUsageCritical, true);
      assert.ok(root.criticalExtensions.includes('2.5.29.19'));
      assert.ok(root.skiHex);
      assert.deepEqual(root.subject, { C: 'CN', O: 'Signet Demo CA', CN: 'Signet Demo CA Root' });
      assert.equal(root.notBefore.toISOString(), '2025-03-01T08:00:00.000Z');
      assert.equal(root.notAfter.toISOString(), '2045-03-01T08:00:00.000Z');
    });

    it('makes an issuing CA under the root with pathLen 0, key identifiers and the root CRL', () => {
      const root = parseCertificate(pki.root.certificate);
      const issuing = parseCertificate(pki.issuing.certificate);
      assert.ok(issuing.x509.verify(root.publicKey));
      assert.equal(issuing.isCa, true);
      assert.equal(issuing.pathLen, 0);
      assert.ok(issuing.keyUsage.includes('keyCertSign') && issuing.keyUsage.includes('cRLSign'));
      assert.equal(issuing.akiHex, root.skiHex);
      assert.deepEqual(issuing.crlUrls, [`${baseUrl}/pki/crl/root.crl`]);
      assert.equal(issuing.notAfter.toISOString(), '2035-03-01T08:00:00.000Z');
    });

    it('makes a TSA certificate under the root with a critical timeStamping EKU', () => {
      const root = parseCertificate(pki.root.certificate);
      const tsa = parseCertificate(pki.tsa.certificate);
      assert.ok(tsa.x509.verify(root.publicKey));
      assert.equal(tsa.isCa, false);
      assert.deepEqual(tsa.extKeyUsage, ['timeStamping']);
      assert.equal(tsa.extKeyUsageCritical, true);
      assert.deepEqual(tsa.keyUsage, ['digitalSignature', 'nonRepudiation']);
      assert.equal(tsa.keyUsageCritical, true);
      assert.deepEqual(tsa.crlUrls, [`${baseUrl}/pki/crl/root.crl`]);
    });

    it('uses the given organization name and ECDSA keys', () => {
      const ec = createEmbeddedPki({ baseUrl, orgName: '示例电子签名中心', keyKind: 'ecdsa-p256' });
      const issuing = parseCertificate(ec.issuing.certificate);
      assert.equal(issuing.subject.O, '示例电子签名中心');
      assert.equal(issuing.keyAlgorithm, 'ecdsa-p256');
      assert.equal(parseCertificate(ec.root.certificate).keyAlgorithm, 'ecdsa-p256');
    });

    it('rejects a base URL that is not http(s)', () => {
      assert.throws(() => createEmbeddedPki({ baseUrl: 'localhost:8080' }), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });
  });

  describe('with openssl', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      ({ dir, cleanup } = tempDir());
    });
    after(() => cleanup?.());

    function write(name: string, der: Uint8Array): string {
      const path = join(dir, name);
      writeFileSync(path, derToPem(der));
      return path;
    }

    it('openssl verifies the issuing CA and the TSA against the root', () => {
      const root = write('root.pem', pki.root.certificate);
      const issuing = write('issuing.pem', pki.issuing.certificate);
      const tsa = write('tsa.pem', pki.tsa.certificate);
      const r = run('openssl', ['verify', '-attime', String(Date.parse('2026-01-01') / 1000), '-CAfile', root, issuing, tsa]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const ts = run('openssl', ['verify', '-attime', String(Date.parse('2026-01-01') / 1000), '-purpose', 'timestampsign', '-CAfile', root, tsa]);
      assert.equal(ts.status, 0, ts.stderr + ts.stdout);
    });

    it('openssl shows the CA extensions as critical', () => {
      const text = run('openssl', ['x509', '-in', write('root.pem', pki.root.certificate), '-noout', '-text']).stdout;
      assert.match(text, /Basic Constraints: critical\s+CA:TRUE/);
      assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
      const issuing = run('openssl', ['x509', '-in', write('issuing.pem', pki.issuing.certificate), '-noout', '-text']).stdout;
      assert.match(issuing, /CA:TRUE, pathlen:0/);
      assert.match(issuing, /URI:http:\/\/localhost:8080\/pki\/crl\/root\.crl/);
      const tsa = run('openssl', ['x509', '-in', write('tsa.pem', pki.tsa.certificate), '-noout', '-text']).stdout;
      assert.match(tsa, /Extended Key Usage: critical\s+Time Stamping/);
      assert.match(tsa, /Key Usage: critical\s+Digital Signature, Non Repudiation/);
    });

    it('openssl verifies an ECDSA PKI with a Chinese organization name', () => {
      const ec = createEmbeddedPki({ baseUrl, orgName: '示例电子签名中心', keyKind: 'ecdsa-p256' });
      const r = run('openssl', ['verify', '-CAfile', write('ec-root.pem', ec.root.certificate), write('ec-issuing.pem', ec.issuing.certificate)]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const subject = run('openssl', ['x509', '-in', write('ec-issuing2.pem', ec.issuing.certificate), '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,show_type']);
      assert.match(subject.stdout, /O=UTF8STRING:示例电子签名中心/);
    });
  });

  describe('serializePki() / deserializePki()', () => {
    it('round-trips through JSON text', () => {
      const json = JSON.stringify(serializePki(pki));
      const back = deserializePki(json);
      assert.deepEqual(back.root.certificate, pki.root.certificate);
      assert.deepEqual(back.tsa.certificate, pki.tsa.certificate);
      assert.equal(
        back.issuing.privateKey.export({ type: 'pkcs8', format: 'pem' }),
        pki.issuing.privateKey.export({ type: 'pkcs8', format: 'pem' }),
      );
    });

    it('stores PEM certificates and PKCS#8 keys', () => {
      const s = serializePki(pki);
      assert.match(s.root.certificate, /^-----BEGIN CERTIFICATE-----\n/);
      assert.match(s.root.privateKey, /^-----BEGIN PRIVATE KEY-----\n/);
    });

    const damage: [string, (s: ReturnType<typeof serializePki>) => unknown][] = [
      ['not JSON', () => '{oops'],
      ['a missing CA', (s) => ({ root: s.root, issuing: s.issuing })],
      ['a truncated certificate', (s) => ({ ...s, root: { ...s.root, certificate: s.root.certificate.slice(0, 200) + '\n-----END CERTIFICATE-----\n' } })],
      ['a key that does not match', (s) => ({ ...s, issuing: { ...s.issuing, privateKey: s.tsa.privateKey } })],
      ['a CA from another PKI', (s) => ({ ...s, tsa: serializePki(createEmbeddedPki({ baseUrl })).tsa })],
    ];
    for (const [what, mutate] of damage) {
      it(`throws CA_NOT_INITIALISED on ${what}`, () => {
        assert.throws(() => deserializePki(mutate(serializePki(pki))), (e) => isSignetError(e, 'CA_NOT_INITIALISED') && /signet init/.test(e.message));
      });
    }
  });
});
