import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { Timestamper } from '../ports/timestamper.js';
import { EmbeddedTimestamper, TimestampAuthority, verifyTimestampToken } from '../tsa/index.js';
import { buildPadesSignedData } from './build-pades-signed-data.js';
import { parseSignedData } from './parse-signed-data.js';
import { OID } from './oids.js';
import { fixtureSigner, testPki, type FixtureCertificate } from './test-fixtures.js';

const content = Buffer.from('%PDF-1.7 pretend byte ranges of a contract 合同 ... %%EOF');
const contentDigest = createHash('sha256').update(content).digest();

describe('cms', () => {
  describe('buildPadesSignedData()', () => {
    let tmp: ReturnType<typeof tempDir>;
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      tmp = tempDir();
      writeFileSync(join(tmp.dir, 'root.pem'), testPki().root.pem);
      writeFileSync(join(tmp.dir, 'data.bin'), content);
      const flipped = Buffer.from(content);
      flipped[3] ^= 1;
      writeFileSync(join(tmp.dir, 'flipped.bin'), flipped);
    });
    after(() => tmp?.cleanup());

    function opensslVerify(der: Uint8Array, dataFile: string) {
      const sig = join(tmp.dir, 'sig.der');
      writeFileSync(sig, der);
      return run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', join(tmp.dir, dataFile), '-CAfile', join(tmp.dir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null']);
    }

    const signers: [string, () => FixtureCertificate][] = [
      ['RSA-2048', () => testPki().rsa2048],
      ['RSA-3072', () => testPki().rsa3072],
      ['ECDSA P-256', () => testPki().p256],
    ];
    for (const [label, cert] of signers) {
      it(`makes a detached SignedData that openssl cms -verify accepts, with a ${label} signer`, async () => {
        const der = await buildPadesSignedData({ signer: fixtureSigner(cert()), contentDigest });
        const r = opensslVerify(der, 'data.bin');
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /Verification successful/);
      });

      it(`makes a SignedData that openssl rejects once one content byte is flipped, with a ${label} signer`, async () => {
        const der = await buildPadesSignedData({ signer: fixtureSigner(cert()), contentDigest });
        const r = opensslVerify(der, 'flipped.bin');
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /digest failure|Verification failure/i);
      });
    }

    it('signs exactly content-type, message-digest and signing-certificate-v2, with no signing-time', async () => {
      const der = await buildPadesSignedData({ signer: fixtureSigner(testPki().rsa2048), contentDigest });
      const file = join(tmp.dir, 'print.der');
      writeFileSync(file, der);
      const r = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]);
      assert.equal(r.status, 0, r.stderr);
      const signedAttrs = r.stdout.slice(r.stdout.indexOf('signedAttrs:'), r.stdout.indexOf('signatureAlgorithm:', r.stdout.indexOf('signedAttrs:')));
      const objects = [...signedAttrs.matchAll(/object: (\S+)/g)].map((m) => m[1]);
      assert.deepEqual(objects.sort(), ['contentType', 'id-smime-aa-signingCertificateV2', 'messageDigest'].sort());
      assert.doesNotMatch(r.stdout, /signingTime/);
      assert.match(r.stdout, /version: 1/);
      assert.match(r.stdout, /eContent: <ABSENT>/);

      const si = parseSignedData(der).signerInfos[0];
      assert.equal(si.contentType, OID.data);
      assert.deepEqual(Buffer.from(si.messageDigest!), contentDigest);
      assert.equal(si.signingTime, undefined);
      assert.equal(si.essCertV2?.length, 1);
      assert.equal(si.essCertV2![0].hashAlgorithm, 'sha256');
      assert.deepEqual(Buffer.from(si.essCertV2![0].certHash), createHash('sha256').update(testPki().rsa2048.certificate).digest());
    });

    it('uses rsaEncryption for RSA and ecdsa-with-SHA256 for P-256 signers', async () => {
      const rsa = parseSignedData(await buildPadesSignedData({ signer: fixtureSigner(testPki().rsa2048), contentDigest }));
      const ec = parseSignedData(await buildPadesSignedData({ signer: fixtureSigner(testPki().p256), contentDigest }));
      assert.equal(rsa.signerInfos[0].signatureAlgorithm, OID.rsaEncryption);
      assert.equal(ec.signerInfos[0].signatureAlgorithm, OID.ecdsaWithSha256);
    });

    it('carries the signer certificate, its chain and the extra certificates once each, in that order', async () => {
      const pki = testPki();
      const der = await buildPadesSignedData({
        signer: fixtureSigner(pki.rsa2048),
        contentDigest,
        extraCertificates: [pki.tsa.certificate, pki.issuing.certificate, pki.tsa.certificate],
      });
      const sd = parseSignedData(der);
      assert.deepEqual(sd.certificates.map((c) => Buffer.from(c)), [pki.rsa2048.certificate, pki.issuing.certificate, pki.tsa.certificate].map((c) => Buffer.from(c)));
      assert.equal(sd.version, 1);
      assert.deepEqual(sd.digestAlgorithms, [OID.sha256]);
      assert.equal(sd.eContent, undefined);
    });

    it('adds a signature timestamp over the SHA-256 of the signature value when a timestamper is given', async () => {
      const pki = testPki();
      const tsa = new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey });
      const der = await buildPadesSignedData({ signer: fixtureSigner(pki.p256), contentDigest, timestamper: new EmbeddedTimestamper(tsa) });
      const si = parseSignedData(der).signerInfos[0];
      assert.deepEqual(si.unsignedAttrOids, [OID.signatureTimeStampToken]);
      const v = verifyTimestampToken(si.timestampToken!, { digest: createHash('sha256').update(si.signature).digest(), algorithm: 'sha256' });
      assert.deepEqual(v.problems, []);
      assert.equal(v.imprintMatches, true);
      assert.equal(v.signatureValid, true);
      const r = opensslVerify(der, 'data.bin');
      assert.equal(r.status, 0, r.stderr);
    });

    it('rejects a digest of the wrong length with INVALID_ARGUMENT', async () => {
      await assert.rejects(
        buildPadesSignedData({ signer: fixtureSigner(testPki().rsa2048), contentDigest: contentDigest.subarray(0, 20) }),
        (e) => isSignetError(e, 'INVALID_ARGUMENT') && /32-byte SHA256/.test(e.message),
      );
    });

    it('rejects an unknown key algorithm with KEY_UNSUPPORTED', async () => {
      const signer = { ...fixtureSigner(testPki().rsa2048), algorithm: 'ed25519' } as unknown as KeySigner;
      await assert.rejects(buildPadesSignedData({ signer, contentDigest }), (e) => isSignetError(e, 'KEY_UNSUPPORTED'));
    });

    it('reports a timestamper that returns no token as TSA_FAILED', async () => {
      const broken: Timestamper = { timestamp: async () => new Uint8Array([1, 2, 3]) };
      await assert.rejects(
        buildPadesSignedData({ signer: fixtureSigner(testPki().rsa2048), contentDigest, timestamper: broken }),
        (e) => isSignetError(e, 'TSA_FAILED'),
      );
    });

    it('signs the same attributes bytes it embeds (the signer sees the DER SET)', async () => {
      let seen: Uint8Array | undefined;
      const base = fixtureSigner(testPki().rsa2048);
      const signer: KeySigner = { ...base, sign: (data, digest) => ((seen = Uint8Array.from(data)), base.sign(data, digest)) };
      const si = parseSignedData(await buildPadesSignedData({ signer, contentDigest })).signerInfos[0];
      assert.equal(seen![0], 0x31);
      assert.deepEqual(Buffer.from(si.signedAttrsDer!), Buffer.from(seen!));
    });
  });
});
