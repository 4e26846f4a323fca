/** Public verification of an uploaded PDF (DESIGN §4): the same report as `signet verify --json`. */
import { PdfReader, SignetError, verifyPdf } from '@signet/core';
import { defineRoute, schemaRef, type JsonSchema } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import type { Installation } from '../../installation.js';
import { readablePageCount } from '../../files/file-service.js';

const CERTIFICATE: JsonSchema = {
  type: 'object',
  required: ['subject', 'issuer', 'serialNumber', 'notBefore', 'notAfter', 'sha256'],
  properties: {
    subject: { type: 'string' }, commonName: { type: 'string' }, organization: { type: 'string' }, issuer: { type: 'string' },
    serialNumber: { type: 'string' }, notBefore: { type: 'string' }, notAfter: { type: 'string' }, sha256: { type: 'string' },
  },
};

const SIGNATURE: JsonSchema = {
  type: 'object',
  required: ['index', 'type', 'fieldName', 'revision', 'coversWholeDocument', 'integrity', 'certificate', 'ltv', 'modifications', 'padesLevel', 'indication', 'problems'],
  properties: {
    index: { type: 'integer', minimum: 1 },
    type: { enum: ['signature', 'doc-timestamp'] },
    fieldName: { type: 'string' },
    subFilter: { type: 'string' },
    page: { type: ['integer', 'null'] },
    visible: { type: 'boolean' },
    signer: schemaRef('CertificateSummary'),
    claimedTime: { type: 'string' },
    reason: { type: 'string' },
    location: { type: 'string' },
    revision: { type: 'integer' },
    revisionCount: { type: 'integer' },
    byteRange: { type: 'array', items: { type: 'integer' } },
    coversWholeDocument: { type: 'boolean' },
    integrity: { type: 'object', properties: { byteRangeValid: { type: 'boolean' }, digestMatches: { type: 'boolean' }, signatureValid: { type: 'boolean' } } },
    timestamp: { type: 'object', properties: { time: { type: 'string' }, valid: { type: 'boolean' }, trusted: { type: 'boolean' } } },
    certificate: { type: 'object', properties: { trusted: { type: 'boolean' }, chain: { type: 'array', items: schemaRef('CertificateSummary') } } },
    ltv: { type: 'boolean' },
    certification: { type: 'object', properties: { p: { enum: [1, 2, 3] } } },
    modifications: { type: 'object', properties: { level: { type: 'string' }, allowed: { type: 'boolean' } } },
    padesLevel: { enum: ['B-B', 'B-T', 'B-LT', 'B-LTA', 'none'] },
    indication: { enum: ['TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE'] },
    subIndication: { type: 'string' },
    problems: { type: 'array', items: { type: 'string' } },
  },
};

const REPORT: JsonSchema = {
  type: 'object',
  description: 'Every signature of the file, the way Adobe Reader\'s signature panel shows them, with an ETSI EN 319 102-1 indication each.',
  required: ['valid', 'summary', 'summaryZh', 'fileSha256', 'revisionCount', 'signatureCount', 'signatures'],
  properties: {
    valid: { type: 'boolean', description: 'True only when every signature is TOTAL_PASSED and nothing illegal changed after any of them' },
    summary: { type: 'string' },
    summaryZh: { type: 'string' },
    fileSha256: { type: 'string' },
    fileSize: { type: 'integer' },
    revisionCount: { type: 'integer' },
    signatureCount: { type: 'integer' },
    certified: { type: 'object', properties: { p: { enum: [1, 2, 3] }, by: { type: 'string' } } },
    signatures: { type: 'array', items: schemaRef('SignatureReport') },
    verifiedAt: { type: 'string' },
  },
};

/** POST /api/v1/verify. */
export function verifyRoutes(s: { installation: Installation }): RouteModule {
  return {
    schemas: { VerificationReport: REPORT, SignatureReport: SIGNATURE, CertificateSummary: CERTIFICATE },
    tags: [{ name: 'verify', description: '验证PDF签名 Verify the signatures of a PDF' }],
    routes: [
      defineRoute<{ body: Buffer }>({
        operationId: 'verifyPdf',
        method: 'post',
        path: '/api/v1/verify',
        summary: '验证PDF签名 Verify every signature of a PDF',
        tags: ['verify'],
        auth: ['public'],
        body: { kind: 'binary', contentTypes: ['application/pdf', 'application/octet-stream'], description: 'The PDF file' },
        responses: { 200: { description: 'The verification report (an invalid signature is a report, not an error)', schema: schemaRef('VerificationReport') } },
        errors: ['PDF_NOT_PDF', 'PDF_TRUNCATED', 'PDF_ENCRYPTED', 'PDF_XREF_BROKEN', 'PDF_MALFORMED', 'PDF_LIMIT_EXCEEDED'],
        handler: ({ body }) => {
          if (body.length === 0) throw new SignetError('INVALID_ARGUMENT', '请上传 PDF 文件。Send the PDF as the request body with Content-Type: application/pdf.');
          // A file whose page tree cannot be read (a cycle, too deep) is refused as at upload, not reported as "not signed".
          readablePageCount(PdfReader.load(body));
          return verifyPdf(body, { trustAnchors: [s.installation.pki.rootCertificate] });
        },
      }),
    ],
  };
}
