import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { sampleIdCardNumber } from '../identity/samples.js';
import { createEmbeddedPki, issueOcspResponderCertificate, type EmbeddedPki } from './embedded-pki.js';
import { issuePersonCertificate } from './issue-certificate.js';
import { generateKeyPair } from './keys.js';
import {
  buildOcspError,
  buildOcspRequest,
  buildOcspResponse,
  certIdFor,
  parseOcspRequest,
  parseOcspResponse,
  sameCertId,
} from './ocsp.js';
import { parseCertificate, type CertificateInfo } from './parse-certificate.js';
import { derToPem } from './pem.js';

describe('pki/ocsp', () => {
  const baseUrl = 'http://localhost:8080';
  const producedAt = new Date('2026-03-01T10:00:00Z');
  const thisUpdate = producedAt;
  const nextUpdate = new Date('2026-03-02T10:00:00Z');
  let pki: EmbeddedPki;
  let leafDer: Uint8Array;
  let leaf: CertificateInfo;
  let issuing: CertificateInfo;
  before(() => {
    pki = createEmbeddedPki({ baseUrl, now: new Date('2026-01-01T00:00:00Z') });
    const k = generateKeyPair('ecdsa-p256');
    leafDer = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(4) }, { publicKey: k.publicKey, baseUrl, now: new Date('2026-02-01T00:00:00Z') });
    leaf = parseCertificate(leafDer);
    issuing = parseCertificate(pki.issuing.certificate);
  });

  describe('buildOcspResponse() / parseOcspResponse()', () => {
    it('round-trips good, revoked and unknown answers', () => {
      const id = certIdFor(leaf, issuing);
      const other = { ...id, serialHex: '01' };
      const third = { ...id, serialHex: '02' };
      const der = buildOcspResponse(
        pki.issuing,
        [
          { certId: id, status: 'good', thisUpdate, nextUpdate },
          { certId: other, status: 'revoked', revokedAt: new Date('2026-02-15T00:00:00Z'), revocationReason: 'keyCompromise', thisUpdate },
          { certId: third, status: 'unknown', thisUpdate },
        ],
        { producedAt },
      );
      const r = parseOcspResponse(der);
      assert.equal(r.status, 'successful');
      assert.equal(r.producedAt!.getTime(), producedAt.getTime());
      assert.equal(r.responses.length, 3);
      assert.ok(sameCertId(r.responses[0].certId, id));
      assert.equal(r.responses[0].status, 'good');
      assert.equal(r.responses[0].nextUpdate!.getTime(), nextUpdate.getTime());
      assert.equal(r.responses[1].status, 'revoked');
      assert.equal(r.responses[1].revokedAt!.toISOString(), '2026-02-15T00:00:00.000Z');
      assert.equal(r.responses[1].revocationReason, 'keyCompromise');
      assert.equal(r.responses[2].status, 'unknown');
      assert.deepEqual(r.certificates, [pki.issuing.certificate]);
      assert.equal(r.verify(issuing), true);
      assert.equal(r.verify(parseCertificate(pki.root.certificate)), false);
    });

    it('echoes the nonce and can leave out the responder certificate', () => {
      const nonce = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
      const r = parseOcspResponse(buildOcspResponse(pki.issuing, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate }], { producedAt, nonce, includeResponderCert: false }));
      assert.deepEqual(r.nonce, nonce);
      assert.deepEqual(r.certificates, []);
      assert.equal(r.verify(issuing), true);
    });

    it('accepts a delegated responder certificate issued by the CA with id-kp-OCSPSigning', () => {
      const k = generateKeyPair('ecdsa-p256');
      const responderCert = issueOcspResponderCertificate(pki.issuing, { publicKey: k.publicKey, now: new Date('2026-02-20T00:00:00Z') });
      const info = parseCertificate(responderCert);
      assert.deepEqual(info.extKeyUsage, ['OCSPSigning']);
      assert.ok(info.criticalExtensions.length > 0);
      const r = parseOcspResponse(buildOcspResponse({ certificate: responderCert, privateKey: k.privateKey }, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate }], { producedAt }));
      assert.equal(r.verify(issuing), true);
    });

    it('rejects a responder certificate without id-kp-OCSPSigning, or one from another CA', () => {
      const k = generateKeyPair('ecdsa-p256');
      const plainLeaf = issuePersonCertificate(pki.issuing, { name: '李四', idNumber: sampleIdCardNumber(5) }, { publicKey: k.publicKey, baseUrl, now: new Date('2026-02-01T00:00:00Z') });
      const r1 = parseOcspResponse(buildOcspResponse({ certificate: plainLeaf, privateKey: k.privateKey }, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate }], { producedAt }));
      assert.equal(r1.verify(issuing), false);
      const other = createEmbeddedPki({ baseUrl, now: new Date('2026-01-01T00:00:00Z') });
      const foreign = issueOcspResponderCertificate(other.issuing, { publicKey: k.publicKey, now: new Date('2026-02-20T00:00:00Z') });
      const r2 = parseOcspResponse(buildOcspResponse({ certificate: foreign, privateKey: k.privateKey }, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate }], { producedAt }));
      assert.equal(r2.verify(issuing), false);
    });

    it('fails verification when a byte of the signed data changes', () => {
      const der = buildOcspResponse(pki.issuing, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate }], { producedAt });
      const tampered = new Uint8Array(der);
      const at = Buffer.from(der).indexOf(Buffer.from(leaf.serialBytes));
      tampered[at + 3] ^= 1;
      const r = parseOcspResponse(tampered);
      assert.notEqual(r.responses[0].certId.serialHex, leaf.serialHex);
      assert.equal(r.verify(issuing), false);
    });

    it('builds an error response that parses as unsuccessful and never verifies', () => {
      for (const status of ['malformedRequest', 'internalError', 'unauthorized'] as const) {
        const r = parseOcspResponse(buildOcspError(status));
        assert.equal(r.status, status);
        assert.deepEqual(r.responses, []);
        assert.equal(r.verify(issuing), false);
      }
    });

    it('throws CERT_INVALID on bytes that are not an OCSP response', () => {
      assert.throws(() => parseOcspResponse(pki.root.certificate), (e) => isSignetError(e, 'CERT_INVALID'));
    });
  });

  describe('buildOcspRequest() / parseOcspRequest()', () => {
    it('round-trips CertIDs and the nonce', () => {
      const ids = [certIdFor(leaf, issuing), certIdFor(leaf, issuing, 'sha256')];
      const nonce = new Uint8Array([9, 8, 7]);
      const r = parseOcspRequest(buildOcspRequest(ids, { nonce }));
      assert.equal(r.certIds.length, 2);
      assert.ok(sameCertId(r.certIds[0], ids[0]));
      assert.ok(sameCertId(r.certIds[1], ids[1]));
      assert.equal(r.certIds[1].hashAlgorithm, 'sha256');
      assert.deepEqual(r.nonce, nonce);
    });

    it('throws REQUEST_MALFORMED on garbage and on an empty request list', () => {
      for (const bad of [new Uint8Array([1, 2, 3]), new Uint8Array([0x30, 0x04, 0x30, 0x02, 0x30, 0x00]), pki.root.certificate]) {
        assert.throws(() => parseOcspRequest(bad), (e) => isSignetError(e, 'REQUEST_MALFORMED'));
      }
    });
  });

  describe('with openssl', () => {
    let dir: string;
    let cleanup: () => void;
    const p = (name: string): string => join(dir, name);
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      ({ dir, cleanup } = tempDir());
      writeFileSync(p('root.pem'), derToPem(pki.root.certificate));
      writeFileSync(p('issuing.pem'), derToPem(pki.issuing.certificate));
      writeFileSync(p('leaf.pem'), derToPem(leafDer));
    });
    after(() => cleanup?.());

    // Fixed dates: -attime for the certificates, a wide -validity_period for thisUpdate/nextUpdate.
    const atTime = ['-attime', String(Date.parse('2026-03-01T12:00:00Z') / 1000), '-validity_period', String(100 * 365 * 86400)];

    /** Runs `openssl ocsp -respin`; with `reqin`, openssl compares the nonces instead of printing a status. */
    function opensslCheck(resp: Uint8Array, reqin?: string): string {
      writeFileSync(p('resp.der'), resp);
      const subject = reqin ? ['-reqin', reqin] : ['-issuer', p('issuing.pem'), '-cert', p('leaf.pem')];
      const r = run('openssl', [
        'ocsp', '-respin', p('resp.der'), ...subject,
        '-CAfile', p('root.pem'), '-VAfile', p('issuing.pem'), '-resp_text', ...atTime,
      ]);
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stderr + r.stdout, /Response verify OK/);
      assert.doesNotMatch(r.stderr + r.stdout, /Status times invalid/);
      if (reqin) assert.doesNotMatch(r.stderr + r.stdout, /no nonce|Nonce Verify error/i, 'openssl compared the nonces');
      return r.stdout;
    }

    it('openssl verifies a "good" response signed by the issuing CA', () => {
      const out = opensslCheck(buildOcspResponse(pki.issuing, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate, nextUpdate }], { producedAt }));
      assert.match(out, /leaf\.pem: good/);
      assert.match(out, /Cert Status: good/);
      assert.match(out, /Responder Id: [0-9A-F]{40}/);
    });

    it('openssl verifies a "revoked" response and shows the revocation time', () => {
      const out = opensslCheck(
        buildOcspResponse(pki.issuing, [{ certId: certIdFor(leaf, issuing), status: 'revoked', revokedAt: new Date('2026-02-20T08:00:00Z'), revocationReason: 'keyCompromise', thisUpdate, nextUpdate }], { producedAt }),
      );
      assert.match(out, /leaf\.pem: revoked/);
      assert.match(out, /Revocation Time: Feb 20 08:00:00 2026 GMT/);
      assert.match(out, /Reason: keyCompromise/);
    });

    it('openssl verifies the CA trust path without -VAfile when the chain is given', () => {
      writeFileSync(p('chain.pem'), derToPem(pki.root.certificate) + derToPem(pki.issuing.certificate));
      writeFileSync(p('resp2.der'), buildOcspResponse(pki.issuing, [{ certId: certIdFor(leaf, issuing), status: 'good', thisUpdate, nextUpdate }], { producedAt }));
      const r = run('openssl', ['ocsp', '-respin', p('resp2.der'), '-issuer', p('issuing.pem'), '-cert', p('leaf.pem'), '-CAfile', p('chain.pem'), ...atTime]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr + r.stdout, /Response verify OK/);
      assert.match(r.stdout, /leaf\.pem: good/);
    });

    it('parses a request made by openssl and answers it so that openssl accepts the nonce', () => {
      const made = run('openssl', ['ocsp', '-issuer', p('issuing.pem'), '-cert', p('leaf.pem'), '-reqout', p('req.der')]);
      assert.equal(made.status, 0, made.stderr);
      const req = parseOcspRequest(new Uint8Array(readFileSync(p('req.der'))));
      assert.equal(req.certIds.length, 1);
      assert.ok(sameCertId(req.certIds[0], certIdFor(leaf, issuing, 'sha1')));
      assert.ok(req.nonce && req.nonce.length > 0);
      const resp = buildOcspResponse(pki.issuing, req.certIds.map((certId) => ({ certId, status: 'good' as const, thisUpdate })), { producedAt, nonce: req.nonce });
      const out = opensslCheck(resp, p('req.der'));
      assert.match(out, /Cert Status: good/);
      assert.match(out, /OCSP Nonce/);
    });

    it('parses a request made by openssl with -no_nonce and SHA-256 CertIDs', () => {
      const made = run('openssl', ['ocsp', '-sha256', '-issuer', p('issuing.pem'), '-cert', p('leaf.pem'), '-reqout', p('req256.der'), '-no_nonce']);
      assert.equal(made.status, 0, made.stderr);
      const req = parseOcspRequest(new Uint8Array(readFileSync(p('req256.der'))));
      assert.equal(req.nonce, undefined);
      assert.equal(req.certIds[0].hashAlgorithm, 'sha256');
      assert.ok(sameCertId(req.certIds[0], certIdFor(leaf, issuing, 'sha256')));
    });

    it('openssl reads an error response', () => {
      writeFileSync(p('err.der'), buildOcspError('malformedRequest'));
      const r = run('openssl', ['ocsp', '-respin', p('err.der'), '-resp_text', '-noverify']);
      assert.match(r.stdout + r.stderr, /malformedrequest \(1\)/i);
    });
  });
});
