import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { sampleIdCardNumber } from '../identity/samples.js';
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  buildCertificate,
  keyUsageExtension,
  randomSerial,
  subjectKeyIdentifierExtension,
} from './build-certificate.js';
import { buildCrl } from './crl.js';
import { createEmbeddedPki, type EmbeddedPki } from './embedded-pki.js';
import { issuePersonCertificate, type CaMaterial } from './issue-certificate.js';
import { generateKeyPair, type KeyPair } from './keys.js';
import { buildOcspResponse, certIdFor } from './ocsp.js';
import { parseCertificate } from './parse-certificate.js';
import { derToPem } from './pem.js';
import { validateChain } from './validate-chain.js';

const baseUrl = 'http://localhost:8080';
const created = new Date('2026-01-01T00:00:00Z');
const issued = new Date('2026-02-01T00:00:00Z');
const signedAt = new Date('2026-03-01T00:00:00Z');

describe('pki/validate-chain', () => {
  let pki: EmbeddedPki;
  let key: KeyPair;
  let leaf: Uint8Array;
  let base: { intermediates: Uint8Array[]; anchors: Uint8Array[]; at: Date };
  before(() => {
    pki = createEmbeddedPki({ baseUrl, now: created });
    key = generateKeyPair('rsa-2048');
    leaf = issuePersonCertificate(pki.issuing, { name: '张三', idNumber: sampleIdCardNumber(8) }, { publicKey: key.publicKey, baseUrl, now: issued, validityDays: 365 });
    base = { intermediates: [pki.issuing.certificate], anchors: [pki.root.certificate], at: signedAt };
  });

  function crls(revokedLeafAt?: Date): Uint8Array[] {
    const thisUpdate = new Date('2026-03-05T00:00:00Z');
    const nextUpdate = new Date('2026-03-12T00:00:00Z');
    const revoked = revokedLeafAt ? [{ serialHex: parseCertificate(leaf).serialHex, revokedAt: revokedLeafAt, reason: 'keyCompromise' as const }] : [];
    return [buildCrl(pki.issuing, revoked, { thisUpdate, nextUpdate, crlNumber: 1 }), buildCrl(pki.root, [], { thisUpdate, nextUpdate, crlNumber: 1 })];
  }

  function ocsp(responder: CaMaterial, status: 'good' | 'revoked' | 'unknown', revokedAt?: Date): Uint8Array {
    const issuer = parseCertificate(pki.issuing.certificate);
    const thisUpdate = new Date('2026-03-05T00:00:00Z');
    return buildOcspResponse(responder, [{ certId: certIdFor(parseCertificate(leaf), issuer), status, revokedAt, thisUpdate }], { producedAt: thisUpdate });
  }

  it('trusts leaf → issuing CA → root and reports the chain leaf first', () => {
    const r = validateChain(leaf, base);
    assert.deepEqual(r.problems, []);
    assert.equal(r.trusted, true);
    assert.deepEqual(
      r.chain.map((c) => c.subject.CN),
      ['张三', 'Signet Demo CA Issuing CA', 'Signet Demo CA Root'],
    );
    assert.deepEqual(
      r.revocation.map((x) => x.status),
      ['not-checked', 'not-checked'],
    );
    assert.equal(r.revocation[0].subject, `serialNumber=${parseCertificate(leaf).subject.serialNumber}, CN=张三, C=CN`);
  });

  it('finds the issuer among extra, unrelated intermediates', () => {
    const other = createEmbeddedPki({ baseUrl, now: created });
    const r = validateChain(leaf, { ...base, intermediates: [other.issuing.certificate, pki.tsa.certificate, pki.issuing.certificate] });
    assert.equal(r.trusted, true, r.problems.join('; '));
  });

  it('does not trust an expired leaf', () => {
    const r = validateChain(leaf, { ...base, at: new Date('2027-03-01T00:00:00Z') });
    assert.equal(r.trusted, false);
    assert.match(r.problems.join('\n'), /"serialNumber=IDH:[0-9a-f]+, CN=张三, C=CN" expired on 2027-02-01T00:00:00\.000Z/);
  });

  it('does not trust a leaf before its notBefore', () => {
    const r = validateChain(leaf, { ...base, at: new Date('2026-01-15T00:00:00Z') });
    assert.equal(r.trusted, false);
    assert.match(r.problems.join('\n'), /is not valid before/);
  });

  it('does not trust a chain to the wrong anchor', () => {
    const other = createEmbeddedPki({ baseUrl, now: created });
    const r = validateChain(leaf, { ...base, anchors: [other.root.certificate] });
    assert.equal(r.trusted, false);
    assert.equal(r.chain.length, 2);
    assert.match(r.problems.join('\n'), /issuer of "CN=Signet Demo CA Issuing CA, O=Signet Demo CA, C=CN" \("CN=Signet Demo CA Root, O=Signet Demo CA, C=CN"\) was not found/);
  });

  it('does not trust a look-alike root with the same name but another key', () => {
    const other = createEmbeddedPki({ baseUrl, now: created });
    const r = validateChain(leaf, { ...base, intermediates: [other.issuing.certificate], anchors: [pki.root.certificate] });
    assert.equal(r.trusted, false);
    assert.match(r.problems.join('\n'), /not found|does not verify/);
  });

  it('does not trust a leaf whose issuer is unknown', () => {
    const r = validateChain(leaf, { ...base, intermediates: [] });
    assert.equal(r.trusted, false);
    assert.equal(r.chain.length, 1);
    assert.match(r.problems[0], /The issuer of "serialNumber=IDH:[0-9a-f]+, CN=张三, C=CN" \("CN=Signet Demo CA Issuing CA, O=Signet Demo CA, C=CN"\) was not found/);
  });

  it('does not trust a self-signed certificate that is not an anchor', () => {
    const r = validateChain(pki.root.certificate, { ...base, anchors: [] });
    assert.equal(r.trusted, false);
    assert.match(r.problems[0], /self-signed certificate "CN=Signet Demo CA Root.*not a trust anchor/);
  });

  it('does not trust a leaf whose signature bytes were altered', () => {
    const tampered = new Uint8Array(leaf);
    tampered[tampered.length - 10] ^= 0xff;
    const r = validateChain(tampered, base);
    assert.equal(r.trusted, false);
    assert.match(r.problems.join('\n'), /signature of .* does not verify/);
  });

  describe('revocation', () => {
    it('reports good for every certificate covered by CRLs', () => {
      const r = validateChain(leaf, { ...base, crls: crls() });
      assert.equal(r.trusted, true, r.problems.join('; '));
      assert.deepEqual(
        r.revocation.map((x) => [x.status, x.source]),
        [['good', 'crl'], ['good', 'crl']],
      );
    });

    it('does not trust a leaf revoked via CRL before the validation time', () => {
      const r = validateChain(leaf, { ...base, crls: crls(new Date('2026-02-15T00:00:00Z')) });
      assert.equal(r.trusted, false);
      assert.equal(r.revocation[0].status, 'revoked');
      assert.equal(r.revocation[0].source, 'crl');
      assert.equal(r.revocation[0].revokedAt!.toISOString(), '2026-02-15T00:00:00.000Z');
      assert.match(r.problems.join('\n'), /was revoked on 2026-02-15T00:00:00\.000Z \(crl\)/);
    });

    it('still trusts a signature made before the revocation, with a warning', () => {
      const r = validateChain(leaf, { ...base, crls: crls(new Date('2026-03-02T00:00:00Z')) });
      assert.equal(r.trusted, true, r.problems.join('; '));
      assert.equal(r.revocation[0].status, 'revoked');
      assert.match(r.warnings.join('\n'), /revoked on 2026-03-02.*after 2026-03-01/);
    });

    it('does not trust a leaf revoked via OCSP', () => {
      const r = validateChain(leaf, { ...base, ocsps: [ocsp(pki.issuing, 'revoked', new Date('2026-02-20T00:00:00Z'))] });
      assert.equal(r.trusted, false);
      assert.deepEqual([r.revocation[0].status, r.revocation[0].source], ['revoked', 'ocsp']);
      assert.match(r.problems.join('\n'), /\(ocsp\)/);
    });

    it('takes OCSP for the leaf and CRLs for the issuing CA', () => {
      const r = validateChain(leaf, { ...base, ocsps: [ocsp(pki.issuing, 'good')], crls: [crls()[1]] });
      assert.equal(r.trusted, true, r.problems.join('; '));
      assert.deepEqual(
        r.revocation.map((x) => [x.status, x.source]),
        [['good', 'ocsp'], ['good', 'crl']],
      );
    });

    it('ignores an OCSP response signed by someone else, with a warning', () => {
      const other = createEmbeddedPki({ baseUrl, now: created });
      const r = validateChain(leaf, { ...base, ocsps: [ocsp(other.issuing, 'good')] });
      assert.equal(r.revocation[0].status, 'unknown');
      assert.match(r.warnings.join('\n'), /not signed by its issuer/);
      assert.equal(r.trusted, true);
    });

    it('ignores a CRL signed by someone else, with a warning', () => {
      const other = createEmbeddedPki({ baseUrl, now: created });
      const fake = buildCrl(other.issuing, [], { thisUpdate: signedAt, nextUpdate: new Date('2026-04-01T00:00:00Z'), crlNumber: 1 });
      const r = validateChain(leaf, { ...base, crls: [fake] });
      assert.equal(r.revocation[0].status, 'unknown');
      assert.match(r.warnings.join('\n'), /not validly signed/);
    });

    it('reports unknown for an OCSP "unknown" answer', () => {
      const r = validateChain(leaf, { ...base, ocsps: [ocsp(pki.issuing, 'unknown')] });
      assert.equal(r.revocation[0].status, 'unknown');
    });
  });

  describe('CA constraints', () => {
    function subCa(parent: CaMaterial, k: KeyPair, ca: boolean): Uint8Array {
      const p = parseCertificate(parent.certificate);
      const spkiDer = new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' }));
      return buildCertificate(
        {
          serial: randomSerial(),
          issuerDer: p.subjectDer,
          subject: [{ type: 'C', value: 'CN' }, { type: 'CN', value: ca ? 'Sub CA' : 'Not a CA' }],
          notBefore: created,
          notAfter: new Date('2030-01-01T00:00:00Z'),
          spkiDer,
          extensions: [
            basicConstraintsExtension(ca),
            keyUsageExtension(ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']),
            authorityKeyIdentifierExtension(p.spkiDer),
            subjectKeyIdentifierExtension(spkiDer),
          ],
        },
        parent.privateKey,
      );
    }

    it('does not trust a CA below the issuing CA (pathLenConstraint 0)', () => {
      const k = generateKeyPair('ecdsa-p256');
      const sub = { certificate: subCa(pki.issuing, k, true), privateKey: k.privateKey };
      const deep = issuePersonCertificate(sub, { name: '张三', idNumber: sampleIdCardNumber(8) }, { publicKey: key.publicKey, baseUrl, now: issued });
      const r = validateChain(deep, { ...base, intermediates: [pki.issuing.certificate, sub.certificate] });
      assert.equal(r.trusted, false);
      assert.equal(r.chain.length, 4);
      assert.match(r.problems.join('\n'), /pathLenConstraint/);
    });

    it('does not trust a certificate issued by an end entity', () => {
      const k = generateKeyPair('ecdsa-p256');
      const notCa = subCa(pki.issuing, k, false);
      const p = parseCertificate(notCa);
      const spkiDer = new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' }));
      const child = buildCertificate(
        { serial: randomSerial(), issuerDer: p.subjectDer, subject: [{ type: 'CN', value: 'child' }], notBefore: created, notAfter: new Date('2028-01-01'), spkiDer, extensions: [basicConstraintsExtension(false)] },
        k.privateKey,
      );
      const r = validateChain(child, { ...base, intermediates: [pki.issuing.certificate, notCa] });
      assert.equal(r.trusted, false);
      assert.match(r.problems.join('\n'), /is not a CA/);
      assert.match(r.problems.join('\n'), /lacks the keyCertSign/);
    });
  });

  describe('agrees with openssl', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      ({ dir, cleanup } = tempDir());
    });
    after(() => cleanup?.());

    it('openssl also finds the leaf revoked with the same CRLs', () => {
      const [issuingCrl, rootCrl] = crls(new Date('2026-02-15T00:00:00Z'));
      writeFileSync(join(dir, 'root.pem'), derToPem(pki.root.certificate));
      writeFileSync(join(dir, 'issuing.pem'), derToPem(pki.issuing.certificate));
      writeFileSync(join(dir, 'leaf.pem'), derToPem(leaf));
      writeFileSync(join(dir, 'crls.pem'), derToPem(issuingCrl, 'X509 CRL') + derToPem(rootCrl, 'X509 CRL'));
      const at = String(Date.parse('2026-03-06T00:00:00Z') / 1000);
      const r = run('openssl', ['verify', '-attime', at, '-crl_check_all', '-CRLfile', join(dir, 'crls.pem'), '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), join(dir, 'leaf.pem')]);
      assert.notEqual(r.status, 0);
      assert.match(r.stdout + r.stderr, /certificate revoked/);
      const good = crls();
      writeFileSync(join(dir, 'good.pem'), derToPem(good[0], 'X509 CRL') + derToPem(good[1], 'X509 CRL'));
      const ok = run('openssl', ['verify', '-attime', at, '-crl_check_all', '-CRLfile', join(dir, 'good.pem'), '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), join(dir, 'leaf.pem')]);
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    });
  });
});
