import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, run, tempDir } from '@signet/test-support';
import { isSignetError } from '../errors.js';
import { buildPadesSignedData } from './build-pades-signed-data.js';
import { parseSignedData } from './parse-signed-data.js';
import { OID } from './oids.js';
import { fixtureSigner, testPki } from './test-fixtures.js';

const contentDigest = createHash('sha256').update('some content').digest();

describe('cms', () => {
  describe('parseSignedData()', () => {
    it('reads back what buildPadesSignedData wrote', async () => {
      const pki = testPki();
      const sd = parseSignedData(await buildPadesSignedData({ signer: fixtureSigner(pki.rsa2048), contentDigest }));
      assert.equal(sd.version, 1);
      assert.equal(sd.eContentType, OID.data);
      assert.equal(sd.certificates.length, 2);
      assert.deepEqual(sd.crls, []);
      const si = sd.signerInfos[0];
      assert.equal(si.version, 1);
      assert.equal(si.digestAlgorithm, 'sha256');
      assert.ok('issuerDer' in si.sid);
      assert.equal(si.sid.serialHex, new (await import('node:crypto')).X509Certificate(pki.rsa2048.certificate).serialNumber.toLowerCase());
      assert.equal(si.signature.length, 256);
      assert.equal(si.timestampToken, undefined);
      assert.deepEqual(si.unsignedAttrOids, []);
    });

    it('tolerates the zero padding of a PDF /Contents after the DER', async () => {
      const der = await buildPadesSignedData({ signer: fixtureSigner(testPki().p256), contentDigest });
      const padded = new Uint8Array(der.length + 8192);
      padded.set(der);
      const sd = parseSignedData(padded);
      assert.deepEqual(Buffer.from(sd.signerInfos[0].messageDigest!), contentDigest);
    });

    it('rejects non-zero bytes after the DER as REQUEST_MALFORMED', async () => {
      const der = await buildPadesSignedData({ signer: fixtureSigner(testPki().p256), contentDigest });
      const padded = new Uint8Array(der.length + 4);
      padded.set(der);
      padded[der.length + 2] = 7;
      assert.throws(() => parseSignedData(padded), (e) => isSignetError(e, 'REQUEST_MALFORMED') && /CMS is malformed/.test(e.message));
    });

    it('rejects garbage, truncation and other content types as REQUEST_MALFORMED saying "CMS is malformed"', async () => {
      const der = await buildPadesSignedData({ signer: fixtureSigner(testPki().p256), contentDigest });
      for (const bad of [new Uint8Array([1, 2, 3]), der.subarray(0, der.length - 10), Uint8Array.of(0x30, 0x0b, 0x06, 0x09, ...Buffer.from('2a864886f70d010701', 'hex'))]) {
        assert.throws(() => parseSignedData(bad), (e) => isSignetError(e, 'REQUEST_MALFORMED') && /^CMS is malformed/.test(e.message));
      }
    });

    describe('with CMS made by openssl', () => {
      let tmp: ReturnType<typeof tempDir>;
      before(function () {
        requireTool(this, 'openssl', 'openssl');
        tmp = tempDir();
        const pki = testPki();
        writeFileSync(join(tmp.dir, 'signer.pem'), pki.rsa2048.pem);
        writeFileSync(join(tmp.dir, 'key.pem'), pki.rsa2048.privateKey.export({ type: 'pkcs8', format: 'pem' }));
        writeFileSync(join(tmp.dir, 'data.bin'), 'some content');
      });
      after(() => tmp?.cleanup());

      function opensslSign(...extra: string[]): Uint8Array {
        const out = join(tmp.dir, 'sig.der');
        const r = run('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', join(tmp.dir, 'data.bin'), '-signer', join(tmp.dir, 'signer.pem'), '-inkey', join(tmp.dir, 'key.pem'), '-md', 'sha256', '-out', out, ...extra]);
        assert.equal(r.status, 0, r.stderr);
        return readFileSync(out);
      }

      it('reads signing-time and ESS signing-certificate-v2 of a CAdES CMS', () => {
        const si = parseSignedData(opensslSign('-cades')).signerInfos[0];
        assert.ok(si.signingTime instanceof Date && Math.abs(si.signingTime.getTime() - Date.now()) < 5 * 60_000);
        assert.equal(si.essCertV2?.length, 1);
        assert.deepEqual(Buffer.from(si.messageDigest!), contentDigest);
      });

      it('reads an attached (non-detached) SignedData with its eContent', () => {
        const sd = parseSignedData(opensslSign('-nodetach'));
        assert.equal(Buffer.from(sd.eContent!).toString(), 'some content');
      });

      it('reads a SignerInfo without signed attributes', () => {
        const si = parseSignedData(opensslSign('-noattr')).signerInfos[0];
        assert.equal(si.signedAttrsDer, undefined);
        assert.equal(si.messageDigest, undefined);
      });
    });
  });
});
