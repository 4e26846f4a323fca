import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import {
  HttpTimestamper, buildOcspRequest, buildTimestampRequest, certIdFor, parseCertificate, parseCrl, parseOcspResponse,
  parseTimestampResponse, verifyTimestampToken, signPdf, verifyPdf, sampleIdCardNumber,
} from '@signet/core';
import { corpusFile, tempDir } from '@signet/test-support';
import type { VerificationReport } from '@signet/core';

interface ApiError {
  code: string;
  message: string;
}
import { createApp } from './app.js';
import { openInstallation, type Installation } from './installation.js';
import { openApiDocument } from './http/openapi.js';

describe('server app', function () {
  this.timeout(60_000);
  let inst: Installation;
  let server: Server;
  let base: string;
  let cleanup: () => void;

  before(async () => {
    const t = tempDir('signet-app-');
    cleanup = t.cleanup;
    inst = openInstallation({ dataDir: join(t.dir, 'data'), create: true, baseUrl: 'http://127.0.0.1:1' });
    const app = createApp({ installation: inst, maxUploadBytes: 2 * 1024 * 1024 });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server?.close();
    cleanup?.();
  });

  const signedPdf = async () => {
    const signer = inst.pki.signerFor({ kind: 'person', name: '李四', idNumber: sampleIdCardNumber(7) });
    return signPdf(corpusFile('unsigned.pdf'), { signer, level: 'B-T', timestamper: inst.timestamper });
  };

  describe('POST /api/v1/verify', () => {
    it('returns the report of a signed PDF', async () => {
      const res = await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: await signedPdf() });
      assert.equal(res.status, 200);
      const report = (await res.json()) as VerificationReport;
      assert.equal(report.valid, true);
      assert.equal(report.signatures[0].signer?.commonName, '李四');
      assert.equal(report.signatures[0].padesLevel, 'B-T');
    });

    it('answers a file that is not a PDF with 422 PDF_NOT_PDF', async () => {
      const res = await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: 'hello' });
      assert.equal(res.status, 422);
      assert.equal(((await res.json()) as ApiError).code, 'PDF_NOT_PDF');
    });

    it('answers an empty body with 400 and says how to send the file', async () => {
      const res = await fetch(`${base}/api/v1/verify`, { method: 'POST' });
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as ApiError).message, /application\/pdf/);
    });

    it('answers an oversized upload with 413', async () => {
      const res = await fetch(`${base}/api/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(3 * 1024 * 1024) });
      assert.equal(res.status, 413);
      assert.equal(((await res.json()) as ApiError).code, 'PAYLOAD_TOO_LARGE');
    });

    it('is described by the OpenAPI document, as is every /api/v1 route', async () => {
      const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.equal(doc.openapi, '3.1.0');
      const app = createApp({ installation: inst }) as unknown as { router: { stack: { route?: { path: string | string[]; methods: Record<string, boolean> } }[] } };
      const routes = app.router.stack.filter((l) => l.route).flatMap((l) => {
        const paths = Array.isArray(l.route!.path) ? l.route!.path : [l.route!.path];
        return paths.flatMap((p) => Object.keys(l.route!.methods).map((m) => ({ path: p, method: m })));
      });
      const api = routes.filter((r) => r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json');
      assert.ok(api.length > 0);
      for (const r of api) {
        const p = r.path.replace('/api/v1', '').replace(/:(\w+)/g, '{$1}');
        assert.ok(openApiDocument().paths && (doc.paths[p]?.[r.method]), `${r.method.toUpperCase()} ${r.path} is missing from the OpenAPI document`);
      }
    });
  });

  describe('GET /verify', () => {
    it('serves the bilingual, mobile-ready verification page', async () => {
      const res = await fetch(`${base}/verify`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /<html lang="zh-CN">/);
      assert.match(html, /name="viewport"/);
      assert.match(html, /验证 PDF 签名/);
      assert.match(html, /Verify PDF signatures/);
      assert.doesNotMatch(html, /https?:\/\/(?!localhost)[a-z]/i, 'no CDN or external resources');
    });
  });

  describe('PKI endpoints', () => {
    it('publishes the trust anchor as PEM', async () => {
      const pem = await (await fetch(`${base}/pki/root.pem`)).text();
      assert.equal(parseCertificate(pem).sha256Hex, parseCertificate(inst.pki.rootCertificate).sha256Hex);
    });

    it('publishes CRLs signed by their CA', async () => {
      const der = new Uint8Array(await (await fetch(`${base}/pki/crl/issuing.crl`)).arrayBuffer());
      const crl = parseCrl(der);
      assert.ok(crl.verify(parseCertificate(inst.pki.pki.issuing.certificate)));
      assert.equal((await fetch(`${base}/pki/crl/other.crl`)).status, 404);
    });

    it('answers OCSP: good for an issued certificate, revoked after revocation, unknown for a stranger', async () => {
      const signer = inst.pki.signerFor({ kind: 'person', name: '王五', idNumber: sampleIdCardNumber(8) });
      const leaf = parseCertificate(signer.certificate);
      const issuer = parseCertificate(inst.pki.pki.issuing.certificate);
      const ask = async (serialOverride?: string) => {
        const id = certIdFor(leaf, issuer);
        const req = buildOcspRequest([serialOverride ? { ...id, serialHex: serialOverride } : id]);
        const res = await fetch(`${base}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: req });
        assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
        const parsed = parseOcspResponse(new Uint8Array(await res.arrayBuffer()));
        assert.ok(parsed.verify(issuer));
        return parsed.responses[0].status;
      };
      assert.equal(await ask(), 'good');
      assert.equal(await ask('0badc0de'), 'unknown');
      inst.pki.revoke(leaf.serialHex, 'keyCompromise');
      assert.equal(await ask(), 'revoked');
      const garbage = await fetch(`${base}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: 'xx' });
      assert.equal(parseOcspResponse(new Uint8Array(await garbage.arrayBuffer())).status, 'malformedRequest');
    });

    it('runs an RFC 3161 TSA that the HTTP timestamper can use for B-T signatures', async () => {
      const digest = new Uint8Array(32).fill(7);
      const res = await fetch(`${base}/tsa`, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: buildTimestampRequest(digest, 'sha256') });
      const resp = parseTimestampResponse(new Uint8Array(await res.arrayBuffer()));
      assert.equal(resp.status, 0);
      assert.ok(verifyTimestampToken(resp.token!, { digest, algorithm: 'sha256' }).signatureValid);

      const signer = inst.pki.signerFor({ kind: 'person', name: '赵六', idNumber: sampleIdCardNumber(9) });
      const signed = await signPdf(corpusFile('unsigned.pdf'), { signer, level: 'B-T', timestamper: new HttpTimestamper(`${base}/tsa`) });
      const report = verifyPdf(signed, { trustAnchors: [inst.pki.rootCertificate] });
      assert.equal(report.valid, true);
      assert.equal(report.signatures[0].timestamp?.valid, true);
    });
  });
});
