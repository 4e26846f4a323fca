import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { sampleIdCardNumber, sampleUscc } from '../identity/samples.js';
import { createEmbeddedPki, type EmbeddedPki } from './embedded-pki.js';
import { hashIdNumber, issueOrganizationCertificate, issuePersonCertificate } from './issue-certificate.js';
import { generateKeyPair, type KeyKind, type KeyPair } from './keys.js';
import { parseCertificate } from './parse-certificate.js';
import { derToPem } from './pem.js';
import { generateKeyPairSync } from 'node:crypto';

const baseUrl = 'http://localhost:8080';
const idNumber = sampleIdCardNumber(11);
const uscc = sampleUscc(11);

describe('pki/issue-certificate', () => {
  let pki: EmbeddedPki;
  let key: KeyPair;
  before(() => {
    pki = createEmbeddedPki({ baseUrl });
    key = generateKeyPair('rsa-2048');
  });

  describe('issuePersonCertificate()', () => {
    it('binds the name and a hash of the ID number, never the number itself', () => {
      const der = issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl });
      const info = parseCertificate(der);
      assert.deepEqual(info.subject, { C: 'CN', CN: '张三', serialNumber: hashIdNumber(idNumber) });
      const bytes = Buffer.from(der);
      assert.equal(bytes.indexOf(idNumber), -1);
      assert.equal(bytes.indexOf(Buffer.from(idNumber, 'utf16le')), -1);
      assert.equal(bytes.indexOf(idNumber.slice(6, 14)), -1, 'not even the birth date');
    });

    it('gives an end-entity profile: CA false, critical non-repudiation, no EKU, AKI/SKI, CRL DP and OCSP', () => {
      const info = parseCertificate(issuePersonCertificate(pki.issuing, { name: '李四', idNumber }, { publicKey: key.publicKey, baseUrl: `${baseUrl}/` }));
      const issuing = parseCertificate(pki.issuing.certificate);
      assert.equal(info.isCa, false);
      assert.deepEqual(info.keyUsage, ['digitalSignature', 'nonRepudiation']);
      assert.equal(info.keyUsageCritical, true);
      assert.deepEqual(info.extKeyUsage, []);
      assert.equal(info.akiHex, issuing.skiHex);
      assert.ok(info.skiHex);
      assert.deepEqual(info.crlUrls, [`${baseUrl}/pki/crl/issuing.crl`]);
      assert.deepEqual(info.ocspUrls, [`${baseUrl}/pki/ocsp`]);
      assert.ok(info.x509.verify(issuing.publicKey));
    });

    it('leaves out authorityInfoAccess when ocsp is false', () => {
      const info = parseCertificate(issuePersonCertificate(pki.issuing, { name: '李四', idNumber }, { publicKey: key.publicKey, baseUrl, ocsp: false }));
      assert.deepEqual(info.ocspUrls, []);
      assert.deepEqual(info.crlUrls, [`${baseUrl}/pki/crl/issuing.crl`]);
    });

    it('is valid 730 days from now by default, or for validityDays, never beyond the CA', () => {
      const now = new Date('2026-01-10T10:20:30.456Z');
      const pkiAtNow = createEmbeddedPki({ baseUrl, now, keys: { root: key, issuing: key, tsa: key } });
      const a = parseCertificate(issuePersonCertificate(pkiAtNow.issuing, { name: '王五', idNumber }, { publicKey: key.publicKey, baseUrl, now }));
      assert.equal(a.notBefore.toISOString(), '2026-01-10T10:20:30.000Z');
      assert.equal(a.notAfter.toISOString(), '2028-01-10T10:20:30.000Z');
      const b = parseCertificate(issuePersonCertificate(pkiAtNow.issuing, { name: '王五', idNumber }, { publicKey: key.publicKey, baseUrl, now, validityDays: 1 }));
      assert.equal(b.notAfter.toISOString(), '2026-01-11T10:20:30.000Z');
      const c = parseCertificate(issuePersonCertificate(pkiAtNow.issuing, { name: '王五', idNumber }, { publicKey: key.publicKey, baseUrl, now, validityDays: 365 * 30 }));
      assert.equal(c.notAfter.getTime(), parseCertificate(pkiAtNow.issuing.certificate).notAfter.getTime());
    });

    it('uses 16 random positive serial octets, or the serial given', () => {
      const serials = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const info = parseCertificate(issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl }));
        assert.equal(info.serialHex.length, 32);
        assert.ok(info.serialBytes[0] < 0x80);
        serials.add(info.serialHex);
      }
      assert.equal(serials.size, 20);
      const fixed = parseCertificate(
        issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl, serial: new Uint8Array([0x00, 0xab, 0xcd]) }),
      );
      assert.equal(fixed.serialHex, 'abcd');
    });

    for (const kind of ['rsa-2048', 'rsa-3072', 'ecdsa-p256'] as KeyKind[]) {
      it(`certifies a ${kind} subject key`, function () {
        this.timeout(20000);
        const k = generateKeyPair(kind);
        const info = parseCertificate(issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: k.publicKey, baseUrl }));
        assert.equal(info.keyAlgorithm, kind === 'ecdsa-p256' ? 'ecdsa-p256' : 'rsa');
        assert.equal(info.keyBits, { 'rsa-2048': 2048, 'rsa-3072': 3072, 'ecdsa-p256': 256 }[kind]);
        assert.deepEqual(info.spkiDer, new Uint8Array(k.publicKey.export({ type: 'spki', format: 'der' })));
      });
    }

    it('rejects an ID number with a wrong check digit (IDENTITY_INVALID)', () => {
      const wrong = idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1');
      assert.throws(
        () => issuePersonCertificate(pki.issuing, { name: '张三', idNumber: wrong }, { publicKey: key.publicKey, baseUrl }),
        (e) => isSignetError(e, 'IDENTITY_INVALID') && !e.message.includes(wrong),
      );
    });

    it('rejects an empty or over-long name (IDENTITY_INVALID)', () => {
      for (const name of ['', '   ', '张'.repeat(65)]) {
        assert.throws(() => issuePersonCertificate(pki.issuing, { name, idNumber }, { publicKey: key.publicKey, baseUrl }), (e) => isSignetError(e, 'IDENTITY_INVALID'));
      }
    });

    it('rejects an RSA-1024 key (KEY_UNSUPPORTED)', () => {
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      assert.throws(() => issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: weak.publicKey, baseUrl }), (e) => isSignetError(e, 'KEY_UNSUPPORTED'));
    });

    it('refuses to issue from a certificate that is not a CA', () => {
      const leaf = issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl });
      assert.throws(
        () => issuePersonCertificate({ certificate: leaf, privateKey: key.privateKey }, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl }),
        (e) => isSignetError(e, 'INVALID_ARGUMENT'),
      );
    });

    it('issues from a pooled key in about a millisecond', () => {
      const start = performance.now();
      for (let i = 0; i < 50; i++) issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl });
      const each = (performance.now() - start) / 50;
      assert.ok(each < 10, `${each.toFixed(2)} ms per certificate`);
    });
  });

  describe('issueOrganizationCertificate()', () => {
    it('puts the name in O and CN and the USCC in organizationIdentifier', () => {
      const info = parseCertificate(issueOrganizationCertificate(pki.issuing, { name: '深圳市某某科技有限公司', uscc }, { publicKey: key.publicKey, baseUrl }));
      assert.deepEqual(info.subject, { C: 'CN', O: '深圳市某某科技有限公司', organizationIdentifier: `NTRCN-${uscc}`, CN: '深圳市某某科技有限公司' });
      assert.deepEqual(info.keyUsage, ['digitalSignature', 'nonRepudiation']);
    });

    it('rejects a USCC with a wrong check character (IDENTITY_INVALID)', () => {
      const wrong = uscc.slice(0, 17) + (uscc[17] === '1' ? '2' : '1');
      assert.throws(
        () => issueOrganizationCertificate(pki.issuing, { name: '某公司', uscc: wrong }, { publicKey: key.publicKey, baseUrl }),
        (e) => isSignetError(e, 'IDENTITY_INVALID'),
      );
    });
  });

  describe('hashIdNumber()', () => {
    it('is IDH: and 32 hex digits, insensitive to the case of X', () => {
      assert.match(hashIdNumber('11010519491231002X'), /^IDH:[0-9a-f]{32}$/);
      assert.equal(hashIdNumber('11010519491231002x'), hashIdNumber('11010519491231002X'));
      assert.notEqual(hashIdNumber(sampleIdCardNumber(1)), hashIdNumber(sampleIdCardNumber(2)));
    });
  });

  describe('with openssl', () => {
    let dir: string;
    let cleanup: () => void;
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      ({ dir, cleanup } = tempDir());
      writeFileSync(join(dir, 'root.pem'), derToPem(pki.root.certificate));
      writeFileSync(join(dir, 'issuing.pem'), derToPem(pki.issuing.certificate));
    });
    after(() => cleanup?.());

    function verifyLeaf(der: Uint8Array, name: string): { verify: string; text: string; subject: string } {
      const path = join(dir, name);
      writeFileSync(path, derToPem(der));
      const v = run('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'issuing.pem'), path]);
      assert.equal(v.status, 0, v.stdout + v.stderr);
      return {
        verify: v.stdout,
        text: run('openssl', ['x509', '-in', path, '-noout', '-text']).stdout,
        subject: run('openssl', ['x509', '-in', path, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,show_type,lname']).stdout,
      };
    }

    it('openssl verifies person certificates for RSA-2048, RSA-3072 and ECDSA P-256 keys', function () {
      this.timeout(20000);
      for (const kind of ['rsa-2048', 'rsa-3072', 'ecdsa-p256'] as KeyKind[]) {
        const k = generateKeyPair(kind);
        const { verify } = verifyLeaf(issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: k.publicKey, baseUrl }), `${kind}.pem`);
        assert.match(verify, /OK/);
      }
    });

    it('openssl shows critical non-repudiation, the CRL DP and OCSP URLs and no EKU', () => {
      const { text } = verifyLeaf(issuePersonCertificate(pki.issuing, { name: '张三', idNumber }, { publicKey: key.publicKey, baseUrl }), 'person.pem');
      assert.match(text, /Key Usage: critical\s+Digital Signature, Non Repudiation/);
      assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
      assert.match(text, /CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/localhost:8080\/pki\/crl\/issuing\.crl/);
      assert.match(text, /OCSP - URI:http:\/\/localhost:8080\/pki\/ocsp/);
      assert.match(text, /Authority Key Identifier/);
      assert.match(text, /Subject Key Identifier/);
      assert.doesNotMatch(text, /Extended Key Usage/);
      assert.ok(!text.includes(idNumber));
    });

    it('openssl reads a Chinese CN as UTF8String and C as PrintableString', () => {
      const { subject } = verifyLeaf(issuePersonCertificate(pki.issuing, { name: '欧阳娜娜', idNumber }, { publicKey: key.publicKey, baseUrl }), 'cjk.pem');
      assert.match(subject, /countryName=PRINTABLESTRING:CN/);
      assert.match(subject, /commonName=UTF8STRING:欧阳娜娜/);
      assert.match(subject, /serialNumber=PRINTABLESTRING:IDH:[0-9a-f]{32}/);
    });

    it('openssl reads the organizationIdentifier of an organization certificate', () => {
      const { subject } = verifyLeaf(
        issueOrganizationCertificate(pki.issuing, { name: '某某科技有限公司', uscc }, { publicKey: key.publicKey, baseUrl }),
        'org.pem',
      );
      assert.match(subject, new RegExp(`organizationIdentifier=UTF8STRING:NTRCN-${uscc}`));
      assert.match(subject, /organizationName=UTF8STRING:某某科技有限公司/);
    });
  });
});
