import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { buildPadesSignedData } from './build-pades-signed-data.js';
import { parseSignedData, type ParsedSignedData } from './parse-signed-data.js';
import { fixtureSigner, testPki, type FixtureCertificate } from './test-fixtures.js';
import { verifySignerInfo } from './verify-signer-info.js';

const contentDigest = createHash('sha256').update('the document').digest();

async function signed(cert: FixtureCertificate): Promise<Uint8Array> {
  return buildPadesSignedData({ signer: fixtureSigner(cert), contentDigest });
}

describe('cms', () => {
  describe('verifySignerInfo()', () => {
    for (const [label, pick, algorithm] of [
      ['RSA-2048', () => testPki().rsa2048, 'RSA-SHA256'],
      ['RSA-3072', () => testPki().rsa3072, 'RSA-SHA256'],
      ['ECDSA P-256', () => testPki().p256, 'ECDSA-SHA256'],
    ] as const) {
      it(`accepts an untouched ${label} signature and names the signer certificate`, async () => {
        const v = verifySignerInfo(parseSignedData(await signed(pick())), 0, contentDigest);
        assert.deepEqual(v.problems, []);
        assert.equal(v.digestMatches, true);
        assert.equal(v.signatureValid, true);
        assert.equal(v.essCertMatches, true);
        assert.equal(v.algorithm, algorithm);
        assert.deepEqual(Buffer.from(v.signerCertificate!), Buffer.from(pick().certificate));
      });
    }

    it('reports a tampered signature value as signatureValid false', async () => {
      const der = Buffer.from(await signed(testPki().rsa2048));
      const sig = parseSignedData(der).signerInfos[0].signature;
      sig[10] ^= 0x40; // a view into der
      const v = verifySignerInfo(parseSignedData(der), 0, contentDigest);
      assert.equal(v.signatureValid, false);
      assert.equal(v.digestMatches, true);
      assert.match(v.problems.join('\n'), /does not verify/);
    });

    it('reports a tampered ECDSA signature as signatureValid false', async () => {
      const der = Buffer.from(await signed(testPki().p256));
      const sig = parseSignedData(der).signerInfos[0].signature;
      sig[sig.length - 3] ^= 0x01;
      assert.equal(verifySignerInfo(parseSignedData(der), 0, contentDigest).signatureValid, false);
    });

    it('reports another content digest as digestMatches false', async () => {
      const v = verifySignerInfo(parseSignedData(await signed(testPki().rsa2048)), 0, createHash('sha256').update('another').digest());
      assert.equal(v.digestMatches, false);
      assert.equal(v.signatureValid, true);
      assert.match(v.problems.join('\n'), /changed after signing/);
    });

    it('finds the signer certificate among the extra certificates when the CMS lacks it', async () => {
      const sd = parseSignedData(await signed(testPki().rsa2048));
      const stripped: ParsedSignedData = { ...sd, certificates: [] };
      const without = verifySignerInfo(stripped, 0, contentDigest);
      assert.equal(without.signatureValid, false);
      assert.equal(without.signerCertificate, undefined);
      assert.match(without.problems.join('\n'), /signer certificate/);
      const withExtra = verifySignerInfo(stripped, 0, contentDigest, [testPki().issuing.certificate, testPki().rsa2048.certificate]);
      assert.equal(withExtra.signatureValid, true);
      assert.equal(withExtra.essCertMatches, true);
    });

    it('throws INVALID_ARGUMENT for a SignerInfo index that does not exist', async () => {
      const sd = parseSignedData(await signed(testPki().rsa2048));
      assert.throws(() => verifySignerInfo(sd, 1, contentDigest), (e) => isSignetError(e, 'INVALID_ARGUMENT'));
    });

    describe('with CMS made by openssl', () => {
      let tmp: ReturnType<typeof tempDir>;
      before(function () {
        requireTool(this, 'openssl', 'openssl');
        tmp = tempDir();
        writeFileSync(join(tmp.dir, 'data.bin'), 'the document');
      });
      after(() => tmp?.cleanup());

      function opensslSign(cert: FixtureCertificate, ...extra: string[]): ParsedSignedData {
        writeFileSync(join(tmp.dir, 'signer.pem'), cert.pem);
        writeFileSync(join(tmp.dir, 'key.pem'), cert.privateKey.export({ type: 'pkcs8', format: 'pem' }));
        const out = join(tmp.dir, 'sig.der');
        const r = run('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', join(tmp.dir, 'data.bin'), '-signer', join(tmp.dir, 'signer.pem'), '-inkey', join(tmp.dir, 'key.pem'), '-out', out, ...extra]);
        assert.equal(r.status, 0, r.stderr);
        return parseSignedData(readFileSync(out));
      }

      it('verifies an openssl CAdES signature, including its ESS signing-certificate-v2', () => {
        const v = verifySignerInfo(opensslSign(testPki().rsa3072, '-md', 'sha256', '-cades'), 0, contentDigest);
        assert.deepEqual(v.problems, []);
        assert.equal(v.signatureValid, true);
        assert.equal(v.essCertMatches, true);
      });

      it('verifies an RSASSA-PSS signature', () => {
        const v = verifySignerInfo(opensslSign(testPki().rsa2048, '-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss'), 0, contentDigest);
        assert.deepEqual(v.problems, []);
        assert.equal(v.algorithm, 'RSASSA-PSS-SHA256');
        assert.equal(v.signatureValid, true);
      });

      it('verifies a SHA-384 ECDSA signature', () => {
        const v = verifySignerInfo(opensslSign(testPki().p256, '-md', 'sha384'), 0, createHash('sha384').update('the document').digest());
        assert.deepEqual(v.problems, []);
        assert.equal(v.algorithm, 'ECDSA-SHA384');
      });

      it('verifies an RSA signature without signed attributes against the content digest', () => {
        const sd = opensslSign(testPki().rsa2048, '-md', 'sha256', '-noattr');
        const good = verifySignerInfo(sd, 0, contentDigest);
        assert.deepEqual(good.problems, []);
        assert.equal(good.signatureValid && good.digestMatches, true);
        assert.equal(good.essCertMatches, undefined);
        const bad = verifySignerInfo(sd, 0, createHash('sha256').update('other').digest());
        assert.equal(bad.digestMatches, false);
      });
    });
  });
});
