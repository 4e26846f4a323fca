import { createHash, sign } from 'node:crypto';
import { EmbeddedTimestamper, TimestampAuthority, verifyTimestampToken } from '../tsa/index.js';
import { buildPadesSignedData } from './build-pades-signed-data.js';
import { parseSignedData } from './parse-signed-data.js';
import { fixtureSigner, testPki } from './test-fixtures.js';
import { verifySignerInfo } from './verify-signer-info.js';

/** Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second. */
async function rate(fn: () => unknown, ms = 600): Promise<number> {
  for (let i = 0; i < 20; i++) await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 10; i++) await fn();
    n += 10;
  }
  return n / ((performance.now() - start) / 1000);
}

const fmt = (r: number) => `${Math.round(r).toLocaleString('en-US')} ops/s`;
const us = (r: number) => `${(1e6 / r).toFixed(1)} µs`;

describe('cms and tsa performance (prints rates, asserts nothing)', function () {
  this.timeout(120_000);

  it('builds, time-stamps and verifies PAdES CMS with little overhead over the RSA operation', async () => {
    const pki = testPki();
    const signer = fixtureSigner(pki.rsa2048);
    const tsa = new TimestampAuthority({ certificate: pki.tsa.certificate, privateKey: pki.tsa.privateKey });
    const timestamper = new EmbeddedTimestamper(tsa);
    const digest = createHash('sha256').update('benchmark').digest();
    const attrsSized = new Uint8Array(200);

    const raw = await rate(() => sign('sha256', attrsSized, pki.rsa2048.privateKey));
    const bb = await rate(() => buildPadesSignedData({ signer, contentDigest: digest }));
    const bt = await rate(() => buildPadesSignedData({ signer, contentDigest: digest, timestamper }));
    const issue = await rate(() => tsa.issueToken(digest, 'sha256'));
    const cmsBB = await buildPadesSignedData({ signer, contentDigest: digest });
    const cmsBT = await buildPadesSignedData({ signer, contentDigest: digest, timestamper });
    const verifyBB = await rate(() => verifySignerInfo(parseSignedData(cmsBB), 0, digest));
    const verifyBT = await rate(() => {
      const sd = parseSignedData(cmsBT);
      verifySignerInfo(sd, 0, digest);
      verifyTimestampToken(sd.signerInfos[0].timestampToken!, { content: sd.signerInfos[0].signature });
    });
    const parse = await rate(() => parseSignedData(cmsBT));

    console.log(`
      raw crypto.sign RSA-2048              ${fmt(raw)}  (${us(raw)})
      buildPadesSignedData B-B, RSA-2048     ${fmt(bb)}  = ${((bb / raw) * 100).toFixed(0)}% of raw; overhead ${(1e6 / bb - 1e6 / raw).toFixed(1)} µs/op
      buildPadesSignedData B-T (embedded TSA) ${fmt(bt)}  = ${((bt / (raw / 2)) * 100).toFixed(0)}% of raw/2
      TimestampAuthority.issueToken          ${fmt(issue)}  = ${((issue / raw) * 100).toFixed(0)}% of raw
      parse + verify B-B SignerInfo          ${fmt(verifyBB)}
      parse + verify B-T (+ token)           ${fmt(verifyBT)}
      parseSignedData (B-T CMS)              ${fmt(parse)}  (${us(parse)})`);
  });
});
