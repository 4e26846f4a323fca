import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { OID } from '../cms/oids.js';
import { tlv, TAG, oid } from '../cms/der.js';
import { testPki } from '../cms/test-fixtures.js';
import { TimestampAuthority, DEFAULT_TSA_POLICY } from './timestamp-authority.js';
import { buildTimestampRequest } from './timestamp-request.js';
import { parseTimestampResponse } from './timestamp-response.js';
import { parseTimestampToken, verifyTimestampToken } from './timestamp-token.js';

const digest = createHash('sha256').update('to be time-stamped').digest();
const fixedClock = { now: () => new Date('2025-06-01T08:00:00.250Z') };

function authority(extra: Partial<ConstructorParameters<typeof TimestampAuthority>[0]> = {}) {
  const pki = testPki();
  return new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey, ...extra });
}

describe('tsa', () => {
  describe('TimestampAuthority', () => {
    describe('.issueToken()', () => {
      it('issues a TSTInfo with the policy, imprint, clock time in ms, accuracy and nonce', () => {
        const t = parseTimestampToken(authority({ clock: fixedClock, accuracyMs: 1500 }).issueToken(digest, 'sha256', { nonce: Uint8Array.of(0, 0x12, 0x34) }));
        assert.equal(t.policy, DEFAULT_TSA_POLICY);
        assert.equal(t.messageImprint.algorithm, 'sha256');
        assert.deepEqual(Buffer.from(t.messageImprint.digest), digest);
        assert.equal(t.genTime.toISOString(), '2025-06-01T08:00:00.250Z');
        assert.equal(t.accuracyMs, 1500);
        assert.equal(Buffer.from(t.nonce!).toString('hex'), '1234');
        assert.equal(t.serialHex.length > 16, true);
        assert.equal(t.signedData.version, 3);
        assert.equal(t.signedData.eContentType, OID.tstInfo);
        assert.deepEqual(Buffer.from(t.tsaCertificate!), Buffer.from(testPki().tsa.certificate));
      });

      it('signs exactly content-type id-ct-TSTInfo, message-digest and signing-certificate-v2', () => {
        const si = parseTimestampToken(authority().issueToken(digest, 'sha256')).signedData.signerInfos[0];
        assert.equal(si.contentType, OID.tstInfo);
        assert.equal(si.signingTime, undefined);
        assert.equal(si.essCertV2?.length, 1);
      });

      it('gives every token a new serial number', () => {
        const tsa = authority();
        const serials = new Set(Array.from({ length: 50 }, () => parseTimestampToken(tsa.issueToken(digest, 'sha256')).serialHex));
        assert.equal(serials.size, 50);
      });

      it('leaves the certificates out when certReq is false', () => {
        const raw = authority().issueToken(digest, 'sha256', { certReq: false });
        const t = parseTimestampToken(raw);
        assert.deepEqual(t.certificates, []);
        assert.equal(t.tsaCertificate, undefined);
        const v = verifyTimestampToken(raw, { digest, algorithm: 'sha256' }, [testPki().tsa.certificate]);
        assert.deepEqual(v.problems, []);
      });

      it('signs with an ECDSA P-256 TSA key', () => {
        const pki = testPki();
        const raw = new TimestampAuthority({ certificate: pki.tsaP256.certificate, privateKey: pki.tsaP256.privateKey }).issueToken(digest, 'sha256');
        const v = verifyTimestampToken(raw, { digest, algorithm: 'sha256' });
        assert.deepEqual(v.problems, []);
        assert.equal(v.signatureValid, true);
      });

      it('rejects an imprint of the wrong length with INVALID_ARGUMENT', () => {
        assert.throws(() => authority().issueToken(digest, 'sha512'), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
      });
    });

    describe('constructor', () => {
      it('refuses a certificate without the timeStamping EKU (RFC 3161 §2.3) with CERT_INVALID', () => {
        const pki = testPki();
        assert.throws(
          () => new TimestampAuthority({ certificate: pki.rsa2048.certificate, privateKey: pki.rsa2048.privateKey }),
          (e) => isSignetError(e, 'CERT_INVALID') && /timeStamping/.test(e.message),
        );
      });

      it('refuses a key that does not match the certificate with INVALID_ARGUMENT', () => {
        const pki = testPki();
        assert.throws(
          () => new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.rsa2048.privateKey }),
          (e) => isSignetError(e, 'INVALID_ARGUMENT'),
        );
      });
    });

    describe('.respond()', () => {
      it('grants a request, echoing its nonce and imprint', () => {
        const resp = parseTimestampResponse(authority().respond(buildTimestampRequest(digest, 'sha256', { nonce: Uint8Array.of(0xfe, 0xed) })));
        assert.equal(resp.status, 0);
        const t = parseTimestampToken(resp.token!);
        assert.equal(Buffer.from(t.nonce!).toString('hex'), 'feed');
        assert.deepEqual(Buffer.from(t.messageImprint.digest), digest);
      });

      it('rejects bytes that are not a TimeStampReq with failInfo badDataFormat', () => {
        const resp = parseTimestampResponse(authority().respond(Buffer.from('GET / HTTP/1.1')));
        assert.equal(resp.status, 2);
        assert.equal(resp.failInfo, 'badDataFormat');
        assert.equal(resp.token, undefined);
        assert.match(resp.statusText!, /TimeStampReq/);
      });

      it('rejects an unknown hash algorithm with failInfo badAlg', () => {
        const md5 = tlv(TAG.SEQUENCE, tlv(TAG.SEQUENCE, oid('1.2.840.113549.2.5'), Uint8Array.of(5, 0)), tlv(TAG.OCTET_STRING, new Uint8Array(16)));
        const req = tlv(TAG.SEQUENCE, Uint8Array.of(2, 1, 1), md5);
        const resp = parseTimestampResponse(authority().respond(req));
        assert.equal(resp.status, 2);
        assert.equal(resp.failInfo, 'badAlg');
      });

      it('rejects a digest whose length does not fit its algorithm with failInfo badDataFormat', () => {
        const req = Buffer.from(buildTimestampRequest(digest, 'sha256'));
        const bad = Buffer.from(req.toString('hex').replace('0609608648016503040201', '0609608648016503040202'), 'hex'); // claim sha384
        assert.equal(parseTimestampResponse(authority().respond(bad)).failInfo, 'badDataFormat');
      });

      it('rejects another policy with failInfo unacceptedPolicy', () => {
        const resp = parseTimestampResponse(authority().respond(buildTimestampRequest(digest, 'sha256', { policy: '1.2.3.4' })));
        assert.equal(resp.failInfo, 'unacceptedPolicy');
      });
    });

    describe('with openssl', () => {
      let tmp: ReturnType<typeof tempDir>;
      const file = (n: string) => join(tmp.dir, n);
      before(function () {
        requireTool(this, 'openssl', 'openssl');
        tmp = tempDir();
        writeFileSync(file('root.pem'), testPki().root.pem);
        writeFileSync(file('tsa.pem'), testPki().tsa.pem);
        writeFileSync(file('tsa-p256.pem'), testPki().tsaP256.pem);
      });
      after(() => tmp?.cleanup());

      it('issues tokens that openssl ts -verify accepts (RSA and P-256 TSA keys)', () => {
        const pki = testPki();
        for (const [cert, pem] of [[pki.tsa, 'tsa.pem'], [pki.tsaP256, 'tsa-p256.pem']] as const) {
          const tsa = new TimestampAuthority({ certificate: cert.certificate, privateKey: cert.privateKey });
          writeFileSync(file('token.der'), tsa.issueToken(digest, 'sha256'));
          const r = run('openssl', ['ts', '-verify', '-in', file('token.der'), '-token_in', '-digest', digest.toString('hex'), '-CAfile', file('root.pem'), '-untrusted', file(pem)]);
          assert.equal(r.status, 0, r.stdout + r.stderr);
          assert.match(r.stdout, /Verification: OK/);
        }
      });

      it('issues tokens that openssl ts -verify rejects for another digest', () => {
        writeFileSync(file('token.der'), authority().issueToken(digest, 'sha256'));
        const other = createHash('sha256').update('other').digest('hex');
        const r = run('openssl', ['ts', '-verify', '-in', file('token.der'), '-token_in', '-digest', other, '-CAfile', file('root.pem'), '-untrusted', file('tsa.pem')]);
        assert.notEqual(r.status, 0);
        assert.match(r.stdout + r.stderr, /message imprint mismatch/);
      });

      it('answers an openssl ts -query with a granted reply that openssl ts -reply and -verify accept', () => {
        writeFileSync(file('data.bin'), 'to be time-stamped');
        let r = run('openssl', ['ts', '-query', '-data', file('data.bin'), '-sha256', '-cert', '-out', file('req.tsq')]);
        assert.equal(r.status, 0, r.stderr);
        writeFileSync(file('resp.tsr'), authority().respond(readFileSync(file('req.tsq'))));
        r = run('openssl', ['ts', '-reply', '-in', file('resp.tsr'), '-text']);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /Status: Granted\./);
        assert.match(r.stdout, /Policy OID: 1\.3\.6\.1\.4\.1\.99999\.1\.1/);
        r = run('openssl', ['ts', '-verify', '-queryfile', file('req.tsq'), '-in', file('resp.tsr'), '-CAfile', file('root.pem'), '-untrusted', file('tsa.pem')]);
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /Verification: OK/);
      });

      it('answers a request with an unsupported hash with a rejection that openssl ts -reply shows', () => {
        writeFileSync(file('data.bin'), 'x');
        let r = run('openssl', ['ts', '-query', '-data', file('data.bin'), '-md5', '-out', file('req.tsq')]);
        assert.equal(r.status, 0, r.stderr);
        writeFileSync(file('resp.tsr'), authority().respond(readFileSync(file('req.tsq'))));
        r = run('openssl', ['ts', '-reply', '-in', file('resp.tsr'), '-text']);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /Status: Rejected\./);
        assert.match(r.stdout, /unrecognized or unsupported algorithm identifier/i);
      });
    });
  });
});
