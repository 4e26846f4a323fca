/**
 * `createApp(deps)` builds the express app and never listens (STYLE.md: acceptance tests drive the
 * app built here; `main.ts` is the one composition root that listens).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { SignetError, isSignetError, verifyPdf, derToPem, parseOcspRequest, buildOcspError, type ErrorCode } from '@signet/core';
import type { Installation } from './installation.js';
import { ERROR_STATUS } from './http/error-status.js';
import { verifyPage } from './pages/verify-page.js';
import { openApiDocument } from './http/openapi.js';

/** What the app needs from the outside. */
export interface AppDeps {
  installation: Installation;
  /** Largest accepted upload in bytes (default 50 MB). */
  maxUploadBytes?: number;
  /** Logger for one line per request (PII-free). */
  log?: (line: string) => void;
}

/** Builds the Signet express app. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const inst = deps.installation;
  const limit = deps.maxUploadBytes ?? 50 * 1024 * 1024;
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const t0 = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      // Paths only: query strings may carry tokens, bodies carry documents.
      deps.log?.(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  });

  const pdfBody = express.raw({ type: ['application/pdf', 'application/octet-stream'], limit });

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/api/v1/openapi.json', (_req, res) => { res.json(openApiDocument()); });

  app.post('/api/v1/verify', pdfBody, (req: Request, res: Response) => {
    const body = req.body as unknown;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new SignetError('INVALID_ARGUMENT', 'Send the PDF as the request body with Content-Type: application/pdf');
    }
    const report = verifyPdf(body, { trustAnchors: [inst.pki.rootCertificate] });
    res.json(report);
  });

  app.get(['/verify', '/verify/'], (_req, res) => {
    res.type('html').send(verifyPage());
  });

  // PKI: trust anchor, CRLs, OCSP responder (RFC 6960 Appendix A over HTTP), TSA (RFC 3161 §3.4).
  app.get('/pki/root.pem', (_req, res) => { res.type('application/x-pem-file').send(derToPem(inst.pki.rootCertificate)); });
  app.get('/pki/root.crt', (_req, res) => { res.type('application/pkix-cert').send(Buffer.from(inst.pki.rootCertificate)); });
  app.get('/pki/crl/:name', (req, res) => {
    const name = String(req.params.name).replace(/\.crl$/, '');
    if (name !== 'root' && name !== 'issuing') throw new SignetError('NOT_FOUND', 'Unknown CRL; use root.crl or issuing.crl');
    res.type('application/pkix-crl').send(Buffer.from(inst.validationData.crl(name)));
  });
  const ocsp = (der: Uint8Array, res: Response) => {
    res.type('application/ocsp-response');
    let request;
    try {
      request = parseOcspRequest(der);
    } catch {
      res.send(Buffer.from(buildOcspError('malformedRequest')));
      return;
    }
    if (request.certIds.length === 0) {
      res.send(Buffer.from(buildOcspError('malformedRequest')));
      return;
    }
    res.send(Buffer.from(inst.validationData.ocspFor(request.certIds[0], { nonce: request.nonce, isIssued: (s) => inst.pki.isIssued(s) })));
  };
  app.post('/pki/ocsp', express.raw({ type: 'application/ocsp-request', limit: 64 * 1024 }), (req, res) => ocsp(req.body as Buffer, res));
  app.get('/pki/ocsp/:req', (req, res) => ocsp(Buffer.from(decodeURIComponent(String(req.params.req)), 'base64'), res));
  app.post('/tsa', express.raw({ type: 'application/timestamp-query', limit: 64 * 1024 }), (req, res) => {
    res.type('application/timestamp-reply').send(Buffer.from(inst.tsa.respond(req.body as Buffer)));
  });

  app.use((req, _res, next) => next(new SignetError('NOT_FOUND', `No route for ${req.method} ${req.path}`)));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (isSignetError(err)) {
      res.status(ERROR_STATUS[err.code]).json({ code: err.code, message: err.message });
    } else if (e?.type === 'entity.too.large') {
      res.status(413).json({ code: 'PAYLOAD_TOO_LARGE', message: `The upload exceeds ${Math.round(limit / 1048576)} MB` });
    } else if (e?.status && e.status < 500) {
      res.status(e.status).json({ code: 'BAD_REQUEST' as ErrorCode | string, message: e.message ?? 'Bad request' });
    } else {
      deps.log?.(`internal error: ${(err as Error)?.message}`);
      res.status(500).json({ code: 'INTERNAL', message: 'Internal error' });
    }
  });
  return app;
}
