import assert from 'node:assert/strict';
import { createHash, sign } from 'node:crypto';
import { isSignetError } from '../errors.js';
import { testPki, type FixtureCertificate } from '../cms/test-fixtures.js';
import { oid, TAG, tlv } from '../cms/der.js';
import { OID } from '../cms/oids.js';
import * as enc from '../cms/signed-data-encoder.js';
import { parseSignedData } from '../cms/parse-signed-data.js';
import { TimestampAuthority } from './timestamp-authority.js';
import { parseTimestampToken, verifyTimestampToken } from './timestamp-token.js';

const content = Buffer.from('a signature value, say');
const digest = createHash('sha256').update(content).digest();

/** Wraps a TSTInfo in a token signed by any certificate, bypassing TimestampAuthority's EKU check. */
function tokenSignedBy(cert: FixtureCertificate, tstInfo: Uint8Array): Uint8Array {
  const id = enc.signerIdentity(cert.certificate);
  const attrs = enc.signedAttributesSet([
    enc.contentTypeAttribute(OID.tstInfo),
    enc.messageDigestAttribute(createHash('sha256').update(tstInfo).digest()),
    id.essAttribute,
  ]);
  const signerInfo = enc.encodeSignerInfo({
    sid: id.sid,
    digestAlgId: enc.digestAlgId('sha256'),
    signedAttrsSet: attrs,
    signatureAlgId: enc.signatureAlgId('rsa', 'sha256'),
    signature: sign('sha256', attrs, cert.privateKey),
  });
  return enc.encodeSignedDataContentInfo({
    version: enc.VERSION_3,
    digestAlgId: enc.digestAlgId('sha256'),
    encapContentInfo: tlv(TAG.SEQUENCE, oid(OID.tstInfo), tlv(0xa0, tlv(TAG.OCTET_STRING, tstInfo))),
    certificatesContent: cert.certificate,
    signerInfo,
  });
}

function tsa() {
  return new TimestampAuthority({ certificate: testPki().tsa.certificate, privateKey: testPki().tsa.privateKey, chain: [] });
}

describe('tsa', () => {
  describe('verifyTimestampToken()', () => {
    it('accepts a fresh token given the digest or the content', () => {
      const token = tsa().issueToken(digest, 'sha256');
      for (const data of [{ digest, algorithm: 'sha256' }, { digest, algorithm: '2.16.840.1.101.3.4.2.1' }, { content }]) {
        const v = verifyTimestampToken(token, data);
        assert.deepEqual(v.problems, []);
        assert.equal(v.imprintMatches, true);
        assert.equal(v.signatureValid, true);
        assert.equal(v.ekuTimestampingCritical, true);
        assert.deepEqual(Buffer.from(v.tsaCertificate!), Buffer.from(testPki().tsa.certificate));
      }
    });

    it('reports a token over other data as imprintMatches false', () => {
      const v = verifyTimestampToken(tsa().issueToken(digest, 'sha256'), { content: Buffer.from('something else') });
      assert.equal(v.imprintMatches, false);
      assert.equal(v.signatureValid, true);
      assert.match(v.problems.join('\n'), /does not cover this data/);
    });

    it('reports the same digest under another algorithm name as imprintMatches false', () => {
      const d512 = createHash('sha512').update(content).digest();
      const v = verifyTimestampToken(tsa().issueToken(d512, 'sha512'), { digest: d512, algorithm: 'sha384' });
      assert.equal(v.imprintMatches, false);
    });

    it('reports a tampered TSA signature as signatureValid false', () => {
      const token = Buffer.from(tsa().issueToken(digest, 'sha256'));
      parseSignedData(token).signerInfos[0].signature[5] ^= 1;
      const v = verifyTimestampToken(token, { digest, algorithm: 'sha256' });
      assert.equal(v.signatureValid, false);
      assert.equal(v.imprintMatches, true);
    });

    it('reports a TSTInfo changed after signing as signatureValid false', () => {
      const token = Buffer.from(tsa().issueToken(digest, 'sha256'));
      const tst = parseSignedData(token).eContent!;
      tst[tst.length - 20] ^= 1; // inside the serial number or genTime
      const v = verifyTimestampToken(token, { digest, algorithm: 'sha256' });
      assert.equal(v.signatureValid, false);
      assert.match(v.problems.join('\n'), /message-digest/);
    });

    it('reports a token whose TSA certificate is neither in it nor given', () => {
      const token = tsa().issueToken(digest, 'sha256', { certReq: false });
      const v = verifyTimestampToken(token, { digest, algorithm: 'sha256' }, [testPki().rsa2048.certificate]);
      assert.equal(v.signatureValid, false);
      assert.equal(v.tsaCertificate, undefined);
      assert.equal(v.ekuTimestampingCritical, undefined);
      assert.match(v.problems.join('\n'), /signer certificate/);
    });

    it('reports a token signed by a certificate without the timeStamping EKU (RFC 3161 §2.3)', () => {
      const tstInfo = parseSignedData(tsa().issueToken(digest, 'sha256')).eContent!;
      const v = verifyTimestampToken(tokenSignedBy(testPki().rsa2048, tstInfo), { digest, algorithm: 'sha256' });
      assert.equal(v.signatureValid, true);
      assert.equal(v.ekuTimestampingCritical, false);
      assert.match(v.problems.join('\n'), /timeStamping/);
    });

    it('tolerates zero padding after the token', () => {
      const token = tsa().issueToken(digest, 'sha256');
      const padded = new Uint8Array(token.length + 100);
      padded.set(token);
      assert.deepEqual(verifyTimestampToken(padded, { content }).problems, []);
    });
  });

  describe('parseTimestampToken()', () => {
    it('refuses a SignedData that is not over a TSTInfo with REQUEST_MALFORMED', async () => {
      const { buildPadesSignedData } = await import('../cms/build-pades-signed-data.js');
      const { fixtureSigner } = await import('../cms/test-fixtures.js');
      const cms = await buildPadesSignedData({ signer: fixtureSigner(testPki().rsa2048), contentDigest: digest });
      assert.throws(() => parseTimestampToken(cms), (e) => isSignetError(e, 'REQUEST_MALFORMED') && /id-ct-TSTInfo/.test(e.message));
    });
  });
});
