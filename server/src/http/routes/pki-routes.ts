/**
 * The embedded PKI at the site root: the trust anchor, the CRLs, the OCSP responder (RFC 6960
 * Appendix A: POST, and GET with the base64 request in the path) and the RFC 3161 TSA (§3.4,
 * time-stamp protocol over HTTP).
 */
import { SignetError, buildOcspError, derToPem, parseOcspRequest } from '@signet/core';
import { defineRoute, reply, type Reply } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import type { Installation } from '../../installation.js';

/** The PKI and TSA routes. */
export function pkiRoutes(s: { installation: Installation }): RouteModule {
  const inst = s.installation;
  const ocsp = (der: Uint8Array): Reply => {
    const type = 'application/ocsp-response';
    let request;
    try {
      request = parseOcspRequest(der);
    } catch {
      return reply.bytes(buildOcspError('malformedRequest'), type);
    }
    if (request.certIds.length === 0) return reply.bytes(buildOcspError('malformedRequest'), type);
    return reply.bytes(inst.validationData.ocspFor(request.certIds[0], { nonce: request.nonce, isIssued: (serial) => inst.pki.isIssued(serial) }), type);
  };
  const ocspResponse = { 200: { description: 'An OCSP response (RFC 6960 §4.2); a malformed request gets the malformedRequest status', contentType: 'application/ocsp-response' } };
  return {
    tags: [{ name: 'pki', description: '证书、吊销与时间戳 Trust anchor, revocation (CRL, OCSP) and time-stamps' }],
    routes: [
      defineRoute({
        operationId: 'getRootPem',
        method: 'get',
        path: '/pki/root.pem',
        summary: '根证书 (PEM) The trust anchor as PEM',
        tags: ['pki'],
        auth: ['public'],
        responses: { 200: { description: 'The root CA certificate', contentType: 'application/x-pem-file' } },
        handler: () => reply.bytes(derToPem(inst.pki.rootCertificate), 'application/x-pem-file'),
      }),
      defineRoute({
        operationId: 'getRootCrt',
        method: 'get',
        path: '/pki/root.crt',
        summary: '根证书 (DER) The trust anchor as DER',
        tags: ['pki'],
        auth: ['public'],
        responses: { 200: { description: 'The root CA certificate', contentType: 'application/pkix-cert' } },
        handler: () => reply.bytes(inst.pki.rootCertificate, 'application/pkix-cert'),
      }),
      defineRoute<{ params: { name: string } }>({
        operationId: 'getCrl',
        method: 'get',
        path: '/pki/crl/:name',
        summary: '证书吊销列表 A certificate revocation list (RFC 5280 §5)',
        tags: ['pki'],
        auth: ['public'],
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: '`root.crl` or `issuing.crl`' } } },
        responses: { 200: { description: 'The CRL, DER', contentType: 'application/pkix-crl' } },
        errors: ['NOT_FOUND'],
        handler: ({ params }) => {
          const name = params.name.replace(/\.crl$/, '');
          if (name !== 'root' && name !== 'issuing') throw new SignetError('NOT_FOUND', '吊销列表不存在。Unknown CRL: use root.crl or issuing.crl.');
          return reply.bytes(inst.validationData.crl(name), 'application/pkix-crl');
        },
      }),
      defineRoute<{ body: Buffer }>({
        operationId: 'postOcsp',
        method: 'post',
        path: '/pki/ocsp',
        summary: 'OCSP 查询 OCSP request (RFC 6960 Appendix A.1, POST)',
        tags: ['pki'],
        auth: ['public'],
        body: { kind: 'binary', contentTypes: ['application/ocsp-request'], maxBytes: 64 * 1024, description: 'A DER OCSPRequest' },
        responses: ocspResponse,
        handler: ({ body }) => ocsp(body),
      }),
      defineRoute<{ params: { request: string } }>({
        operationId: 'getOcsp',
        method: 'get',
        path: '/pki/ocsp/:request',
        summary: 'OCSP 查询 OCSP request (RFC 6960 Appendix A.1, GET)',
        tags: ['pki'],
        auth: ['public'],
        params: { type: 'object', required: ['request'], properties: { request: { type: 'string', description: 'The DER OCSPRequest, base64, URL-encoded' } } },
        responses: ocspResponse,
        handler: ({ params }) => ocsp(Buffer.from(params.request, 'base64')),
      }),
      defineRoute<{ body: Buffer }>({
        operationId: 'postTimestamp',
        method: 'post',
        path: '/tsa',
        summary: '时间戳 RFC 3161 time-stamp request (§3.4)',
        tags: ['pki'],
        auth: ['public'],
        body: { kind: 'binary', contentTypes: ['application/timestamp-query'], maxBytes: 64 * 1024, description: 'A DER TimeStampReq' },
        responses: { 200: { description: 'A TimeStampResp (RFC 3161 §2.4.2)', contentType: 'application/timestamp-reply' } },
        errors: ['REQUEST_MALFORMED'],
        handler: ({ body }) => reply.bytes(inst.tsa.respond(body), 'application/timestamp-reply'),
      }),
    ],
  };
}
